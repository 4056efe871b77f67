#!/usr/bin/env bash
# The fault lab (docs/reliability.md): for each engine and seed, hosts made of network
# namespaces joined by veth links to a bridge (all made here, addresses 10.203.0.0/24 that exist
# only inside them), one Redis, three Sluice instances (`sluice.jar serve`) and a client that
# records every operation (for Sentinel and Cluster, a group of Redis servers); faults on a
# seeded, printed schedule (a partition from Redis with nft, a slow link: netem delay and loss,
# or a token bucket and random loss where the kernel has no netem; SIGSTOP/SIGCONT of an
# instance or of Redis, kill -9 and restart of an instance or of Redis, a master cut from its
# replica); then HistoryChecker judges the history against the engine's documented bound.
#
#   sluice-lab/lab.sh [--short | --long] [--engines redis,synced,leased,regional,sentinel,cluster]
#                     [--seeds N] [--seed S] [--duration SECONDS] [--faults N] [--out DIR]
#
# --short (default): one seed per engine but cluster, 2 faults, 6 s of traffic (the test's mode).
# The first seed is the time unless --seed gives it; every run prints its seed and schedule.
# --long: 3 seeds per engine, cluster too, 6 faults (each kind once, seeded order), 30 s of
# traffic each; prints the table of every run (docs/reliability.md).
# Exit: 0 every bound held, 1 a bound was broken, 2 bad use or a setup failure, 77 not run here
# (needs root, ip, tc, nft, redis-server, a JDK >= 21 and sluice-cli/target/sluice.jar).
#
# Everything is bounded: the client stops after its duration or operation budget, a watchdog
# ends the whole lab after a deadline, and a trap removes every namespace and process the lab
# made, also on Ctrl-C or TERM. Namespaces are named sllab<pid>-<host>; those of a lab whose
# process is gone (killed with -9) are removed at the next start. Nothing is sent to any
# address outside these namespaces: the hosts' only link is the lab's bridge.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

mode=short; engines=""; seeds=""; first_seed=""; duration=""; nfaults=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short ;;
    --long) mode=long ;;
    --engines) engines="${2:?--engines needs a list}"; shift ;;
    --seeds) seeds="${2:?--seeds needs a number}"; shift ;;
    --seed) first_seed="${2:?--seed needs a number}"; shift ;;
    --duration) duration="${2:?--duration needs seconds}"; shift ;;
    --faults) nfaults="${2:?--faults needs a number}"; shift ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sluice-lab: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# The short mode leaves the Cluster (seven more processes) to the long mode: its time in CI.
if [ "$mode" = short ]; then
  engines=${engines:-redis,synced,leased,regional,sentinel}
  seeds=${seeds:-1}; duration=${duration:-6}; nfaults=${nfaults:-2}
else
  engines=${engines:-redis,synced,leased,regional,sentinel,cluster}
  seeds=${seeds:-3}; duration=${duration:-30}; nfaults=${nfaults:-6}
fi
for v in seeds duration nfaults; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || { echo "sluice-lab: --$v: '${!v}' must be a positive integer" >&2; exit 2; }
done
first_seed=${first_seed:-$(( $(date +%s) % 100000 ))}
[[ "$first_seed" =~ ^[0-9]+$ ]] || { echo "sluice-lab: --seed: '$first_seed' must be a number" >&2; exit 2; }
for e in ${engines//,/ }; do
  case "$e" in redis|synced|leased|regional|sentinel|cluster) ;; *)
    echo "sluice-lab: --engines: '$e' is not one of redis, synced, leased, regional, sentinel, cluster" >&2
    exit 2 ;;
  esac
done

not_run() { echo "sluice-lab: NOT RUN: $*"; exit 77; }
[ "$(id -u)" = 0 ] || not_run "needs root (network namespaces)"
for tool in ip tc nft redis-server curl; do
  command -v "$tool" >/dev/null || not_run "needs $tool"
done
java_home="$("$root/bin/find-jdk" 2>/dev/null)" || not_run "needs a JDK >= 21"
java="$java_home/bin/java"
jar="$root/sluice-cli/target/sluice.jar"
if [ ! -f "$jar" ]; then
  echo "sluice-lab: $jar is missing: mvn -B -q -DskipTests -pl sluice-cli -am package" >&2
  exit 2
fi
ip netns add "sllab$$-probe" 2>/dev/null || not_run "ip netns add is not permitted here"
have_netem=""
if ip netns exec "sllab$$-probe" tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
  have_netem=yes
else
  echo "sluice-lab: this kernel has no netem qdisc: slow-link faults use tbf and nft loss" >&2
fi
ip netns del "sllab$$-probe"

out="${out:-$root/sluice-lab/target/lab/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
: > "$out/summary.tsv"   # this lab's runs only, also when --out is used again
classes="$root/sluice-lab/target/classes"
# Maven's classes when they are newer than every source, else compiled here for this run.
if [ ! -f "$classes/dev/sluice/lab/LabClient.class" ] || [ -n "$(find "$root/sluice-lab/src/main" \
    -name '*.java' -newer "$classes/dev/sluice/lab/LabClient.class" -print -quit)" ]; then
  classes="$out/classes"
  "$java_home/bin/javac" -d "$classes" "$root"/sluice-lab/src/main/java/dev/sluice/lab/*.java
fi

prefix="sllab$$"
subnet="10.203.0"
redis_addr="$subnet.2"   # the one Redis; with regional, region a's (b: .3, c: .4)
regions=(a b c)          # regional: instance s<i> is in region regions[i-1], with its own Redis
# sentinel: the redis engine on a Sentinel group: master "redis" (.2), replica "redis-r" (.3), a
# sentinel on each of them and on "redis-s" (.4), quorum 2, down after 1 s.
instances=3
limit=200            # permits per key; a key lives one epoch of the client, in one 1h window
epoch_ms=2000
sync_ms=250
share=0.34           # redis engine's local failure policy: a third of the limit per instance
# A JVM that starts fast and stays small: 2 cores are shared by everything here. The class-data
# archive is made by the first start and reused by the others.
jvm_opts=(-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+AutoCreateSharedArchive
  "-XX:SharedArchiveFile=$root/sluice-lab/target/sluice-serve.jsa" -Xlog:disable -Xlog:all=error:stderr)

# --- cleanup, watchdog -------------------------------------------------------------------------
kill_ns() { # every process inside namespace $1, then the namespace
  local pids
  pids="$(ip netns pids "$1" 2>/dev/null || true)"
  if [ -n "$pids" ]; then
    # shellcheck disable=SC2086
    kill -CONT $pids 2>/dev/null || true
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [ -z "$(ip netns pids "$1" 2>/dev/null)" ] && break
      sleep 0.1
    done
  fi
  ip netns del "$1" 2>/dev/null || true
}
teardown() {
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$prefix-" || true); do
    kill_ns "$ns"
  done
}
# Namespaces of a lab whose process is gone.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^sllab[0-9]+-' || true); do
  owner="${ns#sllab}"; owner="${owner%%-*}"
  if ! kill -0 "$owner" 2>/dev/null; then
    echo "sluice-lab: removing $ns, left by a lab that is gone (pid $owner)" >&2
    kill_ns "$ns"
  fi
done
watchdog_pid=""
finish() {
  local rc=$?
  trap - EXIT INT TERM
  rm -f "$out/.running"
  [ -n "$watchdog_pid" ] && kill "$watchdog_pid" 2>/dev/null || true
  jobs -p | xargs -r kill 2>/dev/null || true
  teardown
  exit "$rc"
}
trap finish EXIT
trap 'echo "sluice-lab: interrupted, cleaning up" >&2; exit 130' INT TERM
n_engines=$(echo "${engines//,/ }" | wc -w)
budget=$(( n_engines * seeds * (duration + 150) + 30 ))
# The watchdog's sleep is killed by its own pid at the end: a sleep left behind would hold the
# caller's output pipe open until it ended.
sleep "$budget" &
watchdog_pid=$!
( wait_for_watchdog() { while kill -0 "$watchdog_pid" 2>/dev/null; do sleep 1; done; }
  wait_for_watchdog
  # Only while this lab runs: after a kill -9 of it, $$ may be another process's pid.
  if [ -f "$out/.running" ] && grep -q lab.sh "/proc/$$/cmdline" 2>/dev/null; then
    echo "sluice-lab: watchdog: over ${budget}s, stopping" >&2; kill -TERM $$
  fi ) &
touch "$out/.running"

# --- hosts ---------------------------------------------------------------------------------------
host_ns() { echo "$prefix-$1"; }
add_host() { # name, last octet: a namespace with eth0 on the lab's bridge
  local ns; ns="$(host_ns "$1")"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add eth0 netns "$ns" type veth peer name "v-$1" netns "$(host_ns hub)"
  ip -n "$(host_ns hub)" link set "v-$1" master br0 up
  ip -n "$ns" addr add "$subnet.$2/24" dev eth0
  ip -n "$ns" link set eth0 up
}
make_network() {
  ip netns add "$(host_ns hub)"
  ip -n "$(host_ns hub)" link set lo up
  ip -n "$(host_ns hub)" link add br0 type bridge
  ip -n "$(host_ns hub)" link set br0 up
  local i
  for i in $(redis_hosts); do add_host "$i" "${redis_octet[$i]}"; done
  for i in $(seq 1 $instances); do add_host "s$i" $((10 + i)); done
  add_host client 100
}
instance_addr() { echo "$subnet.$((10 + ${1#s}))"; }
# cluster: the redis engine on a Redis Cluster of three masters with a replica each, "redis-c1"
# to "redis-c6" (.21-.26), node timeout 1 s.
declare -A redis_octet=([redis]=2 [redis-a]=2 [redis-b]=3 [redis-c]=4 [redis-r]=3 [redis-s]=4
  [redis-c1]=21 [redis-c2]=22 [redis-c3]=23 [redis-c4]=24 [redis-c5]=25 [redis-c6]=26)
redis_hosts() {
  case "$engine" in
    regional) echo redis-a redis-b redis-c ;;
    sentinel) echo redis redis-r redis-s ;;
    cluster) echo redis-c1 redis-c2 redis-c3 redis-c4 redis-c5 redis-c6 ;;
    *) echo redis ;;
  esac
}
redis_host_addr() { echo "$subnet.${redis_octet[$1]}"; }

start_sentinel() { # run dir, host
  local addr conf; addr="$(redis_host_addr "$2")"; conf="$1/$2-sentinel.conf"
  [ -f "$conf" ] || printf '%s\n' "port 26379" "bind $addr" "protected-mode no" \
    "sentinel monitor mymaster $redis_addr 6379 2" \
    "sentinel down-after-milliseconds mymaster 1000" \
    "sentinel failover-timeout mymaster 3000" "sentinel parallel-syncs mymaster 1" > "$conf"
  ip netns exec "$(host_ns "$2")" redis-server "$conf" --sentinel --logfile "$1/$2-sentinel.log" &
  disown $!
}
start_redis() { # run dir, redis host
  local addr; addr="$(redis_host_addr "$2")"
  if [ "$engine" = sentinel ] && [ "$2" = redis-s ]; then return 0; fi  # a sentinel only
  local extra=()
  if [ "$engine" = sentinel ] && [ "$2" = redis-r ]; then extra=(--replicaof "$redis_addr" 6379); fi
  if [ "$engine" = cluster ]; then
    extra=(--cluster-enabled yes --cluster-config-file "$1/$2-nodes.conf"
      --cluster-node-timeout 1000)
  fi
  # A data directory of its own, emptied: a replica writes the RDB of a full sync there, and a
  # restarted server must not load one (a kill -9 and restart loses the data, as documented).
  rm -rf "$1/$2-data"; mkdir -p "$1/$2-data"
  ip netns exec "$(host_ns "$2")" redis-server --bind "$addr" --port 6379 --save "" \
    --appendonly no --protected-mode no --daemonize no --logfile "$1/$2.log" \
    --dir "$1/$2-data" "${extra[@]}" &
  echo $! > "$1/pids/$2"
  disown $!  # the lab kills it on purpose: no job message
  local _
  for _ in $(seq 1 50); do
    ip netns exec "$(host_ns "$2")" redis-cli -h "$addr" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "sluice-lab: $2 did not start (see $1/$2.log)" >&2; return 1
}

write_config() { # run dir, engine, instance name
  local dir="$1/$3"; mkdir -p "$dir"
  cat > "$dir/rules.yaml" <<EOF
rules:
  - id: lab
    limits:
      - {window: 1h, max: $limit, algorithm: fixed-window}
EOF
  {
    cat <<EOF
server:
  host: $(instance_addr "$3")
  port: 8080
admin:
  token: lab-admin-token-not-a-secret
rules:
  store: file
  file: rules.yaml
  reload-interval: 1s
engine:
  command-timeout: 250ms
EOF
    case "$2" in sentinel|cluster) ;; *) printf '  type: %s\n' "$2" ;; esac
    if [ "$2" = cluster ]; then
      printf '  type: redis\n  topology: cluster\n  nodes: ['
      local h first=yes
      for h in $(redis_hosts); do
        [ -n "$first" ] || printf ', '
        printf '"redis://%s:6379"' "$(redis_host_addr "$h")"; first=""
      done
      printf ']\n'
    elif [ "$2" = sentinel ]; then
      printf '  type: redis\n  topology: sentinel\n  sentinel-master: mymaster\n  nodes: ['
      printf '"%s:26379", "%s:26379", "%s:26379"]\n' "$redis_addr" \
        "$(redis_host_addr redis-r)" "$(redis_host_addr redis-s)"
    elif [ "$2" = regional ]; then
      local i=${3#s} r
      printf '  region: %s\n  regions: [a, b, c]\n  exchange-interval: %sms\n  redis:\n' \
        "${regions[$((i - 1))]}" "$sync_ms"
      for r in a b c; do
        printf '    %s: {uri: "redis://%s:6379"}\n' "$r" "$(redis_host_addr "redis-$r")"
      done
    else
      printf '  topology: standalone\n  uri: redis://%s:6379\n' "$redis_addr"
    fi
    case "$2" in
      redis|sentinel|cluster) printf '  failure-policy: local\n  local-share: %s\n' "$share" ;;
      synced) printf '  sync-interval: %sms\n  expected-instances: %s\n' "$sync_ms" "$instances" ;;
      leased) printf '  sync-interval: %sms\n  lease-ttl: 1s\n  max-lease-percent: 10\n' "$sync_ms" ;;
    esac
  } > "$dir/sluice.yaml"
}
start_instance() { # run dir, instance name
  ip netns exec "$(host_ns "$2")" "$java" "${jvm_opts[@]}" -jar "$jar" serve \
    --config "$1/$2/sluice.yaml" >> "$1/$2/out.log" 2>&1 &
  echo $! > "$1/pids/$2"
  disown $!
}
wait_ready() { # instance name, seconds
  local _ url="http://$(instance_addr "$1"):8080/readyz"
  for _ in $(seq 1 $(( $2 * 5 ))); do
    [ "$(ip netns exec "$(host_ns client)" curl -s -o /dev/null -m 1 -w '%{http_code}' "$url")" = 200 ] \
      && return 0
    sleep 0.2
  done
  return 1
}

now_ms() { date +%s%3N; }

# --- faults --------------------------------------------------------------------------------------
engine=""
kinds=(partition slow-link pause-instance pause-redis kill-instance kill-redis)
# sentinel: failover, the master cut from its replica and the sentinels (the instances still
# reach it: writes in that window are lost when it rejoins as a replica), instead of slow-link.
sentinel_kinds=(partition failover pause-instance pause-redis kill-instance kill-redis)
plan_faults() { # seed: prints "offset_ms duration_ms kind target" lines, non-overlapping
  RANDOM=$1
  local t=1500 i kind dur target span
  span=$(( duration * 1000 - 1500 ))
  local slot=$(( span / nfaults ))
  # Every kind once per round of six, in a seeded order: a long run covers each of them.
  local order=("${kinds[@]}") j tmp
  case "$engine" in sentinel|cluster) order=("${sentinel_kinds[@]}") ;; esac
  for j in $(seq $(( ${#order[@]} - 1 )) -1 1); do
    tmp=$((RANDOM % (j + 1))); kind=${order[$j]}; order[$j]=${order[$tmp]}; order[$tmp]=$kind
  done
  for i in $(seq 1 "$nfaults"); do
    kind=${order[$(( (i - 1) % ${#order[@]} ))]}
    target="s$((RANDOM % instances + 1))"
    case "$kind" in *redis|failover)
      if [ "$engine" = regional ]; then target="redis-${regions[$((RANDOM % 3))]}"; else target=redis; fi ;;
    esac
    dur=$(( slot * 6 / 10 + RANDOM % (slot * 2 / 10 + 1) ))
    echo "$t $dur $kind $target"
    t=$(( t + slot ))
  done
}
own() { # pid, namespace: true when the process lives in that namespace of this lab
  [ "$(ip netns identify "$1" 2>/dev/null)" = "$2" ] && grep -q lab.sh "/proc/$$/cmdline" 2>/dev/null \
    || { echo "sluice-lab: $1 is not in $2 (any more): fault skipped" >&2; return 1; }
}
a_cluster_master() {
  local h addr
  for h in $(redis_hosts); do
    addr="$(ip netns exec "$(host_ns "$h")" redis-cli -h "$(redis_host_addr "$h")" cluster nodes \
      2>/dev/null | awk '$3 ~ /master/ && $3 !~ /fail/ {split($2, a, ":"); print a[1]; exit}')"
    [ -n "$addr" ] && break
  done
  for h in $(redis_hosts); do
    [ "$(redis_host_addr "$h")" = "$addr" ] && { echo "$h"; return; }
  done
  echo redis-c1
}
current_master() { # sentinel: the Redis host the sentinels name as master now
  local addr h
  addr="$(ip netns exec "$(host_ns redis-s)" redis-cli -h "$(redis_host_addr redis-s)" -p 26379 \
    sentinel get-master-addr-by-name mymaster 2>/dev/null | head -1)"
  for h in redis redis-r; do
    [ "$(redis_host_addr "$h")" = "$addr" ] && { echo "$h"; return; }
  done
  echo redis
}
cut_off() { # namespace, addresses ("a, b"), duration ms: drops its traffic with them both ways
  ip netns exec "$1" nft -f - <<EOF
table inet sluicelab {
  chain out { type filter hook output priority 0; ip daddr { $2 } drop; }
  chain in { type filter hook input priority 0; ip saddr { $2 } drop; }
}
EOF
  sleep "$(awk "BEGIN{print $3/1000}")"
  ip netns exec "$1" nft delete table inet sluicelab
}
inject() { # run dir, kind, target, duration ms; appends "start_ms end_ms kind target" to faults.log
  local dir="$1" kind="$2" target="$3" ms="$4" start end ns pid h
  # On a Sentinel group a fault on "the Redis" hits the master of the moment; on a Cluster, a
  # master of the moment (the first one the first reachable node lists).
  if [ "$engine" = sentinel ] && [ "$target" = redis ]; then target="$(current_master)"; fi
  if [ "$engine" = cluster ] && [ "$target" = redis ]; then target="$(a_cluster_master)"; fi
  ns="$(host_ns "$target")"
  start=$(now_ms)
  case "$kind" in
    partition)
      # From the Redis; with regional, the region from the other regions (its own Redis stays).
      local cut="$redis_addr"
      if [ "$engine" = sentinel ] || [ "$engine" = cluster ]; then
        cut=""
        for h in $(redis_hosts); do cut="$cut${cut:+, }$(redis_host_addr "$h")"; done
      elif [ "$engine" = regional ]; then
        local own="redis-${regions[$(( ${target#s} - 1 ))]}" h
        cut=""
        for h in $(redis_hosts); do
          [ "$h" = "$own" ] || cut="$cut${cut:+, }$(redis_host_addr "$h")"
        done
      fi
      cut_off "$ns" "$cut" "$ms" ;;
    slow-link)
      # netem's delay and loss where the kernel has it; else a 1 Mbit/s token bucket (queueing
      # delay up to 200 ms, then drops) and 10 % random loss both ways with nft.
      if [ -n "$have_netem" ]; then
        ip netns exec "$ns" tc qdisc add dev eth0 root netem delay 80ms 40ms loss 15%
      else
        ip netns exec "$ns" tc qdisc add dev eth0 root tbf rate 1mbit burst 16kb latency 200ms
        ip netns exec "$ns" nft -f - <<EOF
table inet sluicelab_loss {
  chain out { type filter hook output priority 0; numgen random mod 100 < 10 drop; }
  chain in { type filter hook input priority 0; numgen random mod 100 < 10 drop; }
}
EOF
      fi
      sleep "$(awk "BEGIN{print $ms/1000}")"
      ip netns exec "$ns" tc qdisc del dev eth0 root
      [ -n "$have_netem" ] || ip netns exec "$ns" nft delete table inet sluicelab_loss ;;
    failover)
      # The master cut from the replica's and the third sentinel's hosts, both ways; the Sluice
      # instances still reach it.
      local others=""
      for h in $(redis_hosts); do
        [ "$h" = "$target" ] || others="$others${others:+, }$(redis_host_addr "$h")"
      done
      cut_off "$ns" "$others" "$ms" ;;
    pause-instance|pause-redis)
      pid=$(cat "$dir/pids/$target")
      own "$pid" "$ns" || return 0
      kill -STOP "$pid"
      sleep "$(awk "BEGIN{print $ms/1000}")"
      kill -CONT "$pid" ;;
    kill-instance)
      pid=$(cat "$dir/pids/$target")
      own "$pid" "$ns" || return 0
      kill -9 "$pid"; wait "$pid" 2>/dev/null || true
      sleep "$(awk "BEGIN{print $ms/1000}")"
      start_instance "$dir" "$target"
      wait_ready "$target" 30 || echo "sluice-lab: $target did not come back within 30 s" >&2 ;;
    kill-redis)
      pid=$(cat "$dir/pids/$target")
      own "$pid" "$ns" || return 0
      kill -9 "$pid"; wait "$pid" 2>/dev/null || true
      sleep "$(awk "BEGIN{print $ms/1000}")"
      start_redis "$dir" "$target" ;;
  esac
  end=$(now_ms)
  echo "$start $end $kind $target" >> "$dir/faults.log"
}
run_faults() { # run dir, plan file, client start ms
  local off ms kind target now
  while read -r off ms kind target; do
    now=$(now_ms)
    if [ $(( $3 + off - now )) -gt 0 ]; then
      sleep "$(awk "BEGIN{print ($3 + $off - $now)/1000}")"
    fi
    inject "$1" "$kind" "$target" "$ms"
  done < "$2"
}

make_cluster() { # run dir: three masters with a replica each, every node seeing state ok
  local addrs=() h _ ok
  for h in $(redis_hosts); do addrs+=("$(redis_host_addr "$h"):6379"); done
  ip netns exec "$(host_ns redis-c1)" redis-cli --cluster create "${addrs[@]}" \
    --cluster-replicas 1 --cluster-yes > "$1/cluster-create.log" 2>&1 || {
    echo "sluice-lab: redis-cli --cluster create failed (see $1/cluster-create.log)" >&2; return 1; }
  for _ in $(seq 1 100); do
    ok=yes
    for h in $(redis_hosts); do
      ip netns exec "$(host_ns "$h")" redis-cli -h "$(redis_host_addr "$h")" cluster info \
        2>/dev/null | grep -q 'cluster_state:ok' || { ok=""; break; }
    done
    [ -n "$ok" ] && return 0
    sleep 0.2
  done
  echo "sluice-lab: the cluster did not reach state ok within 20 s" >&2; return 1
}

# --- one run -------------------------------------------------------------------------------------
run_one() { # engine, seed (engine is read by the helpers above)
  engine="$1"
  local seed="$2" dir targets i rc=0 t0 h
  dir="$out/$engine-$seed"
  mkdir -p "$dir/pids"
  : > "$dir/faults.log"
  plan_faults "$seed" > "$dir/plan.txt"
  echo "sluice-lab: $engine seed $seed: faults (offset ms, duration ms, kind, target):"
  sed 's/^/  /' "$dir/plan.txt"
  make_network
  for h in $(redis_hosts); do start_redis "$dir" "$h"; done
  if [ "$engine" = sentinel ]; then
    for h in $(redis_hosts); do start_sentinel "$dir" "$h"; done
    sleep 1  # the sentinels find the replica and each other
  fi
  if [ "$engine" = cluster ]; then
    make_cluster "$dir" || { teardown; return 2; }
  fi
  targets=""
  for i in $(seq 1 $instances); do
    write_config "$dir" "$engine" "s$i"
    start_instance "$dir" "s$i"
    targets="$targets${targets:+,}http://$(instance_addr "s$i"):8080"
  done
  for i in $(seq 1 $instances); do
    if ! wait_ready "s$i" 60; then
      echo "sluice-lab: s$i did not become ready; its log:" >&2
      tail -20 "$dir/s$i/out.log" >&2
      teardown; return 2
    fi
  done
  t0=$(now_ms)
  # The client runs until the schedule's end and the last fault's end (a restart may take
  # longer than planned), plus 2 s of recovery; at most 90 s more than planned.
  ( run_faults "$dir" "$dir/plan.txt" "$t0"
    left=$(( t0 + duration * 1000 - $(now_ms) ))
    [ "$left" -gt 0 ] && sleep "$(awk "BEGIN{print $left/1000}")"
    sleep 2; touch "$dir/stop" ) &
  local faults_pid=$!
  ip netns exec "$(host_ns client)" "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m \
    -cp "$classes" dev.sluice.lab.LabClient --targets "$targets" --out "$dir/history.csv" \
    --duration-ms $(( (duration + 90) * 1000 )) --threads 6 --epoch-ms "$epoch_ms" \
    --max-ops 400000 --timeout-ms 1000 --rule lab --stop-file "$dir/stop"
  wait "$faults_pid" || true
  teardown
  "$java" -cp "$classes" dev.sluice.lab.HistoryChecker --history "$dir/history.csv" \
    --faults "$dir/faults.log" --engine "$engine" --limit "$limit" --instances "$instances" \
    --share "$share" --sync-ms "$sync_ms" --run "$engine-$seed" --summary "$out/summary.tsv" \
    | tee "$dir/report.txt" || rc=$?
  return "$rc"
}

echo "sluice-lab: $mode mode, engines $engines, $seeds seed(s) from $first_seed," \
  "${duration}s of traffic, $nfaults faults per run; output in $out"
worst=0
for engine in ${engines//,/ }; do
  for s in $(seq 0 $(( seeds - 1 ))); do
    rc=0
    run_one "$engine" $(( first_seed + s )) || rc=$?
    if [ "$rc" -ne 0 ] && { [ "$worst" -eq 0 ] || [ "$rc" -eq 1 ]; }; then worst=$rc; fi
  done
done
"$java" -cp "$classes" dev.sluice.lab.HistoryChecker --aggregate "$out/summary.tsv" \
  | tee "$out/table.md"
case "$worst" in
  0) echo "sluice-lab: every documented bound held" ;;
  1) echo "sluice-lab: a documented bound was broken (VIOLATION lines above; seeds kept in $out)" ;;
  *) echo "sluice-lab: a run failed to set up (exit $worst)" ;;
esac
exit "$worst"
