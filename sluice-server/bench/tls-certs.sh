#!/usr/bin/env bash
# Makes a throw-away CA and a server certificate for localhost and 127.0.0.1 with openssl, for
# the TLS benchmarks: tls-certs.sh DIR writes DIR/ca.crt, DIR/tls.crt (leaf then CA) and
# DIR/tls.key (PKCS#8, EC P-256, as most deployments use now). Nothing is kept: the benchmarks
# run it into their temp dir.
set -euo pipefail
d="$1"
mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=sluice-bench-ca" -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
  -keyout "$d/tls.key" -out "$d/tls.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$d/ext.cnf"
openssl x509 -req -in "$d/tls.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
  -days 2 -extfile "$d/ext.cnf" -out "$d/leaf.crt" 2>/dev/null
cat "$d/leaf.crt" "$d/ca.crt" > "$d/tls.crt"
