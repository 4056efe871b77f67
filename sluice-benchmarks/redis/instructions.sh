#!/usr/bin/env bash
# Instructions Redis executes per call of each check script, counted by callgrind: a figure that,
# unlike Redis CPU seconds, does not depend on what else the machine is running.
#
#   sluice-benchmarks/redis/instructions.sh [calls]      (default 20000 per script)
#
# Starts its own redis-server under valgrind --tool=callgrind, then for each command: warms it up,
# zeroes the counters, runs it `calls` times with redis-benchmark (-c 1 -P 32 -r 100000, keys
# spread over 100,000 clients), dumps the counters and prints instructions per call. Commands:
# bare INCR, the two reference scripts of RedisBenchmarks, Sluice's check as it was before its
# scripts were reworked (the library alone, from git revision $BASE, default e6db67a) and now,
# for bench1 and bench3. Needs the benchmarks jar (sluice-benchmarks/run.sh builds it), valgrind
# and redis-benchmark.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
jar="$root/sluice-benchmarks/target/benchmarks.jar"
calls="${1:-20000}"
base="${BASE:-e6db67a}"
port="${REDIS_INSN_PORT:-6393}"
java="${JAVA_HOME:-$("$root/bin/find-jdk")}/bin/java"
work="$(mktemp -d)"
trap 'kill "$(cat "$work/pid" 2>/dev/null)" 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT

"$java" -cp "$jar" dev.sluice.bench.redis.RedisBenchmarks scripts "$work"
lua="sluice-redis/src/main/resources/dev/sluice/redis/lua"
for f in 00_arith 10_fixed_window 20_sliding_window_log 30_sliding_window_counter \
    40_token_bucket 50_gcra 80_rule 90_check; do
  git -C "$root" show "$base:$lua/$f.lua"; echo
done > "$work/before.lua"

valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" redis-server --port "$port" \
  --bind 127.0.0.1 --save '' --appendonly no --dir "$work" > "$work/valgrind.log" 2>&1 &
echo $! > "$work/pid"
for _ in $(seq 300); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.2; done
cli() { redis-cli -p "$port" "$@"; }
sha() { cli -x script load < "$1"; }  # -x: the file's bytes as they are (its sha)

measure() {  # measure NAME redis-benchmark-command...
  local name="$1"; shift
  cli flushall >/dev/null
  redis-benchmark -p "$port" -c 1 -P 32 -r 100000 -n 2000 -q "$@" >/dev/null 2>&1
  cli config resetstat >/dev/null
  callgrind_control -z "$(cat "$work/pid")" >/dev/null 2>&1
  redis-benchmark -p "$port" -c 1 -P 32 -r 100000 -n "$calls" -q "$@" >/dev/null 2>&1 || true
  local done_calls  # what Redis counted (the command's own calls), not what was asked for
  done_calls="$(cli info commandstats | tr -d '\r' \
    | sed -n 's/^cmdstat_\(evalsha\|incr\):calls=\([0-9]*\),.*/\2/p' | head -n1)"
  rm -f "$work"/cg.*.[0-9]*
  callgrind_control -d "$(cat "$work/pid")" >/dev/null 2>&1
  local ir="" i
  for i in $(seq 3000); do
    ir="$(grep -h '^summary:' "$work"/cg.*.[0-9]* 2>/dev/null | awk '{s+=$2} END {if (NR) printf "%.0f", s}')"
    [[ -n "$ir" ]] && break
    sleep 0.1
  done
  printf '%-55s %8.0f instructions per call (%s calls)\n' "$name" \
    "$(echo "$ir / $done_calls" | bc -l)" "$done_calls"
}

echo "redis $(cli info server | sed -n 's/^redis_version:\(.*\)\r$/\1/p'), $calls calls each," \
  "redis-benchmark -c 1 -P 32 -r 100000, under callgrind"
incr="$(sha "$work/incrby_pexpire.lua")"
seed="$(sha "$work/seed_token_bucket.lua")"
before="$(sha "$work/before.lua")"
one="$(sha "$work/bench1.lua")"
three="$(sha "$work/bench3.lua")"
read -r -a call1 < "$work/bench1.args"
read -r -a call3 < "$work/bench3.args"
measure "INCR (bare command)" incr 'k{__rand_int__}'
measure "script INCRBY+PEXPIRE" evalsha "$incr" 1 'ir{__rand_int__}' 1 60000
measure "script seed token bucket" evalsha "$seed" 1 'st{__rand_int__}' 1000000 1000000 \
  1764700000.5 1
measure "sluice bench1 before (library, $base)" evalsha "$before" 1 'sl{__rand_int__}:b1' -1 1 \
  1000 1 4 1000000 1000000 1000000 1 1
measure "sluice bench1 now" "${call1[@]}"
measure "sluice bench3 before (library, $base)" evalsha "$before" 1 'sl{__rand_int__}:b3' -1 1 \
  1000 3 4 1000000 1000000 1000000 1 1 1 100000000 60000000 100000000 5 3 5 1000000 1000000 1000 1 1
measure "sluice bench3 now" "${call3[@]}"
