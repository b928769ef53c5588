#!/usr/bin/env bash
# Side-by-side benchmark of Weir, HAProxy and nginx as reverse proxies in front of the
# same three plain HTTP/1.1 nginx backends, in one run on one machine.
#
#   bench/run.sh [--mode http|https|handshake|h2] [--rounds N] [--duration 10s] [--warmup 10s]
#                [--only haproxy,nginx,weir,weir-uring] [--path /] [--connections 50] [--no-build]
#
# See bench/README.md for what every column means.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---------------------------------------------------------------- settings
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}           # wrk run against Weir before measuring (JIT warm-up)
WARMUP_OTHERS=${WARMUP_OTHERS:-2s}  # short warm-up for HAProxy/nginx (fills their pools)
CONNS=${CONNS:-}                # default 50; 4 for --mode h2 (x H2_STREAMS streams each)
THREADS=${THREADS:-1}
URL_PATH=${URL_PATH:-/}
ONLY=${ONLY:-haproxy,nginx,weir,weir-uring}
MODE=${MODE:-http}              # http | https (keep-alive over TLS) | handshake (a TLS connection per request) | h2
H2_STREAMS=${H2_STREAMS:-32}    # h2 mode: concurrent streams per connection (h2load -m)
PAUSE=${PAUSE:-1}               # seconds of idle between measured runs
BUILD=1
WEIR_JAVA_OPTS=${WEIR_JAVA_OPTS:-}
# One event loop, as HAProxy's nbthread 1 and nginx's one worker: the same threads for all three.
# WEIR_EVENT_LOOPS= (empty) gives Weir its own default, one loop per core.
WEIR_EVENT_LOOPS=${WEIR_EVENT_LOOPS-1}
WEIR_METRICS=${WEIR_METRICS:-on}   # off: Weir runs without its admin listener, so it records no request metrics
WEIR_CONFIG=bench/weir-http.yaml
WEIR_JAR=target/weir.jar

WEIR_PORT=8080
HAPROXY_PORT=8081
NGINX_PORT=8082
WEIR_URING_PORT=8083            # weir-uring: the same Weir on the io_uring transport (docs/transport.md)
BACKEND_PORTS=(9001 9002 9003)
STATUS_PORT=9000                # stub_status of the backend nginx (not behind any proxy)

usage() {
    cat <<EOF
usage: bench/run.sh [options]
  --mode M            http (default), https (wrk keep-alive over TLS), handshake (wrk with
                      Connection: close over TLS: one full handshake per request), h2 (h2load over
                      TLS, ALPN h2, H2_STREAMS streams per connection); env MODE
  --rounds N          measured rounds per proxy (default $ROUNDS; env ROUNDS)
  --duration D        wrk duration per round, e.g. 10s (default $DURATION; env DURATION)
  --warmup D          wrk warm-up run against Weir before measuring (default $WARMUP; env WARMUP)
  --only LIST         comma-separated subset of haproxy,nginx,weir,weir-uring (default $ONLY; env ONLY);
                      weir-uring is Weir with -Dweir.transport=io_uring, on port $WEIR_URING_PORT
  --path P            request path: / = small fixed body, /static/1k.txt = 1 KiB file (env URL_PATH)
  --connections N     wrk/h2load connections (default 50, or 4 with --mode h2; env CONNS)
  --no-build          do not run 'mvn -q -DskipTests package' before starting Weir
env: WEIR_JAVA_OPTS (extra JVM flags), WEIR_EVENT_LOOPS (-> -Dweir.eventLoops=N), WEIR_METRICS=on|off,
     THREADS (wrk threads, default 1), PAUSE (seconds between runs, default 1)
EOF
}

while (($#)); do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --rounds=*) ROUNDS=${1#*=}; shift ;;
        --duration) DURATION=$2; shift 2 ;;
        --duration=*) DURATION=${1#*=}; shift ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --warmup=*) WARMUP=${1#*=}; shift ;;
        --only) ONLY=$2; shift 2 ;;
        --only=*) ONLY=${1#*=}; shift ;;
        --path) URL_PATH=$2; shift 2 ;;
        --path=*) URL_PATH=${1#*=}; shift ;;
        --connections) CONNS=$2; shift 2 ;;
        --connections=*) CONNS=${1#*=}; shift ;;
        --mode) MODE=$2; shift 2 ;;
        --mode=*) MODE=${1#*=}; shift ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

BENCH_NAME=bench
source "$ROOT/bench/lib.sh"

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$ROUNDS'"
[[ -n $CONNS ]] || { CONNS=50; [[ $MODE == h2 ]] && CONNS=4; }
[[ $CONNS =~ ^[1-9][0-9]*$ ]] || die "--connections must be a positive integer, got '$CONNS'"
[[ $URL_PATH == /* ]] || die "--path must start with /, got '$URL_PATH'"
case "$MODE" in http) SCHEME=http ;; https|handshake|h2) SCHEME=https ;; *) die "--mode: expected http, https, handshake or h2; got '$MODE'" ;; esac

# Proxies to measure, always in the order haproxy, nginx, weir, weir-uring.
PROXIES=()
IFS=',' read -r -a _only <<< "$ONLY"
for p in "${_only[@]}"; do
    case "$p" in haproxy|nginx|weir|weir-uring) ;; *) die "--only: unknown proxy '$p' (use haproxy,nginx,weir,weir-uring)" ;; esac
done
for p in haproxy nginx weir weir-uring; do
    [[ ",$ONLY," == *",$p,"* ]] && PROXIES+=("$p")
done
((${#PROXIES[@]})) || die "--only selects no proxy"
want() { [[ " ${PROXIES[*]} " == *" $1 "* ]]; }
want_weir() { want weir || want weir-uring; }

for tool in nginx wrk curl ss awk getconf; do
    command -v "$tool" >/dev/null || die "'$tool' not found (apt-get install -y haproxy nginx wrk curl iproute2)"
done
want haproxy && { command -v haproxy >/dev/null || die "'haproxy' not found (apt-get install -y haproxy)"; }
want_weir && { command -v java >/dev/null || die "'java' not found"; }
[[ $SCHEME == https ]] && { command -v openssl >/dev/null || die "'openssl' not found"; }
[[ $MODE == h2 ]] && { command -v h2load >/dev/null || die "'h2load' not found (apt-get install -y nghttp2-client)"; }

port_of() {
    case "$1" in
        haproxy) echo $HAPROXY_PORT ;; nginx) echo $NGINX_PORT ;; weir) echo $WEIR_PORT ;; weir-uring) echo $WEIR_URING_PORT ;;
    esac
}

# Refuse to start if something else already listens on a port we need: we would
# otherwise measure someone else's process.
for port in "${BACKEND_PORTS[@]}" $STATUS_PORT $(for p in "${PROXIES[@]}"; do port_of "$p"; done); do
    if [[ -n $(ss -Htln "sport = :$port") ]]; then
        die "port $port is already in use on 127.0.0.1 (another benchmark running?): $(ss -Htlnp "sport = :$port" | head -1)"
    fi
done

# ---------------------------------------------------------------- process bookkeeping
bench_out run

# Connections the backend nginx has accepted so far (stub_status "accepts").
backend_accepts() {
    curl -sf -m 2 "http://127.0.0.1:$STATUS_PORT/status" | awk 'NR == 3 { print $1 }'
}

# Established connections from process $1 (or its children) to the backend ports.
upstream_pool() {
    local pids p n=0
    pids=" $1 $(descendants "$1" | tr '\n' ' ') "
    while read -r line; do
        for p in $(grep -o 'pid=[0-9]*' <<< "$line" | cut -d= -f2); do
            if [[ $pids == *" $p "* ]]; then n=$((n + 1)); break; fi
        done
    done < <(ss -Htnp state established '( dport >= :9001 and dport <= :9003 )' 2>/dev/null)
    echo "$n"
}

# ---------------------------------------------------------------- configs
mkdir -p "$OUT/nginx-proxy"
write_backends "${BACKEND_PORTS[@]}"

cat > "$OUT/nginx-proxy.conf" <<EOF
worker_processes 1;
daemon off;
pid $OUT/nginx-proxy/nginx.pid;
error_log $OUT/nginx-proxy/error.log warn;
events { worker_connections 4096; }
http {
$(nginx_common nginx-proxy)
    upstream backends {
        server 127.0.0.1:${BACKEND_PORTS[0]};
        server 127.0.0.1:${BACKEND_PORTS[1]};
        server 127.0.0.1:${BACKEND_PORTS[2]};
        keepalive 256;   # above h2 mode's 128 streams in flight, so nginx does not churn
        keepalive_requests 100000000;
        keepalive_timeout 300s;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / {
            proxy_pass http://backends;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # The forwarding headers Weir adds by default, so all three proxies do the same work.
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$host;
            proxy_set_header Forwarded "for=\$remote_addr;host=\\"\$host\\";proto=\$scheme";
        }
    }
}
EOF

cat > "$OUT/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4096

defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout http-keep-alive 300s

frontend bench
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend backends

backend backends
    balance roundrobin
    # The forwarding headers Weir adds by default, so all three proxies do the same work.
    option forwardfor
    http-request set-header X-Forwarded-Proto %[ssl_fc,iif(https,http)]
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    http-request set-header Forwarded "for=%[src];host=\\"%[req.hdr(host)]\\";proto=%[ssl_fc,iif(https,http)]"
    server b1 127.0.0.1:${BACKEND_PORTS[0]}
    server b2 127.0.0.1:${BACKEND_PORTS[1]}
    server b3 127.0.0.1:${BACKEND_PORTS[2]}
EOF

# ---------------------------------------------------------------- TLS (https, handshake, h2)
tls_bind=; nginx_tls=
if [[ $SCHEME == https ]]; then
    self_signed "$OUT"
    cat "$OUT/site.pem" "$OUT/site.key" > "$OUT/site-haproxy.pem"
    tls_bind=" ssl crt $OUT/site-haproxy.pem alpn h2,http/1.1"
    nginx_tls=" ssl http2"
    sed -i "s|^    bind 127.0.0.1:$HAPROXY_PORT\$|    bind 127.0.0.1:$HAPROXY_PORT$tls_bind|" "$OUT/haproxy.cfg"
    sed -i "s|^        listen 127.0.0.1:$NGINX_PORT backlog=4096;|        listen 127.0.0.1:$NGINX_PORT$nginx_tls backlog=4096;\n        ssl_certificate $OUT/site.pem;\n        ssl_certificate_key $OUT/site.key;\n        ssl_protocols TLSv1.2 TLSv1.3;|" "$OUT/nginx-proxy.conf"
    # Weir: the same listener with the certificate (and HTTP/2 for --mode h2).
    weir_tls "$WEIR_CONFIG" "$OUT/weir.yaml" "$OUT" "$([[ $MODE == h2 ]] && echo 1)"
    WEIR_CONFIG=$OUT/weir.yaml
fi

if [[ $WEIR_METRICS == off ]]; then
    sed '/^admin:/,/^  listen:/d' "$WEIR_CONFIG" > "$OUT/weir-no-metrics.yaml"
    WEIR_CONFIG=$OUT/weir-no-metrics.yaml
fi

# ---------------------------------------------------------------- start everything
if want_weir; then
    if ((BUILD)); then
        log "building $WEIR_JAR (mvn -q -DskipTests package)"
        mvn -q -DskipTests package || die "maven build failed"
    fi
    [[ -f $WEIR_JAR ]] || die "$WEIR_JAR not found (build it, or drop --no-build, or use --only haproxy,nginx)"
fi

log "configs and logs in ${OUT#"$ROOT"/}"
start backends nginx -p "$OUT/backends/" -e "$OUT/backends/error.log" -c "$OUT/backends.conf"
wait_http backends "http://127.0.0.1:$STATUS_PORT/status" 10
for port in "${BACKEND_PORTS[@]}"; do wait_http backends "http://127.0.0.1:$port/" 10; done

if want haproxy; then
    haproxy -c -q -f "$OUT/haproxy.cfg" || die "haproxy rejected $OUT/haproxy.cfg"
    start haproxy haproxy -db -f "$OUT/haproxy.cfg"
fi
if want nginx; then
    start nginx nginx -p "$OUT/nginx-proxy/" -e "$OUT/nginx-proxy/error.log" -c "$OUT/nginx-proxy.conf"
fi
java_opts=()
[[ -n $WEIR_JAVA_OPTS ]] && read -r -a java_opts <<< "$WEIR_JAVA_OPTS"
[[ -n $WEIR_EVENT_LOOPS ]] && java_opts+=("-Dweir.eventLoops=$WEIR_EVENT_LOOPS")
if want weir; then
    log "weir: java ${java_opts[*]+"${java_opts[*]} "}-jar $WEIR_JAR run --config $WEIR_CONFIG"
    start weir java ${java_opts[@]+"${java_opts[@]}"} -jar "$WEIR_JAR" run --config "$WEIR_CONFIG"
fi
if want weir-uring; then
    # The same config on its own listener and admin ports.
    sed -e "s/127.0.0.1:$WEIR_PORT\b/127.0.0.1:$WEIR_URING_PORT/" -e 's/127.0.0.1:9901\b/127.0.0.1:9902/' \
        "$WEIR_CONFIG" > "$OUT/weir-uring.yaml"
    log "weir-uring: java ${java_opts[*]+"${java_opts[*]} "}-Dweir.transport=io_uring -jar $WEIR_JAR run --config $OUT/weir-uring.yaml"
    start weir-uring java ${java_opts[@]+"${java_opts[@]}"} -Dweir.transport=io_uring -jar "$WEIR_JAR" run \
        --config "$OUT/weir-uring.yaml"
fi

for p in "${PROXIES[@]}"; do
    limit=10; [[ $p == weir* ]] && limit=60
    wait_http "$p" "$SCHEME://127.0.0.1:$(port_of "$p")$URL_PATH" "$limit"
done

# Sanity: every proxy returns the backend's body and reaches all three backends.
expected_len=$(curl -sf "http://127.0.0.1:${BACKEND_PORTS[0]}$URL_PATH" | wc -c)
for p in "${PROXIES[@]}"; do
    seen=
    for _ in 1 2 3 4 5 6; do
        body=$(curl -sfk -m 2 "$SCHEME://127.0.0.1:$(port_of "$p")$URL_PATH") || die "$p: request to $URL_PATH failed"
        ((${#body} + 1 >= expected_len)) || die "$p: short body (${#body} bytes) for $URL_PATH"
        seen+="${body##* } "
    done
    if [[ $URL_PATH == / ]]; then
        for port in "${BACKEND_PORTS[@]}"; do
            [[ $seen == *"$port"* ]] || log "warning: 6 requests through $p never reached backend $port (saw: $seen)"
        done
    fi
done

CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- measure
if [[ $MODE == h2 ]]; then
    # h2 negotiated through ALPN, or the run would quietly measure HTTP/1.1.
    for p in "${PROXIES[@]}"; do
        v=$(curl -sk --http2 -o /dev/null -w '%{http_version}' "$SCHEME://127.0.0.1:$(port_of "$p")$URL_PATH") || true
        [[ $v == 2 ]] || die "$p does not speak h2 over TLS (curl --http2 got HTTP/$v)"
    done
fi

# run_wrk NAME DURATION FILE: the load of this mode (wrk, or h2load for h2) against one proxy.
run_wrk() {
    bench_load "$MODE" "$SCHEME://127.0.0.1:$(port_of "$1")$URL_PATH" "$2" >"$3" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || die "wrk against $1 failed: $(cat "$3")"
    WRK_PID=
}

# Latency as printed by wrk (e.g. 812.00us, 1.23ms, 1.01s) -> milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.3f", n }'
}

# Weir's warm-up is three runs, each on new connections: the JIT then also compiles what a round's start and end
# run (TLS handshakes, connection setup and teardown), instead of the first measured round paying for
# recompiling them (PrintCompilation shows a burst of deoptimisations there otherwise).
for p in "${PROXIES[@]}"; do
    if [[ $p == weir* ]]; then
        w=$(awk -v v="$WARMUP" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u); if (u == "m") n *= 60
            printf "%ds", (n / 3 < 1 ? 1 : n / 3) }')
        log "warming up $p for $WARMUP (3 x $w)"
        for i in 1 2 3; do run_wrk "$p" "$w" "$OUT/wrk-$p-warmup-$i.txt"; done
    else
        log "warming up $p for $WARMUP_OTHERS"
        run_wrk "$p" "$WARMUP_OTHERS" "$OUT/wrk-$p-warmup.txt"
    fi
done

RESULTS=$OUT/results.tsv
: > "$RESULTS"
log "load average before measuring: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cpus"
log "measuring: $ROUNDS round(s) x ${PROXIES[*]}, mode $MODE, $CONNS connections, $DURATION each, path $URL_PATH"
printf '%-10s %5s %10s %9s %9s %12s %9s %6s %7s\n' proxy round req/s p50_ms p99_ms cpu_us/req up_conns pool errors >&2
for ((round = 1; round <= ROUNDS; round++)); do
    for p in "${PROXIES[@]}"; do
        sleep "$PAUSE"
        pid=${PID[$p]}
        kill -0 "$pid" 2>/dev/null || die "$p (pid $pid) is no longer running; see ${OUT#"$ROOT"/}/$p.log"
        f="$OUT/wrk-$p-r$round.txt"
        acc0=$(backend_accepts); t0=$(cpu_ticks "$pid")
        run_wrk "$p" "$DURATION" "$f"
        t1=$(cpu_ticks "$pid"); acc1=$(backend_accepts)
        pool=$(upstream_pool "$pid")
        kill -0 "$pid" 2>/dev/null || die "$p died during round $round; see ${OUT#"$ROOT"/}/$p.log"

        if [[ $MODE == h2 ]]; then
            # h2load prints no percentiles: p50 = mean time per request, p99 = the slowest request.
            reqs=$(awk '/^requests: /{ print $8 }' "$f")
            rps=$(awk '/^finished in /{ gsub(/,/, ""); printf "%.0f", $4 }' "$f")
            p50=$(to_ms "$(awk '/^time for request:/{ print $6 }' "$f")")
            p99=$(to_ms "$(awk '/^time for request:/{ print $5 }' "$f")")
            errors=$(awk '/^requests: /{ e += $10 + $12 } /^status codes: /{ gsub(/,/, ""); e += $7 + $9 }
                          END { print e + 0 }' "$f")
        else
            reqs=$(awk '/ requests in /{ print $1 }' "$f")
            rps=$(awk '/^Requests\/sec:/{ printf "%.0f", $2 }' "$f")
            p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$f")")
            p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$f")")
            errors=$(awk '/Socket errors:/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
                          /Non-2xx or 3xx responses:/ { e += $5 }
                          END { print e + 0 }' "$f")
        fi
        [[ -n $reqs && -n $rps && $reqs -gt 0 ]] || die "could not parse wrk output $f: $(cat "$f")"
        cpu_us=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v n="$reqs" 'BEGIN { printf "%.1f", d * 1e6 / hz / n }')
        # accepts counts the stub_status request that read acc0 itself, hence -1.
        conns=$((acc1 - acc0 - 1))

        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
            "$p" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$conns" "$pool" "$errors" "$reqs" >> "$RESULTS"
        printf '%-10s %5s %10s %9s %9s %12s %9s %6s %7s\n' \
            "$p" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$conns" "$pool" "$errors" >&2
    done
done

# ---------------------------------------------------------------- report
report() {
    awk -F'\t' -v order="${PROXIES[*]}" '
    function median(list,    a, n, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function row(p, r, rps, p50, p99, cpu, conns, pool, err) {
        printf "| %-10s | %-6s | %9.0f | %8.3f | %8.3f | %10.1f | %14s | %4s | %6s |\n", p, r, rps, p50, p99, cpu, conns, pool, err
    }
    { lines[$1] = lines[$1] $0 "\n"
      for (c = 3; c <= 9; c++) col[$1, c] = col[$1, c] " " $c }
    END {
        printf "| %-10s | %-6s | %9s | %8s | %8s | %10s | %14s | %4s | %6s |\n", "proxy", "round", "req/s", "p50 ms", "p99 ms", "CPU us/req", "upstream conns", "pool", "errors"
        print  "|------------|--------|-----------|----------|----------|------------|----------------|------|--------|"
        n = split(order, ps, " ")
        for (i = 1; i <= n; i++) {
            p = ps[i]
            m = split(lines[p], ls, "\n")
            for (k = 1; k <= m; k++) if (ls[k] != "") { split(ls[k], f, "\t"); row(f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]) }
            for (c = 3; c <= 9; c++) med[p, c] = median(col[p, c])
            row(p, "median", med[p, 3], med[p, 4], med[p, 5], med[p, 6], med[p, 7], med[p, 8], med[p, 9])
        }
        split("weir weir-uring", ws, " ")
        for (k = 1; k <= 2; k++) {
            w = ws[k]
            if (!((w, 3) in med && ("haproxy", 3) in med)) continue
            print ""
            printf "target: %s req/s >= haproxy req/s: %.0f vs %.0f (%+.1f%%) -> %s\n", w, med[w, 3], med["haproxy", 3],
                100 * (med[w, 3] / med["haproxy", 3] - 1), (med[w, 3] >= med["haproxy", 3]) ? "MET" : "NOT MET"
            printf "target: %s CPU/req <= haproxy CPU/req: %.1f vs %.1f us (%+.1f%%) -> %s\n", w, med[w, 6], med["haproxy", 6],
                100 * (med[w, 6] / med["haproxy", 6] - 1), (med[w, 6] <= med["haproxy", 6]) ? "MET" : "NOT MET"
        }
    }' "$RESULTS"
}

{
    echo
    echo "weir bench $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cpus; mode $MODE; $([[ $MODE == h2 ]] && echo "h2load -t$THREADS -c$CONNS -m$H2_STREAMS -D${DURATION%s}" || echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency$([[ $MODE == handshake ]] && echo " -H 'Connection: close'")"), path $URL_PATH, $ROUNDS round(s)"
    want_weir && echo "weir: WEIR_JAVA_OPTS='${WEIR_JAVA_OPTS}' WEIR_EVENT_LOOPS='${WEIR_EVENT_LOOPS}' WEIR_METRICS=$WEIR_METRICS warm-up $WARMUP"
    echo
    report
} | tee "$OUT/report.txt"
log "raw wrk output, configs and logs in ${OUT#"$ROOT"/}"
