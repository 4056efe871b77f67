#!/usr/bin/env bash
# CPU time a server spends per request under wrk: its processes' (and their children's)
# user + system time over the run, divided by the requests wrk completed.
# Usage: sluice-server/bench/cpu-per-request.sh PID... -- WRK-ARGS...
set -euo pipefail
pids=(); while [ "$1" != "--" ]; do pids+=("$1"); shift; done; shift
tick=$(getconf CLK_TCK)
cpu() {
  local t=0 p q s
  for p in "${pids[@]}"; do
    for q in $p $(pgrep -P "$p" || true); do
      read -ra s < <(sed 's/.*) //' "/proc/$q/stat")
      t=$((t + s[11] + s[12]))
    done
  done
  echo "$t"
}
a=$(cpu); out=$(wrk "$@"); b=$(cpu)
req=$(echo "$out" | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p')
rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
echo "requests $req  req/s $rps  cpu $(( (b - a) * 1000000 / tick / req )) us/request"
