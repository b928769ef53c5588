#!/usr/bin/env bash
# L4 (TCP) benchmark: Weir `protocol: tcp` vs HAProxy `mode tcp` (splice-auto) vs nginx `stream`,
# all three in front of the same nginx backend, in one run on one machine.
#
#   bench/l4.sh [--rounds N] [--duration 5s] [--idle-conns 2000] [--only haproxy,weir] [--no-build]
#
# Per round and proxy (HAProxy and Weir measured back to back, which one first alternating by round):
#   bulk   wrk -t1 -c8 -dD /16m through the proxy     -> MiB/s, proxy CPU seconds per GiB moved
#   conns  wrk -t1 -c50 -dD -H 'Connection: close' /tiny -> connections/s, proxy CPU us per connection
# Then, for Weir only: RSS per idle proxied connection pair (N idle client connections held open).
# See bench/README.md ("L4") for what every column means.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-3s}            # per test, before measuring (Weir: JIT; others: page cache, pools)
IDLE_CONNS=${IDLE_CONNS:-8000}
IDLE_STEPS=4
PAUSE=${PAUSE:-1}
BUILD=1
WEIR_JAVA_OPTS=${WEIR_JAVA_OPTS:-}
WEIR_EVENT_LOOPS=${WEIR_EVENT_LOOPS:-}
WEIR_CONFIG=bench/weir-tcp.yaml
WEIR_JAR=target/weir.jar
STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so
# HAProxy 2.6 in mode tcp with only 'option splice-auto' was seen not to splice at all on this
# benchmark (strace: recvfrom/sendto, no splice). 'forced' adds splice-request/splice-response
# so HAProxy really uses splice(2); HAPROXY_SPLICE=auto keeps splice-auto alone.
HAPROXY_SPLICE=${HAPROXY_SPLICE:-forced}

WEIR_PORT=8180
HAPROXY_PORT=8181
NGINX_PORT=8182
BACKEND_PORT=9101
PROXIES=(haproxy nginx weir)

usage() {
    cat <<EOF
usage: bench/l4.sh [options]
  --rounds N        measured rounds (default $ROUNDS; env ROUNDS)
  --duration D      wrk duration per measured run (default $DURATION; env DURATION)
  --idle-conns N    idle connections held through Weir for the memory test (default $IDLE_CONNS; 0 = skip)
  --only LIST       proxies to measure, comma-separated (default haproxy,nginx,weir; haproxy and weir required)
  --no-build        do not run 'mvn -q -o -DskipTests package'
env: HAPROXY_SPLICE (forced|auto, default forced), WEIR_JAVA_OPTS, WEIR_EVENT_LOOPS (-> -Dweir.eventLoops=N), WARMUP (default $WARMUP), PAUSE
EOF
}

while (($#)); do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --duration) DURATION=$2; shift 2 ;;
        --duration=*) DURATION=${1#*=}; shift ;;
        --idle-conns) IDLE_CONNS=$2; shift 2 ;;
        --idle-conns=*) IDLE_CONNS=${1#*=}; shift ;;
        --only) IFS=, read -r -a PROXIES <<< "$2"; shift 2 ;;
        --only=*) IFS=, read -r -a PROXIES <<< "${1#*=}"; shift ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

BENCH_NAME=l4
source "$ROOT/bench/lib.sh"

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$ROUNDS'"
[[ $IDLE_CONNS =~ ^[0-9]+$ ]] || die "--idle-conns must be a non-negative integer, got '$IDLE_CONNS'"
for p in "${PROXIES[@]}"; do
    [[ $p == haproxy || $p == nginx || $p == weir ]] || die "--only: expected haproxy, nginx or weir; got '$p'"
done
[[ " ${PROXIES[*]} " == *" haproxy "* && " ${PROXIES[*]} " == *" weir "* ]] || die "--only must name haproxy and weir: the targets compare them"
measured() { [[ " ${PROXIES[*]} " == *" $1 "* ]]; }

for tool in nginx haproxy wrk curl ss awk getconf java python3; do
    command -v "$tool" >/dev/null || die "'$tool' not found (apt-get install -y haproxy nginx wrk curl iproute2)"
done
[[ -f $STREAM_MODULE ]] || die "$STREAM_MODULE missing: apt-get install -y libnginx-mod-stream"

case "$HAPROXY_SPLICE" in
    forced) HAPROXY_SPLICE_OPTS=$'    option splice-request\n    option splice-response' ;;
    auto) HAPROXY_SPLICE_OPTS= ;;
    *) die "HAPROXY_SPLICE must be forced or auto, got '$HAPROXY_SPLICE'" ;;
esac

port_of() {
    case "$1" in haproxy) echo $HAPROXY_PORT ;; nginx) echo $NGINX_PORT ;; weir) echo $WEIR_PORT ;; esac
}
for port in $BACKEND_PORT $WEIR_PORT $HAPROXY_PORT $NGINX_PORT; do
    [[ -z $(ss -Htln "sport = :$port") ]] || die "port $port is already in use: $(ss -Htlnp "sport = :$port" | head -1)"
done

# The idle test needs ~2 fds per connection in Weir and 1 in the holder; raise our soft limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
((IDLE_CONNS * 2 + 1000 <= $(ulimit -n))) ||
    die "--idle-conns $IDLE_CONNS needs about $((IDLE_CONNS * 2 + 1000)) open files in Weir; this shell's limit is $(ulimit -n)"

# ---------------------------------------------------------------- process bookkeeping
bench_out l4
# The payload files are large; keep configs and logs only.
on_cleanup() { rm -f "$OUT/www/16m" "$OUT/www/1m"; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# ---------------------------------------------------------------- payload and configs
mkdir -p "$OUT/www" "$OUT/backend" "$OUT/nginx-proxy"
head -c $((16 << 20)) /dev/urandom > "$OUT/www/16m"
head -c $((1 << 20)) /dev/urandom > "$OUT/www/1m"
printf 'ok\n' > "$OUT/www/tiny"
chmod -R a+rX "$OUT/www"

cat > "$OUT/backend.conf" <<EOF
worker_processes 1;
daemon off;
pid $OUT/backend/nginx.pid;
error_log $OUT/backend/error.log warn;
worker_rlimit_nofile 19000;
events { worker_connections 18000; }
http {
    client_body_temp_path $OUT/backend/client_body;
    proxy_temp_path $OUT/backend/proxy;
    fastcgi_temp_path $OUT/backend/fastcgi;
    uwsgi_temp_path $OUT/backend/uwsgi;
    scgi_temp_path $OUT/backend/scgi;
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_header_timeout 300s;
    server {
        listen 127.0.0.1:$BACKEND_PORT backlog=4096;
        root $OUT/www;
    }
}
EOF

cat > "$OUT/nginx-proxy.conf" <<EOF
load_module $STREAM_MODULE;
worker_processes 1;
daemon off;
pid $OUT/nginx-proxy/nginx.pid;
error_log $OUT/nginx-proxy/error.log warn;
worker_rlimit_nofile 19000;
events { worker_connections 18000; }
stream {
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        proxy_pass 127.0.0.1:$BACKEND_PORT;
        proxy_timeout 300s;
    }
}
EOF

cat > "$OUT/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4096

defaults
    mode tcp
    option splice-auto
$HAPROXY_SPLICE_OPTS
    timeout connect 5s
    timeout client 300s
    timeout server 300s

frontend l4
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend backend

backend backend
    balance roundrobin
    server b1 127.0.0.1:$BACKEND_PORT
EOF

# ---------------------------------------------------------------- start everything
if ((BUILD)); then
    log "building $WEIR_JAR (mvn -q -o -DskipTests package)"
    mvn -q -o -DskipTests package || die "maven build failed"
fi
[[ -f $WEIR_JAR ]] || die "$WEIR_JAR not found (build it or drop --no-build)"

log "configs and logs in ${OUT#"$ROOT"/}"
start backend nginx -p "$OUT/backend/" -e "$OUT/backend/error.log" -c "$OUT/backend.conf"
wait_http backend "http://127.0.0.1:$BACKEND_PORT/tiny" 10

haproxy -c -q -f "$OUT/haproxy.cfg" || die "haproxy rejected $OUT/haproxy.cfg"
start haproxy haproxy -db -f "$OUT/haproxy.cfg"
measured nginx && start nginx nginx -p "$OUT/nginx-proxy/" -e "$OUT/nginx-proxy/error.log" -c "$OUT/nginx-proxy.conf"
java_opts=()
[[ -n $WEIR_JAVA_OPTS ]] && read -r -a java_opts <<< "$WEIR_JAVA_OPTS"
[[ -n $WEIR_EVENT_LOOPS ]] && java_opts+=("-Dweir.eventLoops=$WEIR_EVENT_LOOPS")
log "weir: java ${java_opts[*]+"${java_opts[*]} "}-jar $WEIR_JAR run --config $WEIR_CONFIG"
start weir java ${java_opts[@]+"${java_opts[@]}"} -jar "$WEIR_JAR" run --config "$WEIR_CONFIG"

for p in "${PROXIES[@]}"; do
    limit=10; [[ $p == weir ]] && limit=60
    wait_http "$p" "http://127.0.0.1:$(port_of "$p")/tiny" "$limit"
done

# Sanity: the 16 MiB body arrives whole and unchanged through every proxy.
want_sum=$(md5sum < "$OUT/www/16m")
for p in "${PROXIES[@]}"; do
    got=$(curl -sf -m 20 "http://127.0.0.1:$(port_of "$p")/16m" | md5sum)
    [[ $got == "$want_sum" ]] || die "$p: /16m came back different (md5 $got, want $want_sum)"
done

CLK_TCK=$(getconf CLK_TCK)
# Busy ticks of the whole machine (user, nice, system, irq, softirq of every CPU; not idle, iowait or steal).
# On loopback the kernel work of a transfer lands on whichever process is running when it is done (a
# proxy's send runs the receiver's softirq, a proxy's read can push the backend's next segments), so
# this shows what the whole transfer cost next to the proxy's own share.
machine_busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# per_gib TICKS BYTES -> CPU seconds per GiB
per_gib() { awk -v d="$1" -v hz="$CLK_TCK" -v b="$2" 'BEGIN { printf "%.3f", (b > 0) ? d / hz / (b / 1073741824) : 0 }'; }

# ---------------------------------------------------------------- measure
# run_wrk FILE ARGS... (wrk in the background so the cleanup trap can stop it)
run_wrk() {
    local f=$1; shift
    wrk "$@" >"$f" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk $* failed: $(cat "$f")"
    WRK_PID=
}
bulk_args() { echo "-t1 -c8 -d$1 http://127.0.0.1:$(port_of "$2")/16m"; }
conn_args() { echo "-t1 -c50 -d$1 -H Connection:close http://127.0.0.1:$(port_of "$2")/tiny"; }

# wrk sizes (1.50GB, 812.34MB, 12.00KB, 100B; binary units) -> bytes
to_bytes() {
    awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        m = (u == "KB") ? 1024 : (u == "MB") ? 1048576 : (u == "GB") ? 1073741824 : (u == "TB") ? 1099511627776 : 1
        printf "%.0f", n * m }'
}
errors_of() {
    awk '/Socket errors:/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
         /Non-2xx or 3xx responses:/ { e += $5 }
         END { print e + 0 }' "$1"
}

for p in "${PROXIES[@]}"; do
    log "warming up $p ($WARMUP bulk + $WARMUP connections)"
    # shellcheck disable=SC2046
    run_wrk "$OUT/wrk-$p-warm-bulk.txt" $(bulk_args "$WARMUP" "$p")
    # shellcheck disable=SC2046
    run_wrk "$OUT/wrk-$p-warm-conn.txt" $(conn_args "$WARMUP" "$p")
done

RESULTS=$OUT/results.tsv
: > "$RESULTS"
declare -A MIBS CPU_GIB ALL_GIB ERR_B CPS CPU_CONN ERR_C

# bulk P ROUND: one bulk run through P; sets MIBS[P] CPU_GIB[P] ALL_GIB[P] ERR_B[P].
bulk() {
    local p=$1 round=$2 pid=${PID[$1]} fb t0 t1 m0 m1 read_b
    sleep "$PAUSE"
    fb="$OUT/wrk-$p-r$round-bulk.txt"
    t0=$(cpu_ticks "$pid"); m0=$(machine_busy_ticks)
    # shellcheck disable=SC2046
    run_wrk "$fb" $(bulk_args "$DURATION" "$p")
    t1=$(cpu_ticks "$pid"); m1=$(machine_busy_ticks)
    read_b=$(to_bytes "$(awk '/ requests in / { print $(NF - 1) }' "$fb")")
    [[ $read_b -gt 0 ]] || die "could not parse wrk output $fb: $(cat "$fb")"
    MIBS[$p]=$(awk -v v="$(to_bytes "$(awk '/^Transfer\/sec:/ { print $2 }' "$fb")")" 'BEGIN { printf "%.0f", v / 1048576 }')
    CPU_GIB[$p]=$(per_gib $((t1 - t0)) "$read_b")
    ALL_GIB[$p]=$(per_gib $((m1 - m0)) "$read_b")
    ERR_B[$p]=$(errors_of "$fb")
}

# conns P ROUND: one new-connection run through P; sets CPS[P] CPU_CONN[P] ERR_C[P].
conns() {
    local p=$1 round=$2 pid=${PID[$1]} fc t0 t1 reqs
    sleep "$PAUSE"
    fc="$OUT/wrk-$p-r$round-conn.txt"
    t0=$(cpu_ticks "$pid")
    # shellcheck disable=SC2046
    run_wrk "$fc" $(conn_args "$DURATION" "$p")
    t1=$(cpu_ticks "$pid")
    reqs=$(awk '/ requests in / { print $1 }' "$fc")
    [[ -n $reqs && $reqs -gt 0 ]] || die "could not parse wrk output $fc: $(cat "$fc")"
    CPS[$p]=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$fc")
    CPU_CONN[$p]=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.1f", (n > 0) ? d * 1e6 / hz / n : 0 }')
    ERR_C[$p]=$(errors_of "$fc")
}

# The order within a round: HAProxy and Weir side by side, which one first alternating by round, the
# others after them. A slow stretch of a shared host then hits both halves of a pair alike, and the
# report can compare them round by round as well as by their medians.
round_order() {
    local first=haproxy second=weir p
    if (($1 % 2 == 0)); then first=weir; second=haproxy; fi
    order=("$first" "$second")
    for p in "${PROXIES[@]}"; do
        if [[ $p != haproxy && $p != weir ]]; then order+=("$p"); fi
    done
}

log "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cpus"
for ((round = 1; round <= ROUNDS; round++)); do
    round_order "$round"
    for p in "${order[@]}"; do
        kill -0 "${PID[$p]}" 2>/dev/null || die "$p (pid ${PID[$p]}) is no longer running; see ${OUT#"$ROOT"/}/$p.log"
    done
    for p in "${order[@]}"; do bulk "$p" "$round"; done
    for p in "${order[@]}"; do conns "$p" "$round"; done
    for p in "${order[@]}"; do
        kill -0 "${PID[$p]}" 2>/dev/null || die "$p died during round $round; see ${OUT#"$ROOT"/}/$p.log"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$round" "${MIBS[$p]}" "${CPU_GIB[$p]}" "${ERR_B[$p]}" \
            "${CPS[$p]}" "${CPU_CONN[$p]}" "${ERR_C[$p]}" "${ALL_GIB[$p]}" >> "$RESULTS"
        log "$(printf '%-8s round %s: %6s MiB/s %7s CPU s/GiB (machine %s)  %6s conn/s %7s CPU us/conn  errors %s/%s' \
            "$p" "$round" "${MIBS[$p]}" "${CPU_GIB[$p]}" "${ALL_GIB[$p]}" "${CPS[$p]}" "${CPU_CONN[$p]}" "${ERR_B[$p]}" "${ERR_C[$p]}")"
    done
done

# ---------------------------------------------------------------- idle connections through Weir
IDLE_REPORT=
if ((IDLE_CONNS > 0)); then
    wpid=${PID[weir]}
    # Only Weir is measured here; stop the others so their sockets do not count anywhere.
    stop haproxy; measured nginx && stop nginx
    have_jcmd=0; command -v jcmd >/dev/null && have_jcmd=1
    gc() { ((have_jcmd)) && jcmd "$wpid" GC.run >/dev/null 2>&1 || true; sleep 1; }
    upstream_of_weir() {
        ss -Htnp state established "( dport = :$BACKEND_PORT )" 2>/dev/null | grep -c "pid=$wpid," || true
    }
    sleep 1
    up0=$(upstream_of_weir)

    # The holder opens the connections in IDLE_STEPS equal batches and waits for a go between them. RSS is read
    # (after a GC) before the first batch and after each one. A JVM's RSS jumps by 10-15 MiB now and then for
    # reasons of its own (a compiler arena, the attach listener's malloc arena): several KiB per connection at
    # 2,000 connections in one reading. The median of the batches' costs leaves such a jump out.
    cat > "$OUT/hold.py" <<'EOF'
import socket, sys, time, os
n, steps, port, ready = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
socks = []
# Held until the benchmark stops us; bounded in case it never does.
deadline = time.time() + 300
for step in range(1, steps + 1):
    while step > 1 and not os.path.exists("%s.go%d" % (ready, step)):
        if time.time() > deadline or os.path.exists(ready + ".stop"):
            sys.exit(0)
        time.sleep(0.05)
    for i in range(n // steps):
        socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    open("%s%d" % (ready, step), "w").write(str(len(socks)))
while time.time() < deadline and not os.path.exists(ready + ".stop"):
    time.sleep(0.2)
for s in socks:
    s.close()
EOF
    batch=$((IDLE_CONNS / IDLE_STEPS))
    log "idle test: holding $((batch * IDLE_STEPS)) connections through weir, in $IDLE_STEPS batches of $batch"
    gc; rss=("$(rss_kib "$wpid")")
    start hold python3 "$OUT/hold.py" "$IDLE_CONNS" "$IDLE_STEPS" "$WEIR_PORT" "$OUT/hold.ready"
    for ((step = 1; step <= IDLE_STEPS; step++)); do
        ((step > 1)) && touch "$OUT/hold.ready.go$step"
        for _ in $(seq 300); do
            [[ -f $OUT/hold.ready$step ]] && break
            kill -0 "${PID[hold]}" 2>/dev/null || die "idle holder failed: $(tail -5 "$OUT/hold.log")"
            sleep 0.1
        done
        [[ -f $OUT/hold.ready$step ]] || die "idle holder did not connect batch $step in 30s"
        # Wait until Weir has its upstream side of every connection open.
        for _ in $(seq 100); do
            up=$(upstream_of_weir)
            ((up - up0 >= step * batch)) && break
            sleep 0.1
        done
        gc; rss+=("$(rss_kib "$wpid")")
    done
    up1=$(upstream_of_weir)
    touch "$OUT/hold.ready.stop"
    wait "${PID[hold]}" 2>/dev/null || true
    unset "PID[hold]"
    IDLE_REPORT=$(awk -v n="$((batch * IDLE_STEPS))" -v b="$batch" -v up=$((up1 - up0)) -v rss="${rss[*]}" -v j="$have_jcmd" 'BEGIN {
        k = split(rss, r, " ")
        printf "weir idle connections: %d client connections held, %d upstream connections open in weir\n", n, up
        printf "  RSS %s KiB (before, then after each batch of %d%s)\n", rss, b, j ? "; each after jcmd GC.run" : "; no jcmd: no GC first"
        for (i = 2; i <= k; i++) { c[i - 1] = (r[i] - r[i - 1]) / b; list = list sprintf(" %+.2f", c[i - 1]) }
        m = k - 1
        for (i = 2; i <= m; i++) { t = c[i]; for (x = i - 1; x >= 1 && c[x] > t; x--) c[x + 1] = c[x]; c[x + 1] = t }
        med = (m % 2) ? c[(m + 1) / 2] : (c[m / 2] + c[m / 2 + 1]) / 2
        printf "  per connection pair, batch by batch:%s KiB; all at once %+.2f KiB\n", list, (r[k] - r[1]) / n
        printf "  median of the batches: %+.2f KiB per connection pair\n", med
    }')
fi

# ---------------------------------------------------------------- report
report() {
    awk -F'\t' '
    function median(list,    a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function row(p, r, mibs, cg, eb, cps, cc, ec, ag) {
        printf "| %-7s | %-6s | %7.0f | %9.3f | %13.3f | %7.0f | %11.1f | %6s |\n", p, r, mibs, cg, ag, cps, cc, eb "/" ec
    }
    { lines[$1] = lines[$1] $0 "\n"; for (c = 3; c <= 9; c++) col[$1, c] = col[$1, c] " " $c
      v[$1, $2, 3] = $3; v[$1, $2, 4] = $4; if ($2 > rounds) rounds = $2 }
    END {
        printf "| %-7s | %-6s | %7s | %9s | %13s | %7s | %11s | %6s |\n", "proxy", "round", "MiB/s", "CPU s/GiB", "all CPU s/GiB", "conn/s", "CPU us/conn", "errors"
        print  "|---------|--------|---------|-----------|---------------|---------|-------------|--------|"
        n = split("haproxy nginx weir", ps, " ")
        for (i = 1; i <= n; i++) {
            p = ps[i]
            if (lines[p] == "") continue
            m = split(lines[p], ls, "\n")
            for (k = 1; k <= m; k++) if (ls[k] != "") { split(ls[k], f, "\t"); row(f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]) }
            for (c = 3; c <= 9; c++) med[p, c] = median(col[p, c])
            row(p, "median", med[p, 3], med[p, 4], med[p, 5], med[p, 6], med[p, 7], med[p, 8], med[p, 9])
        }
        print ""
        printf "target: weir MiB/s >= haproxy MiB/s: %.0f vs %.0f (%+.1f%%) -> %s\n", med["weir", 3], med["haproxy", 3],
            100 * (med["weir", 3] / med["haproxy", 3] - 1), (med["weir", 3] >= med["haproxy", 3]) ? "MET" : "NOT MET"
        printf "target: weir CPU s/GiB <= haproxy CPU s/GiB: %.3f vs %.3f (%+.1f%%) -> %s\n", med["weir", 4], med["haproxy", 4],
            100 * (med["weir", 4] / med["haproxy", 4] - 1), (med["weir", 4] <= med["haproxy", 4]) ? "MET" : "NOT MET"
        printf "(not a target) whole machine CPU s/GiB during bulk, weir vs haproxy: %.3f vs %.3f (%+.1f%%)\n", med["weir", 9], med["haproxy", 9],
            100 * (med["weir", 9] / med["haproxy", 9] - 1)
        # The same comparison round by round: each round measured the two back to back.
        for (r = 1; r <= rounds; r++) {
            tr = v["weir", r, 3] / v["haproxy", r, 3]; cr = v["weir", r, 4] / v["haproxy", r, 4]
            tl = tl " " tr; cl = cl " " cr; tlist = tlist sprintf(" %+.0f%%", 100 * (tr - 1)); clist = clist sprintf(" %+.0f%%", 100 * (cr - 1))
            if (tr >= 1) faster++; if (cr <= 1) cheaper++
        }
        printf "pairs (weir vs haproxy, same round): MiB/s%s; median %+.1f%%; weir at least as fast in %d of %d\n", tlist, 100 * (median(tl) - 1), faster, rounds
        printf "pairs (weir vs haproxy, same round): CPU s/GiB%s; median %+.1f%%; weir at most as costly in %d of %d\n", clist, 100 * (median(cl) - 1), cheaper, rounds
        printf "(not a target) weir conn/s vs haproxy: %.0f vs %.0f; CPU us/conn %.1f vs %.1f\n", med["weir", 6], med["haproxy", 6], med["weir", 7], med["haproxy", 7]
    }' "$RESULTS"
}

{
    echo
    echo "weir l4 bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cpus; $ROUNDS round(s) x $DURATION"
    echo "bulk: wrk -t1 -c8 /16m; conns: wrk -t1 -c50 -H 'Connection: close' /tiny; errors = bulk/conns"
    echo "haproxy: splice-auto$( [[ $HAPROXY_SPLICE == forced ]] && echo ' + splice-request + splice-response')"
    echo "weir: WEIR_JAVA_OPTS='${WEIR_JAVA_OPTS}' WEIR_EVENT_LOOPS='${WEIR_EVENT_LOOPS}' warm-up $WARMUP per test"
    echo
    report
    if [[ -n $IDLE_REPORT ]]; then
        echo
        echo "$IDLE_REPORT"
        awk -v r="$(grep -o 'batches: [-+0-9.]*' <<< "$IDLE_REPORT" | awk '{ print $2 }')" 'BEGIN {
            printf "target: <= 4 KiB RSS per idle connection pair (median of the batches): %s KiB -> %s\n", r, (r + 0 <= 4) ? "MET" : "NOT MET" }'
    fi
} | tee "$OUT/report.txt"
log "raw wrk output, configs and logs in ${OUT#"$ROOT"/}"
