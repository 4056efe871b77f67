#!/usr/bin/env bash
# HTTP benchmark of the service against two peers, on loopback, with wrk: a JDK HttpServer
# answering a constant, and nginx (Debian's package) with limit_req keyed per client answering a
# constant JSON body (it writes its own nginx config under a temp dir; skipped with a line when
# nginx is absent).
# Usage: sluice-server/bench/http-bench.sh [seconds per run, default 10]
# Needs wrk (apt-get install wrk nginx-light) and a built sluice-server
# (mvn -pl sluice-server -am package);
# SLUICE_JAR=path/to/sluice.jar runs that build's service instead (to compare two builds).
# Results are printed; docs/benchmarks.md ("HTTP service") records a run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-10}"
source "$here/../../sluice-frontend/bench/bench-env.sh"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
cp="${SLUICE_JAR:-$(cat "$root/sluice-server/target/classpath.txt"):$root/sluice-server/target/classes}"
ng=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$ng" ]; then sleep 0.3; rm -rf "$ng"; fi
}
trap cleanup EXIT

"$java" -Xmx1g "$here/BaselineServer.java" 18082 > /tmp/sluice-bench-baseline.log 2>&1 &
pids+=($!)
"$java" -Xmx1g -cp "$cp" dev.sluice.server.cli.ServerCli serve \
  --config "$here/config/sluice.yaml" > /tmp/sluice-bench-server.log 2>&1 &
pids+=($!)
ports="18081 18082"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
if [ -x "$nginx_bin" ]; then
  ng="$(mktemp -d /tmp/sluice-bench-nginx.XXXXXX)"
  nginx_check_conf "$ng" "    listen 127.0.0.1:18083;" > "$ng/nginx.conf"
  "$nginx_bin" -p "$ng" -c "$ng/nginx.conf" > "$ng/stdout.log" 2>&1 &
  pids+=($!)
  ports="$ports 18083"
else
  echo "### nginx not found (apt-get install nginx-light): the nginx runs are skipped"
fi
for port in $ports; do
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break || sleep 0.2
  done
done

# Warm both JITs.
wrk -t2 -c32 -d5s -s "$here/check.lua" http://127.0.0.1:18081 > /dev/null
wrk -t2 -c32 -d5s -s "$here/check.lua" http://127.0.0.1:18082 > /dev/null

if [[ " $ports " == *" 18083 "* ]]; then
  wrk -t2 -c32 -d3s -s "$here/check-nginx.lua" http://127.0.0.1:18083 > /dev/null
fi

echo "### single checks, saturation (2 wrk threads, 32 keep-alive connections)"
echo "# JDK HttpServer, constant answer:"
run -t2 -c32 -d"${secs}s" -s "$here/check.lua" http://127.0.0.1:18082/rate-limit/check
if [[ " $ports " == *" 18083 "* ]]; then
  echo "# nginx, limit_req per client + constant JSON:"
  run -t2 -c32 -d"${secs}s" -s "$here/check-nginx.lua" http://127.0.0.1:18083/rate-limit/check
fi
echo "# Sluice:"
run -t2 -c32 -d"${secs}s" -s "$here/check.lua" http://127.0.0.1:18081/rate-limit/check
echo "### single checks, paced (each connection waits 1 ms between requests)"
for c in ${PACED_CONNECTIONS:-16 32 48}; do
  run -t2 -c"$c" -d"${secs}s" -s "$here/check-paced.lua" http://127.0.0.1:18081/rate-limit/check
done
if [[ " $ports " == *" 18083 "* ]]; then
  echo "# nginx, paced, 16 connections:"
  run -t2 -c16 -d"${secs}s" -s "$here/check-paced-nginx.lua" http://127.0.0.1:18083/rate-limit/check
fi
echo "### batch of 1000 checks per request"
wrk -t2 -c4 -d3s -s "$here/batch.lua" http://127.0.0.1:18081 > /dev/null
run -t2 -c4 -d"${secs}s" -s "$here/batch.lua" http://127.0.0.1:18081/rate-limit/check/batch
