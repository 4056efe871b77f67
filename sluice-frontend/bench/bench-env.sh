# Sourced by the front ends' wrk benchmarks (sluice-server/bench/http-bench.sh and https-bench.sh,
# sluice-gateway/bench/gateway-bench.sh and gateway-tls-bench.sh): what they set up alike.
#
#   source "$root/sluice-frontend/bench/bench-env.sh"
#   bench_workdir NAME      # the sluice jar, a temp dir, the processes stopped on exit
#   pids+=($!)              # after starting each background process
#   await_http URL [CURL_OPTION...]
#   wrk_pin=(taskset -c 0)  # optional: the CPUs wrk runs on
#   run WRK_ARGUMENT...     # one wrk run, its summary lines printed
#   nginx_temp_paths DIR    # nginx's temp path directives, all under DIR
#   nginx_check_conf DIR LISTEN [HTTP_DIRECTIVE...]
#   nginx_one_worker_head DIR
#
# bench_workdir sources bin/mvn-env (JAVA_HOME), sets jar (SLUICE_JAR, to measure another build,
# else the assembled sluice-cli/target/sluice.jar) and work (a new /tmp/NAME.XXXXXX, removed on
# exit), and kills every pid in pids on exit.
bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pids=()
wrk_pin=()
work=""

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$work" ]; then sleep 0.5; rm -rf "$work"; fi
}

bench_workdir() {  # name
  source "$bench_root/bin/mvn-env" > /dev/null
  jar="${SLUICE_JAR:-$bench_root/sluice-cli/target/sluice.jar}"
  work="$(mktemp -d "/tmp/$1.XXXXXX")"
  trap bench_cleanup EXIT
}

# Waits up to 30 s for curl with the given options to fetch URL; the caller checks the answer.
await_http() {  # url [curl option...]
  local url="$1"
  shift
  for _ in $(seq 1 150); do
    curl -s -o /dev/null "$@" "$url" && return 0 || sleep 0.2
  done
}

run() {
  echo "== $*"
  "${wrk_pin[@]}" wrk --latency "$@" \
    | grep -E "Requests/sec|Latency |50%|90%|99%|requests in|Non-2xx|Socket"
}

nginx_temp_paths() {  # dir
  local d="$1"
  printf '  client_body_temp_path %s/body;\n  proxy_temp_path %s/proxy;\n' "$d" "$d"
  printf '  fastcgi_temp_path %s/fastcgi;\n  uwsgi_temp_path %s/uwsgi;\n' "$d" "$d"
  printf '  scgi_temp_path %s/scgi;\n' "$d"
}

# The start of a one-worker nginx config (logs, pid and temp files under DIR, keep-alive
# connections that last), up to the open http block the caller fills and closes.
nginx_one_worker_head() {  # dir
  cat <<NGINX
worker_processes 1;
error_log $1/error.log warn;
pid $1/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
$(nginx_temp_paths "$1")
NGINX
}

# nginx as the check endpoint's peer: limit_req keyed per client (X-Client-Id), then a constant
# JSON answer. limit_req runs in nginx's preaccess phase and `return` in the earlier rewrite
# phase, so the check location hands over to a named location with try_files (after limit_req
# has counted the request): every request is counted against its client's zone entry, then
# answered. LISTEN is the server block's listen (and ssl) directives; each HTTP_DIRECTIVE goes
# into the http block.
nginx_check_conf() {  # dir listen [http directive...]
  local d="$1" listen="$2"
  shift 2
  cat <<NGINX
daemon off;
worker_processes 2;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
$(nginx_temp_paths "$d")
$(for directive in "$@"; do echo "  $directive"; done)
  limit_req_zone \$http_x_client_id zone=clients:16m rate=1000000r/s;
  limit_req_status 429;
  server {
$listen
    location = / { return 200 'ok'; }
    location = /rate-limit/check {
      limit_req zone=clients burst=1000000 nodelay;
      try_files /nonexistent @decided;
    }
    location @decided {
      default_type application/json;
      return 200 '{"allowed":true,"limit":1000000000,"remaining":999999999,"reset_at":1}';
    }
  }
}
NGINX
}
