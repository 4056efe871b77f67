#!/usr/bin/env bash
# Single checks of two (or more) builds of the service, one after another, two rounds: req/s
# and server CPU per request. Each argument is a checkout whose sluice-server is built
# (mvn -pl sluice-server -am package). Needs wrk.
# Usage: sluice-server/bench/ab.sh CHECKOUT-A CHECKOUT-B
#        AB_MODE=batch sluice-server/bench/ab.sh CHECKOUT-A CHECKOUT-B   (batches of 1,000, 4 conns)
set -euo pipefail
if [ "${AB_MODE:-single}" = batch ]; then
  lua=batch.lua path=/rate-limit/check/batch conns=4
else
  lua=check.lua path=/rate-limit/check conns=32
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="$("$here/../../bin/find-jdk")/bin/java"
for round in 1 2; do
  for d in "$@"; do
    cp="$(cat "$d/sluice-server/target/classpath.txt"):$d/sluice-server/target/classes"
    "$java" -Xmx1g -cp "$cp" dev.sluice.server.cli.ServerCli serve \
      --config "$here/config/sluice.yaml" > /tmp/sluice-ab.log 2>&1 &
    sp=$!
    for _ in $(seq 1 100); do
      curl -s -o /dev/null http://127.0.0.1:18081/healthz && break || sleep 0.2
    done
    wrk -t2 -c"$conns" -d4s -s "$here/$lua" "http://127.0.0.1:18081$path" > /dev/null
    echo "$d round $round: $("$here/cpu-per-request.sh" "$sp" -- -t2 -c"$conns" -d5s \
      -s "$here/$lua" "http://127.0.0.1:18081$path")" \
      "load $(cut -d' ' -f1 /proc/loadavg)"
    kill "$sp"; wait "$sp" 2>/dev/null || true
  done
done
