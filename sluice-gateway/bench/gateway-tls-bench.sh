#!/usr/bin/env bash
# The gateway with TLS on both sides against nginx doing the same, with wrk, in one run: the
# client speaks HTTPS to the proxy (gateway.tls / nginx ssl) and the proxy speaks HTTPS to the
# upstream (an https:// upstream verified against the test CA / proxy_ssl_verify), over
# keep-alive connections on both sides. Certificates are made with openssl into a temp dir
# (sluice-server/bench/tls-certs.sh). See docs/benchmarks.md ("Gateway").
# Usage: sluice-gateway/bench/gateway-tls-bench.sh [seconds per run, default 10]
# Needs nginx and wrk (apt-get install nginx-light wrk) and the sluice jar (bin/sluice --help
# builds it).
#
# Core split (2 cores), as gateway-bench.sh: the upstream (nginx, 1 worker) and wrk on CPU 0;
# the proxy under test (nginx, 1 worker, or the Sluice JVM) on CPU 1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-10}"
source "$root/sluice-frontend/bench/bench-env.sh"
bench_workdir sluice-gw-tls-bench
wrk_pin=(taskset -c 0)

"$root/sluice-server/bench/tls-certs.sh" "$work/tls"
tls="$work/tls"
mkdir -p "$work/upstream" "$work/proxy"
cat > "$work/upstream.conf" <<NGINX
$(nginx_one_worker_head "$work/upstream")
  server {
    listen 127.0.0.1:18191 ssl;
    ssl_certificate $tls/tls.crt;
    ssl_certificate_key $tls/tls.key;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
NGINX
cat > "$work/proxy.conf" <<NGINX
$(nginx_one_worker_head "$work/proxy")
  limit_req_zone \$binary_remote_addr zone=perip:10m rate=1000000r/s;
  upstream up {
    server 127.0.0.1:18191;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:18192 ssl;
    ssl_certificate $tls/tls.crt;
    ssl_certificate_key $tls/tls.key;
    location / {
      limit_req zone=perip burst=1000000 nodelay;
      proxy_pass https://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_ssl_verify on;
      proxy_ssl_trusted_certificate $tls/ca.crt;
      proxy_ssl_name localhost;
      proxy_ssl_server_name on;
      proxy_ssl_session_reuse on;
    }
  }
}
NGINX
taskset -c 0 nginx -p "$work/upstream" -c "$work/upstream.conf" -g 'daemon off;' &
pids+=($!)
taskset -c 1 nginx -p "$work/proxy" -c "$work/proxy.conf" -g 'daemon off;' &
pids+=($!)
cp "$here/rules.yaml" "$work/"
cat > "$work/gateway.yaml" <<YAML
gateway:
  port: 18193
  admin: {port: -1}
  reload-interval: 0s
  tls: {cert: tls/tls.crt, key: tls/tls.key}
  routes: [{match: {path: "/**"}, upstream: up}]
  upstreams:
    up:
      hosts: [{url: "https://localhost:18191"}]
      tls: {ca: tls/ca.crt}
engine: {type: in-memory}
rules: {store: file, file: rules.yaml}
YAML
taskset -c 1 "$JAVA_HOME/bin/java" -Xms256m -Xmx256m -jar "$jar" gateway \
  --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 &
pids+=($!)
for port in 18191 18192 18193; do
  await_http "https://localhost:$port/" -f --cacert "$tls/ca.crt"
done
curl -sf -o /dev/null --cacert "$tls/ca.crt" https://localhost:18193/bench \
  || { echo "the gateway does not answer over HTTPS:"; cat "$work/gateway.log"; exit 1; }

echo "### $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the JIT: the TLS paths need longer than the plaintext ones (WARMUP seconds, default 40).
taskset -c 0 wrk -t1 -c32 -d"${WARMUP:-40}s" https://localhost:18193/bench > /dev/null
echo "### saturation over TLS: 1 wrk thread, 32 keep-alive connections; 18191 direct, 18192"
echo "### nginx, 18193 sluice"
for round in $(seq 1 "${ROUNDS:-3}"); do
  echo "# round $round"
  for target in 18191 18192 18193; do
    run -t1 -c32 -d"${secs}s" "https://localhost:$target/bench"
  done
done
echo "### gateway log lines other than startup: $(grep -vc -e 'rules in force' -e 'listening' \
  -e '^Engine' -e '^Admin' "$work/gateway.log" || true)"
