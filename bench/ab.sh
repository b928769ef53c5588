#!/usr/bin/env bash
# Before/after comparison of two Weir builds on a noisy machine: both run at once, each with its own
# listener, behind the bench's nginx backends, and wrk measures them in short interleaved bursts (A B, B A,
# A B, ...), so a slow minute of the host hits both alike. CPU per request is read from /proc around each
# burst; the verdict is the median of the per-round ratios B/A, two bursts seconds apart.
#
#   bench/ab.sh JAR_A JAR_B [--rounds 14] [--burst 5s] [--warmup 15s] [--connections 50] [--path /]
#                           [--mode http|h2]
#
# --mode h2: both over TLS with HTTP/2 (the same self-signed certificate), measured with h2load, 4 connections
# of 32 streams each unless --connections says otherwise, as bench/run.sh --mode h2 does.
#
# Run it with the same jar twice to see the noise floor. See bench/README.md ("Comparing two builds").
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-14}
BURST=${BURST:-5s}
WARMUP=${WARMUP:-15s}
CONNS=${CONNS:-}
MODE=${MODE:-http}
H2_STREAMS=${H2_STREAMS:-32}
THREADS=1
URL_PATH=${URL_PATH:-/}
WEIR_JAVA_OPTS=${WEIR_JAVA_OPTS:-}
WEIR_EVENT_LOOPS=${WEIR_EVENT_LOOPS-1}
BACKEND_PORTS=(9001 9002 9003)
STATUS_PORT=9000
PORT_A=8090
PORT_B=8091

BENCH_NAME=ab
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

(($# >= 2)) || die "usage: bench/ab.sh JAR_A JAR_B [--rounds N] [--burst D] [--warmup D] [--connections N] [--path P]"
JAR_A=$(realpath "$1"); JAR_B=$(realpath "$2"); shift 2
while (($#)); do
    case "$1" in
        --rounds) ROUNDS=$2; shift 2 ;;
        --burst) BURST=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --connections) CONNS=$2; shift 2 ;;
        --path) URL_PATH=$2; shift 2 ;;
        --mode) MODE=$2; shift 2 ;;
        *) die "unknown argument: $1" ;;
    esac
done
[[ -f $JAR_A && -f $JAR_B ]] || die "both jars must exist"
case "$MODE" in http) SCHEME=http; LOADER=wrk; CONNS=${CONNS:-50} ;; h2) SCHEME=https; LOADER=h2load; CONNS=${CONNS:-4} ;;
    *) die "--mode: expected http or h2; got '$MODE'" ;; esac
for tool in nginx $LOADER curl java awk; do command -v "$tool" >/dev/null || die "'$tool' not found"; done
for port in "${BACKEND_PORTS[@]}" $STATUS_PORT $PORT_A $PORT_B 9911 9912; do
    [[ -z $(ss -Htln "sport = :$port") ]] || die "port $port is already in use (another benchmark running?)"
done

bench_out ab
write_backends "${BACKEND_PORTS[@]}"
start backends nginx -p "$OUT/backends/" -e "$OUT/backends/error.log" -c "$OUT/backends.conf"
wait_http backends "http://127.0.0.1:$STATUS_PORT/status" 10

java_opts=()
[[ -n $WEIR_JAVA_OPTS ]] && read -r -a java_opts <<< "$WEIR_JAVA_OPTS"
[[ -n $WEIR_EVENT_LOOPS ]] && java_opts+=("-Dweir.eventLoops=$WEIR_EVENT_LOOPS")

# load J DURATION: this mode's load against J, for DURATION; prints the load tool's report.
load() {
    bench_load "$MODE" "$SCHEME://127.0.0.1:${PORT[$1]}$URL_PATH" "$2"
}

declare -A PORT=([a]=$PORT_A [b]=$PORT_B) JAR=([a]=$JAR_A [b]=$JAR_B) ADMIN=([a]=9911 [b]=9912)
WEIR_CONFIG=bench/weir-http.yaml
if [[ $MODE == h2 ]]; then
    self_signed "$OUT"
    weir_tls "$WEIR_CONFIG" "$OUT/weir-h2.yaml" "$OUT" 1
    WEIR_CONFIG=$OUT/weir-h2.yaml
fi
for j in a b; do
    sed -e "s/127.0.0.1:8080\b/127.0.0.1:${PORT[$j]}/" -e "s/127.0.0.1:9901\b/127.0.0.1:${ADMIN[$j]}/" \
        "$WEIR_CONFIG" > "$OUT/weir-$j.yaml"
    log "$j: java ${java_opts[*]+"${java_opts[*]} "}-jar ${JAR[$j]} (port ${PORT[$j]})"
    start "weir-$j" java ${java_opts[@]+"${java_opts[@]}"} -jar "${JAR[$j]}" run --config "$OUT/weir-$j.yaml"
done
for j in a b; do
    wait_http "weir-$j" "$SCHEME://127.0.0.1:${PORT[$j]}$URL_PATH" 60
    log "warming $j up for $WARMUP"
    load "$j" "$WARMUP" > "$OUT/warmup-$j.txt"
done

# burst J: one burst of load against J; prints "requests ticks"
burst() {
    local pid=${PID[weir-$1]} t0 t1 n
    t0=$(cpu_ticks "$pid")
    n=$(load "$1" "$BURST" | awk '/requests in/ {print $1} /^requests: / {print $8}')
    t1=$(cpu_ticks "$pid")
    echo "$n $((t1 - t0))"
}

hz=$(getconf CLK_TCK)
echo "round  A req   A us/req  B req   B us/req  B/A"
for ((i = 1; i <= ROUNDS; i++)); do
    if ((i % 2)); then ra=$(burst a); rb=$(burst b); else rb=$(burst b); ra=$(burst a); fi
    read -r na ta <<< "$ra"; read -r nb tb <<< "$rb"
    awk -v i="$i" -v na="$na" -v ta="$ta" -v nb="$nb" -v tb="$tb" -v hz="$hz" 'BEGIN {
        a = ta * 1e6 / hz / na; b = tb * 1e6 / hz / nb
        printf "%5d  %7d  %8.2f  %7d  %8.2f  %.3f\n", i, na, a, nb, b, b / a }'
done | tee "$OUT/rounds.txt"
sort -n -k6 "$OUT/rounds.txt" | awk -v n="$ROUNDS" '
    { r[NR] = $6; na += $2; nb += $4; if ($6 < 1) cheaper++ }
    END {
        m = (n % 2) ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
        printf "median CPU/request B/A: %.3f; B cheaper in %d of %d rounds; requests A %d, B %d\n", m, cheaper, n, na, nb
    }'
