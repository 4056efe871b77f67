#!/usr/bin/env bash
# HTTP benchmark of the service against a JDK HttpServer baseline, on loopback, with wrk.
# Usage: sluice-server/bench/http-bench.sh [seconds per run, default 10]
# Needs wrk (apt-get install wrk) and a built sluice-server (mvn -pl sluice-server -am package);
# SLUICE_JAR=path/to/sluice.jar runs that build's service instead (to compare two builds).
# Results are printed; docs/benchmarks.md ("HTTP service") records a run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-10}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
cp="${SLUICE_JAR:-$(cat "$root/sluice-server/target/classpath.txt"):$root/sluice-server/target/classes}"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$java" -Xmx1g "$here/BaselineServer.java" 18082 > /tmp/sluice-bench-baseline.log 2>&1 &
pids+=($!)
"$java" -Xmx1g -cp "$cp" dev.sluice.server.cli.ServerCli serve \
  --config "$here/config/sluice.yaml" > /tmp/sluice-bench-server.log 2>&1 &
pids+=($!)
for port in 18081 18082; do
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break || sleep 0.2
  done
done

run() { echo "== $*"; wrk --latency "$@" | grep -E "Requests/sec|Latency|50%|99%|requests in|Non-2xx|Socket"; }
# Warm both JITs.
wrk -t2 -c32 -d5s -s "$here/check.lua" http://127.0.0.1:18081 > /dev/null
wrk -t2 -c32 -d5s -s "$here/check.lua" http://127.0.0.1:18082 > /dev/null

echo "### single checks, saturation (2 wrk threads, 32 keep-alive connections)"
run -t2 -c32 -d"${secs}s" -s "$here/check.lua" http://127.0.0.1:18082/rate-limit/check
run -t2 -c32 -d"${secs}s" -s "$here/check.lua" http://127.0.0.1:18081/rate-limit/check
echo "### single checks, paced (each connection waits 1 ms between requests)"
for c in ${PACED_CONNECTIONS:-8 16 24}; do
  run -t2 -c"$c" -d"${secs}s" -s "$here/check-paced.lua" http://127.0.0.1:18081/rate-limit/check
done
echo "### batch of 1000 checks per request"
wrk -t2 -c4 -d3s -s "$here/batch.lua" http://127.0.0.1:18081 > /dev/null
run -t2 -c4 -d"${secs}s" -s "$here/batch.lua" http://127.0.0.1:18081/rate-limit/check/batch
