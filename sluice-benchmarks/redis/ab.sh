#!/usr/bin/env bash
# Side-by-side runs of RedisBenchmarks from two (or more) builds against one redis-server:
#
#   SCENARIOS="peers" sluice-benchmarks/redis/ab.sh A.jar B.jar B.jar A.jar
#
# Starts one redis-server pinned to CPU 0, then runs each jar in the order given (repeat jars to
# interleave them), its client pinned to CPU 1, after FLUSHALL and SCRIPT FLUSH:
# `java -cp JAR dev.sluice.bench.redis.RedisBenchmarks PORT $SECONDS $SCENARIOS`. Each jar is
# sluice-benchmarks/target/benchmarks.jar of a revision (mvn -pl sluice-benchmarks -am package
# -DskipTests in a worktree of it). SECONDS defaults to 10, SCENARIOS to "peers".
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
java="${JAVA_HOME:-$("$root/bin/find-jdk")}/bin/java"
port="${REDIS_AB_PORT:-6397}"
seconds="${SECONDS_PER_SCENARIO:-10}"
read -r -a scenarios <<< "${SCENARIOS:-peers}"
(( $# > 0 )) || { echo "usage: ab.sh JAR [JAR...]" >&2; exit 2; }
for jar in "$@"; do [[ -f "$jar" ]] || { echo "ab.sh: no jar $jar" >&2; exit 2; }; done
work="$(mktemp -d)"
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT
source "$here/pinned-redis.sh"
start_pinned_redis "$port" "$work"
for jar in "$@"; do
  echo "=== $jar $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  redis-cli -p "$port" flushall >/dev/null
  redis-cli -p "$port" script flush >/dev/null
  "${pin_client[@]}" "$java" -cp "$jar" dev.sluice.bench.redis.RedisBenchmarks "$port" \
    "$seconds" "${scenarios[@]}"
done
