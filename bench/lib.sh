# Shared by bench/run.sh, bench/ab.sh and bench/l4.sh: messages, the processes a run starts (and stops on any exit),
# and the CPU time they use. Source it after setting BENCH_NAME (the prefix of every message).

die() { echo "$BENCH_NAME: error: $*" >&2; exit 1; }
log() { echo "$BENCH_NAME: $*" >&2; }

declare -A PID=()   # name -> pid of each process the run started
WRK_PID=            # the load generator running now, stopped on exit too
on_cleanup() { :; } # a script may redefine it: extra work at exit (e.g. deleting large payloads)

# Makes the run's output directory $OUT under bench/out (PREFIX-date-XXXX) and arms the cleanup.
bench_out() {
    mkdir -p bench/out
    OUT=$(mktemp -d "$ROOT/bench/out/$1-$(date +%Y%m%d-%H%M%S)-XXXX")
    chmod 755 "$OUT"   # nginx workers run as 'nobody' when started by root
    trap cleanup EXIT
    trap 'log "interrupted"; exit 130' INT
    trap 'log "terminated"; exit 143' TERM
}

descendants() {
    local c
    for c in $(pgrep -P "$1" 2>/dev/null || true); do
        echo "$c"
        descendants "$c"
    done
}

cleanup() {
    local rc=$? pids=() p n
    trap - EXIT INT TERM
    [[ -n $WRK_PID ]] && kill -TERM "$WRK_PID" 2>/dev/null || true
    for n in "${!PID[@]}"; do
        p=${PID[$n]}
        pids+=("$p" $(descendants "$p"))
    done
    if ((${#pids[@]})); then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for _ in $(seq 50); do
            local alive=0
            for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
            ((alive)) || break
            sleep 0.1
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
        wait 2>/dev/null || true
    fi
    on_cleanup
    ((rc == 0)) || log "exit status $rc; configs and logs kept in ${OUT#"$ROOT"/}"
    exit "$rc"
}

# start NAME CMD...: runs CMD in the background, output in $OUT/NAME.log, pid remembered under NAME.
start() {
    local name=$1; shift
    "$@" >"$OUT/$name.log" 2>&1 &
    PID[$name]=$!
}

# stop NAME: TERM the process and its children, wait for it.
stop() {
    local p=${PID[$1]} pids
    pids=("$p" $(descendants "$p"))
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
    unset "PID[$1]"
}

# wait_http NAME URL SECONDS: until URL answers 2xx (any certificate accepted); fails early if NAME died.
wait_http() {
    local name=$1 url=$2 limit=$3 i
    for ((i = 0; i < limit * 10; i++)); do
        if curl -sfk -o /dev/null -m 1 "$url"; then return 0; fi
        if ! kill -0 "${PID[$name]}" 2>/dev/null; then
            wait "${PID[$name]}" 2>/dev/null || true
            die "$name exited before answering on $url; last lines of ${OUT#"$ROOT"/}/$name.log:
$(tail -n 20 "$OUT/$name.log")"
        fi
        sleep 0.1
    done
    die "$name did not answer on $url within ${limit}s; see ${OUT#"$ROOT"/}/$name.log"
}

# utime+stime in clock ticks of a process and all its descendants. /proc/PID/stat of a process already
# sums all its threads (live and exited), so the JVM's JIT and GC threads and HAProxy's threads are
# included; nginx's master and worker are two processes.
cpu_ticks() {
    local total=0 p s f
    for p in "$1" $(descendants "$1"); do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        s=${s##*) }                 # drop "pid (comm) ": comm may contain spaces
        read -r -a f <<< "$s"
        total=$((total + f[11] + f[12]))   # fields 14 (utime) and 15 (stime)
    done
    echo "$total"
}

# nginx_common NAME: the http{} settings every nginx of a run shares, with its temp paths under $OUT/NAME
# (Debian's nginx defaults them to /var/lib/nginx).
nginx_common() {
    cat <<EOF
    client_body_temp_path $OUT/$1/client_body;
    proxy_temp_path $OUT/$1/proxy;
    fastcgi_temp_path $OUT/$1/fastcgi;
    uwsgi_temp_path $OUT/$1/uwsgi;
    scgi_temp_path $OUT/$1/scgi;
    access_log off;
    default_type text/plain;
    # Do not let nginx's default limit (1000 requests per connection) cause churn.
    keepalive_requests 100000000;
    keepalive_timeout 300s;
EOF
}

# write_backends PORT...: $OUT/backends.conf, one nginx worker serving every PORT ("hello from PORT" on /, a
# 1 KiB file at /static/1k.txt) and its stub_status on $STATUS_PORT. Start it with
#   start backends nginx -p "$OUT/backends/" -e "$OUT/backends/error.log" -c "$OUT/backends.conf"
write_backends() {
    local port servers=
    mkdir -p "$OUT/www/static" "$OUT/backends"
    head -c 1024 /dev/zero | tr '\0' 'x' > "$OUT/www/static/1k.txt"
    chmod -R a+rX "$OUT/www"
    for port in "$@"; do
        servers+="
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / {
            return 200 \"hello from $port\n\";
        }
        location /static/ {
            root $OUT/www;
        }
    }"
    done
    cat > "$OUT/backends.conf" <<EOF
worker_processes 1;
daemon off;
pid $OUT/backends/nginx.pid;
error_log $OUT/backends/error.log warn;
events { worker_connections 4096; }
http {
$(nginx_common backends)
    server {
        listen 127.0.0.1:$STATUS_PORT;
        location = /status { stub_status; }
    }
$servers
}
EOF
}

# bench_load MODE URL DURATION: the load of an HTTP bench MODE against URL for DURATION, its report on stdout:
# h2load for h2 ($CONNS connections of $H2_STREAMS streams), wrk otherwise, with Connection: close for
# handshake. $THREADS client threads.
bench_load() {
    case "$1" in
        h2) h2load -t"$THREADS" -c"$CONNS" -m"$H2_STREAMS" -D"${3%s}" "$2" ;;
        handshake) wrk -t"$THREADS" -c"$CONNS" -d"$3" --latency -H 'Connection: close' "$2" ;;
        *) wrk -t"$THREADS" -c"$CONNS" -d"$3" --latency "$2" ;;
    esac
}

# self_signed DIR: one self-signed ECDSA P-256 certificate for localhost, as DIR/site.pem and DIR/site.key; every
# proxy in a run gets the same one, so they do the same handshake work.
self_signed() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        -keyout "$1/site.key" -out "$1/site.pem" 2>/dev/null || die "openssl could not make a certificate"
}

# weir_tls IN OUT DIR H2: IN's listener with DIR's certificate (and HTTP/2 when H2 is 1), written to OUT.
weir_tls() {
    awk -v cert="$3/site.pem" -v key="$3/site.key" -v h2="$4" '
        { print }
        /^    listen: / {
            print "    tls:"
            print "      certificates: [ { cert: \"" cert "\", key: \"" key "\" } ]"
            if (h2 == 1) print "    http2: { enabled: true }"
        }' "$1" > "$2"
}
