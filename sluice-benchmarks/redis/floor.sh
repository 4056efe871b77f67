#!/usr/bin/env bash
# What a one-limit check cannot go below: Redis CPU per call of the building blocks of a check
# script, next to Sluice's bench1 check (token bucket, parameters compiled in).
#
#   sluice-benchmarks/redis/floor.sh [calls]      (default 400000 per script)
#
# Starts its own redis-server pinned to CPU 0 (redis-benchmark on CPU 1), then for each script:
# SCRIPT LOAD, one run of `calls` to create its keys (100,000 clients, a key prefix per script),
# and one measured run of `calls` (-c 1 -P 32 -r 100000): user + sys CPU of the server from
# INFO cpu before and after, divided by the calls. Needs the benchmarks jar
# (sluice-benchmarks/run.sh builds it), redis-server, redis-cli and redis-benchmark.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
jar="$root/sluice-benchmarks/target/benchmarks.jar"
calls="${1:-400000}"
port="${REDIS_FLOOR_PORT:-6394}"
java="${JAVA_HOME:-$("$root/bin/find-jdk")}/bin/java"
work="$(mktemp -d)"
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT
source "$here/pinned-redis.sh"
start_pinned_redis "$port" "$work"

"$java" -cp "$jar" dev.sluice.bench.redis.RedisBenchmarks scripts "$work"
# Sluice's bench1 fast path alone (what runs; the library after it is never reached here)
awk '/^until true/ { print; exit } { print }' "$work/bench1.lua" > "$work/sluice.lua"
v="'xxxxxxxxxxxxxxxxxxxxxxxx'"  # 24 bytes, a token bucket's state
printf '%s\n' "return 1" > "$work/empty.lua"
printf '%s\n' "redis.call('TIME')" "return 1" > "$work/time.lua"
printf '%s\n' "redis.call('GET', KEYS[1])" "return 1" > "$work/get.lua"
printf '%s\n' "redis.call('SET', KEYS[1], $v, 'PX', 60000)" "return 1" > "$work/setpx.lua"
printf '%s\n' "redis.call('GET', KEYS[1])" "redis.call('SET', KEYS[1], $v, 'PX', 60000)" \
  "return 1" > "$work/getsetpx.lua"
printf '%s\n' "redis.call('GET', KEYS[1])" "redis.call('SET', KEYS[1], $v, 'PX', 60000)" \
  "return { 1, 0, 5, 6, 7 }" > "$work/getsetpx-reply.lua"
printf '%s\n' "redis.call('TIME')" "redis.call('GET', KEYS[1])" \
  "redis.call('SET', KEYS[1], $v, 'PX', 60000)" "return { 1, 0, 5, 6, 7 }" \
  > "$work/time-getsetpx-reply.lua"

cpu() {
  redis-cli -p "$port" info cpu | tr -d '\r' \
    | awk -F: '/^used_cpu_(sys|user):/ { s += $2 } END { printf "%.6f", s }'
}
run() {  # name script t
  local sha a b
  sha="$(redis-cli -p "$port" script load "$(cat "$work/$2.lua")")"
  "${pin_client[@]}" redis-benchmark -p "$port" -c 1 -P 32 -n "$calls" -r 100000 \
    EVALSHA "$sha" 1 "fl{__rand_int__}:$2" "$3" 1 1000 >/dev/null
  a="$(cpu)"
  "${pin_client[@]}" redis-benchmark -p "$port" -c 1 -P 32 -n "$calls" -r 100000 \
    EVALSHA "$sha" 1 "fl{__rand_int__}:$2" "$3" 1 1000 >/dev/null
  b="$(cpu)"
  awk -v n="$1" -v a="$a" -v b="$b" -v c="$calls" \
    'BEGIN { printf "%-44s %5.2f us redis cpu per call\n", n, (b - a) * 1e6 / c }'
}
echo "# $(date -u +%FT%TZ), $(redis-server --version | cut -d' ' -f3), $calls calls per script"
run "empty script (return 1)" empty -1
run "TIME" time -1
run "GET" get -1
run "SET PX (24 bytes)" setpx -1
run "GET + SET PX" getsetpx -1
run "GET + SET PX + 5-integer reply" getsetpx-reply -1
run "TIME + GET + SET PX + 5-integer reply" time-getsetpx-reply -1
run "sluice bench1, server time (the default)" sluice -1
run "sluice bench1, the caller's time" sluice 1700000000000000
