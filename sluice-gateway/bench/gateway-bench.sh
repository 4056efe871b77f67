#!/usr/bin/env bash
# The gateway against nginx (reverse proxy with limit_req) and against the upstream reached
# directly, with wrk, side by side in one run. See docs/benchmarks.md ("Gateway").
# Usage: sluice-gateway/bench/gateway-bench.sh [seconds per run, default 10]
# Needs nginx and wrk (apt-get install nginx-light wrk) and the sluice jar (bin/sluice --help
# builds it).
#
# Core split (2 cores): the upstream (nginx, 1 worker) and wrk on CPU 0; the proxy under test
# (nginx, 1 worker, or the Sluice JVM, which then sizes itself to 1 event loop) on CPU 1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-10}"
source "$root/sluice-frontend/bench/bench-env.sh"
bench_workdir sluice-gw-bench
wrk_pin=(taskset -c 0)

sed "s#@WORK@#$work/upstream#g" "$here/nginx-upstream.conf" > "$work/upstream.conf"
sed "s#@WORK@#$work/proxy#g" "$here/nginx-proxy.conf" > "$work/proxy.conf"
mkdir -p "$work/upstream" "$work/proxy"
taskset -c 0 nginx -p "$work/upstream" -c "$work/upstream.conf" -g 'daemon off;' &
pids+=($!)
taskset -c 1 nginx -p "$work/proxy" -c "$work/proxy.conf" -g 'daemon off;' &
pids+=($!)
cp "$here/gateway.yaml" "$here/rules.yaml" "$work/"
taskset -c 1 "$JAVA_HOME/bin/java" -Xms256m -Xmx256m -jar "$jar" gateway \
  --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 &
pids+=($!)
for port in 18091 18092 18093; do
  await_http "http://127.0.0.1:$port/"
done

echo "### $(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "### cpu pressure: $(head -1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
# Warm the JIT (and nginx's caches).
taskset -c 0 wrk -t1 -c32 -d20s http://127.0.0.1:18093/bench > /dev/null
taskset -c 0 wrk -t1 -c32 -d3s http://127.0.0.1:18092/bench > /dev/null

# The machine is shared: the three targets take turns, ROUNDS times, so a burst of someone
# else's load hits all of them rather than one.
echo "### saturation: 1 wrk thread, 32 keep-alive connections; 18091 direct, 18092 nginx,"
echo "### 18093 sluice"
for round in $(seq 1 "${ROUNDS:-3}"); do
  echo "# round $round"
  for target in 18091 18092 18093; do
    run -t1 -c32 -d"${secs}s" "http://127.0.0.1:$target/bench"
  done
done
echo "### paced: each of 8 connections waits 1 ms between requests (light load)"
for target in 18091 18092 18093; do
  run -t1 -c8 -d"${secs}s" -s "$here/paced.lua" "http://127.0.0.1:$target/bench"
done
echo "### cpu pressure: $(head -1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
echo "### gateway log lines other than startup: $(grep -vc -e 'rules in force' -e 'listening' \
  -e '^Engine' "$work/gateway.log" || true)"
