# Sourced by the Redis benchmark scripts (ab.sh, floor.sh, ../run.sh redis): starts a
# throwaway redis-server and sets how to pin it and its client.
#
#   source pinned-redis.sh; start_pinned_redis PORT DIR
#
# With 2+ CPUs and taskset: pin_server=(taskset -c 0), pin_client=(taskset -c 1), else both
# empty. The server (no persistence, loopback only) keeps its pid in DIR/pid and logs to
# DIR/redis.log; the function returns once it answers PING. Stopping it is the caller's
# (kill "$(cat DIR/pid)").
pin_server=() pin_client=()
if (( $(nproc) >= 2 )) && command -v taskset >/dev/null; then
  pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi

start_pinned_redis() {  # port dir
  "${pin_server[@]}" redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --dir "$2" --pidfile "$2/pid" --logfile "$2/redis.log"
  for _ in $(seq 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis-server on port $1 did not answer PING (log: $2/redis.log)" >&2
  return 1
}
