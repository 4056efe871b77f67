#!/usr/bin/env bash
# A 1,000-item batch on the Redis engine, through the service, with wrk: checks/s = 1000 x req/s.
# Usage: sluice-server/bench/batch-redis.sh [seconds, default 10] [sluice.jar ...]
# Each jar given (default: this checkout's sluice-cli/target/sluice.jar, built by bin/sluice) is
# run in turn against one fresh redis-server, so two builds can be compared in one run.
# Needs wrk and redis-server (apt-get install wrk redis-server).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bin/mvn-env"
secs="${1:-10}"
shift || true
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=("$root/sluice-cli/target/sluice.jar")
tmp="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

redis-server --port 16391 --save '' --appendonly no --dir "$tmp" > "$tmp/redis.log" 2>&1 &
pids+=($!)
cp "$here/config/rules.yaml" "$tmp/rules.yaml"
cat > "$tmp/sluice.yaml" <<YAML
server: {host: 127.0.0.1, port: 18091, max-batch: 10000}
engine: {type: redis, uri: "redis://127.0.0.1:16391", time: server}
rules: {file: rules.yaml}
YAML
for jar in "${jars[@]}"; do
  "$JAVA_HOME/bin/java" -Xmx1g -jar "$jar" serve --config "$tmp/sluice.yaml" \
    > "$tmp/server.log" 2>&1 &
  spid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:18091/healthz" && break || sleep 0.2
  done
  redis-cli -p 16391 flushall > /dev/null
  wrk -t2 -c4 -d3s -s "$here/batch.lua" http://127.0.0.1:18091 > /dev/null
  echo "== $jar"
  wrk --latency -t2 -c4 -d"${secs}s" -s "$here/batch.lua" \
    http://127.0.0.1:18091/rate-limit/check/batch | grep -E "Requests/sec|50%|99%|Non-2xx"
  kill "$spid"; wait "$spid" 2>/dev/null || true
done
