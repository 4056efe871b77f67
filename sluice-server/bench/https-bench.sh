#!/usr/bin/env bash
# Single checks over HTTPS: Sluice with server.tls against nginx with ssl and limit_req per
# client answering a constant JSON body, in the same run, with wrk over keep-alive TLS
# connections (the handshake is paid once per connection; the runs measure the per-request
# cost of TLS records). Certificates are made with openssl into a temp dir (tls-certs.sh).
# Usage: sluice-server/bench/https-bench.sh [seconds per run, default 10]
# Needs wrk and nginx (apt-get install wrk nginx-light; Debian's nginx-light has ssl) and the
# sluice jar (bin/sluice --help builds it). docs/benchmarks.md records runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
secs="${1:-10}"
source "$here/../../sluice-frontend/bench/bench-env.sh"
bench_workdir sluice-https-bench

"$here/tls-certs.sh" "$work/tls"
cp "$here/config/rules.yaml" "$work/rules.yaml"
cat > "$work/sluice.yaml" <<YAML
server:
  host: 127.0.0.1
  port: 18181
  tls: {cert: tls/tls.crt, key: tls/tls.key}
rules: {file: rules.yaml}
YAML
"$JAVA_HOME/bin/java" -Xmx1g -jar "$jar" serve --config "$work/sluice.yaml" \
  > "$work/sluice.log" 2>&1 &
pids+=($!)
mkdir -p "$work/nginx"
nginx_check_conf "$work/nginx" "    listen 127.0.0.1:18183 ssl;
    ssl_certificate $work/tls/tls.crt;
    ssl_certificate_key $work/tls/tls.key;
    ssl_protocols TLSv1.3 TLSv1.2;" "keepalive_requests 1000000;" > "$work/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx.conf" > "$work/nginx/stdout.log" 2>&1 &
pids+=($!)
for port in 18181 18183; do
  await_http "https://127.0.0.1:$port/" --cacert "$work/tls/ca.crt"
done
curl -sf --cacert "$work/tls/ca.crt" -X POST -H 'Content-Type: application/json' \
  -d '{"client_id":"probe","rule_id":"bench"}' https://127.0.0.1:18181/rate-limit/check \
  > /dev/null || { echo "Sluice does not answer over HTTPS:"; cat "$work/sluice.log"; exit 1; }

echo "### $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the JIT (the TLS code paths take longer to compile than the plaintext ones).
wrk -t2 -c32 -d"${WARMUP:-40}s" -s "$here/check.lua" https://127.0.0.1:18181 > /dev/null
wrk -t2 -c32 -d3s -s "$here/check-nginx.lua" https://127.0.0.1:18183 > /dev/null
echo "### single checks over TLS, saturation (2 wrk threads, 32 keep-alive connections)"
for round in $(seq 1 "${ROUNDS:-2}"); do
  echo "# round $round: nginx (ssl, limit_req per client, constant JSON), then Sluice"
  run -t2 -c32 -d"${secs}s" -s "$here/check-nginx.lua" https://127.0.0.1:18183/rate-limit/check
  run -t2 -c32 -d"${secs}s" -s "$here/check.lua" https://127.0.0.1:18181/rate-limit/check
done
echo "### new TLS connection per request (handshake cost): 8 connections"
run -t2 -c8 -d"${secs}s" -H 'Connection: close' -s "$here/check-nginx.lua" \
  https://127.0.0.1:18183/rate-limit/check
run -t2 -c8 -d"${secs}s" -H 'Connection: close' -s "$here/check.lua" \
  https://127.0.0.1:18181/rate-limit/check
