#!/usr/bin/env bash
# Runs one suite of Sluice's benchmarks and writes its results under bench-results/.
#
#   sluice-benchmarks/run.sh SUITE [extra JMH or program arguments...]
#
# Suites:
#   hot       HotKeyBenchmark at 1 and then 2 threads, with -prof gc (bytes allocated per check)
#   many      ManyClientsBenchmark at 2 threads with bin/jvm-flags, the launcher's JVM flags
#             (add -p clients=100000000 for the real size)
#   versus    VersusMapOfBucketsBenchmark at 2 threads (add -p clients=20000000 for the real size)
#   heap      HeapPerClient for sluice-long, sluice-string and map-of-buckets, each in its own
#             JVM; N from $HEAP_CLIENTS (default 1000000), heap from $HEAP_XMX (default 16g),
#             modes from $HEAP_MODES (default all three, space-separated)
#   rls       RlsBenchmarks: Envoy's RLS against an empty grpc-java service and the HTTP check
#             endpoint (wrk on PATH); arguments: [seconds] [calls in flight] [channels]
#   synced    SyncedVersusInMemoryBenchmark at 1 thread (the synced engine against the in-memory
#             engine in one run; starts its own redis-server)
#   redis     RedisBenchmarks (sluice-redis against Bucket4j, Redisson and reference scripts,
#             redis-benchmark as the ceiling): starts its own redis-server 7 pinned to CPU 0 with
#             the client pinned to CPU 1 (taskset, when there are 2+ CPUs); arguments:
#             [seconds] [scenario...] (peers throughput hotset latency memory breaker)
#   lab       the accuracy lab (dev.sluice.bench.lab.AccuracyLab; plots into docs/img, tables on
#             stdout, docs/distributed.md); program arguments: --quick, --seed N, --targets-only
#   regions   the multi-region lab (dev.sluice.bench.lab.regions.RegionsLab; three redis-servers,
#             plots into docs/img/regions-*.png, tables on stdout, docs/regions.md)
#   all       hot, many, versus and heap at the default (quick) sizes
#
# JMH settings suit a 2-core machine shared with other work: 1 fork, 3 x 2 s warm-up, 5 x 3 s
# measurement; pass -f, -wi, -w, -i, -r or -t to override the suite's value (JMH itself refuses
# an option given twice, so run.sh keeps only the last of each).
# Peers always run in the same JMH invocation as Sluice: compare ratios, not absolute numbers.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
out="$root/bench-results"

java_major() {  # prints the feature version of the java binary $1, or 0
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1 || echo 0
}

find_jdk() {  # JAVA_HOME if it is 21 or newer, else the newest JDK >= 21 under /usr/lib/jvm
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] \
      && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -x "$d/bin/javac" ]] || continue
    v="$(java_major "$d/bin/java")"
    if (( v >= 21 && v > best_v )); then best="$d"; best_v="$v"; fi
  done
  [[ -n "$best" ]] || { echo "run.sh: no JDK 21 or newer (JAVA_HOME or /usr/lib/jvm)" >&2; exit 1; }
  echo "$best"
}

JAVA_HOME="$(find_jdk)"
export JAVA_HOME
java="$JAVA_HOME/bin/java"

build_if_needed() {
  local newest
  newest="$(find "$root/sluice-core/src" "$root/sluice-grpc/src/main" "$root/sluice-redis/src/main" \
    "$root/sluice-server/src/main" "$root/sluice-synced/src" "$root/sluice-regions/src" \
    "$here/src" "$root/pom.xml" \
    "$here/pom.xml" "$root/sluice-core/pom.xml" -newer "$jar" -print -quit 2>/dev/null || true)"
  if [[ ! -f "$jar" || -n "$newest" ]]; then
    echo "run.sh: building $jar" >&2
    # Maven 3.8's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every build.
    local opts="${MAVEN_OPTS:-}"
    if (( $(java_major "$java") >= 24 )); then
      opts="$opts --sun-misc-unsafe-memory-access=allow"
    fi
    (cd "$root" && MAVEN_OPTS="$opts" mvn -B -q -pl sluice-benchmarks -am package -DskipTests)
  fi
}

suite="${1:-}"
[[ -n "$suite" ]] || { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
shift

build_if_needed
mkdir -p "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
jmh_defaults=(-f 1 -wi 3 -w 2s -i 5 -r 3s)

machine_load() {  # one line: load average and CPU pressure, to judge how noisy a run was
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores;" \
    "cpu pressure: $(head -n1 /proc/pressure/cpu 2>/dev/null || echo n/a)"
}

merge_opts() {  # prints the arguments NUL-separated, keeping only the last -f/-wi/-w/-i/-r/-t
  local -A last=()
  local -a args=("$@") kept=()
  local i n=$#
  for ((i = 0; i < n; i++)); do
    case "${args[i]}" in -f|-wi|-w|-i|-r|-t) last[${args[i]}]=$i; i=$((i + 1)) ;; esac
  done
  for ((i = 0; i < n; i++)); do
    case "${args[i]}" in
      -f|-wi|-w|-i|-r|-t)
        if [[ "${last[${args[i]}]}" == "$i" ]]; then kept+=("${args[i]}" "${args[i + 1]}"); fi
        i=$((i + 1)) ;;
      *) kept+=("${args[i]}") ;;
    esac
  done
  printf '%s\0' "${kept[@]}"
}

jmh() {  # jmh NAME ARGS...: one JMH run, human-readable log and JSON under bench-results/
  local name="$1"; shift
  local -a opts
  mapfile -d '' opts < <(merge_opts "${jmh_defaults[@]}" "$@")
  local base="$out/$stamp-$name"
  echo "run.sh: $name -> $base.{txt,json} ($("$java" -version 2>&1 | head -n1))" >&2
  { echo "run.sh: java -jar benchmarks.jar ${opts[*]}"; echo "before: $(machine_load)"; } \
    > "$base.txt"
  "$java" -jar "$jar" "${opts[@]}" -rf json -rff "$base.json" | tee -a "$base.txt"
  echo "after: $(machine_load)" | tee -a "$base.txt"
}

heap() {
  local n="${HEAP_CLIENTS:-1000000}" xmx="${HEAP_XMX:-16g}" mode base="$out/$stamp-heap"
  local modes="${HEAP_MODES:-sluice-long sluice-string map-of-buckets}"
  echo "run.sh: heap -> $base.txt ($("$java" -version 2>&1 | head -n1), -Xmx$xmx)" >&2
  for mode in $modes; do
    "$java" "-Xmx$xmx" -cp "$jar" dev.sluice.bench.HeapPerClient "$mode" "$n" \
      | tee -a "$base.txt"
  done
}

case "$suite" in
  hot)
    jmh hot-t1 'HotKeyBenchmark' -t 1 -prof gc "$@"
    jmh hot-t2 'HotKeyBenchmark' -t 2 -prof gc "$@"
    ;;
  many)   # with the launcher's flags (bin/jvm-flags: huge pages, heap), as bin/sluice runs
    jmh many 'ManyClientsBenchmark' -t 2 -jvmArgsAppend "$("$root/bin/jvm-flags")" "$@" ;;
  versus) jmh versus 'VersusMapOfBucketsBenchmark' -t 2 "$@" ;;
  heap)   heap "$@" ;;
  rls)
    base="$out/$stamp-rls"
    flags=()  # grpc-netty-shaded's native transport and protobuf's Unsafe warn on JDK 24+
    if (( $(java_major "$java") >= 24 )); then
      flags=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
    fi
    echo "run.sh: rls -> $base.txt" >&2
    { echo "before: $(machine_load)"
      (cd "$root" && "$java" "${flags[@]}" -cp "$jar" dev.sluice.bench.grpc.RlsBenchmarks "$@")
      echo "after: $(machine_load)"; } | tee "$base.txt"
    ;;
  redis)
    base="$out/$stamp-redis"
    port="${REDIS_BENCH_PORT:-6391}"
    dir="$(mktemp -d)"
    trap 'kill "$(cat "$dir/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$dir"' EXIT
    source "$here/redis/pinned-redis.sh"
    start_pinned_redis "$port" "$dir"
    echo "run.sh: redis -> $base.txt (redis-server ${pin_server[*]:-unpinned}, client ${pin_client[*]:-unpinned})" >&2
    { echo "before: $(machine_load)"
      echo "redis-server: ${pin_server[*]:-unpinned}; client: ${pin_client[*]:-unpinned}"
      (cd "$root" && PATH="$PATH" "${pin_client[@]}" "$java" -cp "$jar" \
        dev.sluice.bench.redis.RedisBenchmarks "$port" "$@")
      echo "after: $(machine_load)"; } | tee "$base.txt"
    ;;
  synced) jmh synced 'SyncedVersusInMemoryBenchmark' -t 1 "$@" ;;
  lab)
    echo "run.sh: lab -> $out/$stamp-lab.md" >&2
    (cd "$root" && "$java" -cp "$jar" dev.sluice.bench.lab.AccuracyLab --img docs/img "$@") \
      | tee "$out/$stamp-lab.md"
    ;;
  regions)
    echo "run.sh: regions -> $out/$stamp-regions.md" >&2
    (cd "$root" && "$java" -cp "$jar" dev.sluice.bench.lab.regions.RegionsLab --img docs/img "$@") \
      | tee "$out/$stamp-regions.md"
    ;;
  all)
    "$0" hot; "$0" many; "$0" versus; "$0" heap
    ;;
  *) echo "run.sh: unknown suite '$suite' (hot, many, versus, heap, rls, redis, synced, lab, regions, all)" >&2; exit 2 ;;
esac
