#!/usr/bin/env bash
# One comparative load run of Buckets against the ceiling of HTTP on this machine (bare Kestrel,
# tests/Buckets.Baseline), webdis in front of Redis, and Redis itself: throughput and latency of
# GET/PUT, memory per entry, restore speed of a 1,000,000-change log, and backup lag under a
# steady write rate. Prints one table and writes it to tests/load/results/<timestamp>.md.
#
# Everything runs on 127.0.0.1 only, every load is bounded in time (wrk -d) or count, every wait has
# a deadline, and a watchdog ends the run after MAX_RUNTIME seconds. Only processes this script
# started are stopped, by their PIDs. See tests/load/README.md.
#
# Parameters: environment variables or flags (flag = lower-case name with dashes):
#   --duration 10  --warmup 15  --connections 64  --threads 2  --keyspace 10000  --value-bytes 32
#   --read-pct 90  --memory-entries 1000000  --memory-buckets 10000  --replay-changes 1000000
#   --replay-keys 100000  --lag-rate 2000  --lag-seconds 30  --lag-buckets 10  --lag-connections 20
#   --redis-bench-requests 500000  --wait-quiet 600  --max-runtime 2400  --server-gc 0
#   --apikeys 1000  --fsync-seconds 3  --idle-buckets 100000  --idle-seconds 120  --resp-requests 100000
#   --scale-buckets 1000  --scale-duration 10  --resync-buckets 20  --resync-entries 20000
set -euo pipefail

DURATION=${DURATION:-10}
# 15 s: a PUT load on a just-started server ran at about 20k req/s for its first 6 s and reached its
# steady rate only after about 13 s (tiered JIT of the write and backup paths, measured 2 s at a
# time), while the bare ceiling needs no warm-up: a 3 s warm-up compared the JIT, not the server.
# The table keeps the cold figure in its own row (first DURATION s of PUT load, no warm-up).
WARMUP=${WARMUP:-15}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
KEYSPACE=${KEYSPACE:-10000}
VALUE_BYTES=${VALUE_BYTES:-32}
READ_PCT=${READ_PCT:-90}
MEMORY_ENTRIES=${MEMORY_ENTRIES:-1000000}
MEMORY_BUCKETS=${MEMORY_BUCKETS:-10000}
REPLAY_CHANGES=${REPLAY_CHANGES:-1000000}
REPLAY_KEYS=${REPLAY_KEYS:-100000}
LAG_RATE=${LAG_RATE:-2000}
LAG_SECONDS=${LAG_SECONDS:-30}
LAG_BUCKETS=${LAG_BUCKETS:-10}
LAG_CONNECTIONS=${LAG_CONNECTIONS:-20}
LAG_LOW_RATE=${LAG_LOW_RATE:-100}
REDIS_BENCH_REQUESTS=${REDIS_BENCH_REQUESTS:-500000}
WAIT_QUIET=${WAIT_QUIET:-600}
MAX_RUNTIME=${MAX_RUNTIME:-2400}
SERVER_GC=${SERVER_GC:-0}
APIKEYS=${APIKEYS:-1000}
FSYNC_SECONDS=${FSYNC_SECONDS:-3}
IDLE_BUCKETS=${IDLE_BUCKETS:-100000}
IDLE_SECONDS=${IDLE_SECONDS:-120}
RESP_REQUESTS=${RESP_REQUESTS:-100000}
GARNET_VERSION=${GARNET_VERSION:-2.2.8}
SCALE_BUCKETS=${SCALE_BUCKETS:-1000}
SCALE_DURATION=${SCALE_DURATION:-10}
RESYNC_BUCKETS=${RESYNC_BUCKETS:-20}
RESYNC_ENTRIES=${RESYNC_ENTRIES:-20000}
ONLY=${ONLY:-http,buckets,idle,memory,restore,lag,resp,scale}

while [ $# -gt 0 ]; do
  name=$(printf '%s' "${1#--}" | tr 'a-z-' 'A-Z_')
  [ $# -ge 2 ] || { echo "flag $1 needs a value" >&2; exit 2; }
  case "$name" in
    ONLY) ONLY=$2; shift 2; continue ;;
    DURATION|WARMUP|CONNECTIONS|THREADS|KEYSPACE|VALUE_BYTES|READ_PCT|MEMORY_ENTRIES|MEMORY_BUCKETS|REPLAY_CHANGES|REPLAY_KEYS|LAG_RATE|LAG_SECONDS|LAG_BUCKETS|LAG_CONNECTIONS|LAG_LOW_RATE|REDIS_BENCH_REQUESTS|WAIT_QUIET|MAX_RUNTIME|SERVER_GC|APIKEYS|FSYNC_SECONDS|IDLE_BUCKETS|IDLE_SECONDS|RESP_REQUESTS|SCALE_BUCKETS|SCALE_DURATION|RESYNC_BUCKETS|RESYNC_ENTRIES)
      [[ "$2" =~ ^[0-9]+$ ]] || { echo "flag $1 takes a whole number" >&2; exit 2; }
      printf -v "$name" '%s' "$2" ;;
    *) echo "unknown flag $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift 2
done

REPO=$(cd "$(dirname "$0")/../.." && pwd)
LUA="$REPO/tests/load/wrk/keys.lua"
RESULTS_DIR="$REPO/tests/load/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
WORK=$(mktemp -d /tmp/buckets-load.XXXXXX)
LOGS="$WORK/logs"
BIN="$WORK/bin"
TOOLS=${BUCKETS_LOAD_TOOLS:-$HOME/.cache/buckets-load/tools}
# Fresh secrets per run: the servers refuse anything but 32 random bytes (hex or base64).
random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
ADMIN_TOKEN=$(random_secret)
CLUSTER_SECRET=$(random_secret)
INTERNAL_TOKEN=$(random_secret)
mkdir -p "$LOGS" "$BIN" "$RESULTS_DIR"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

declare -a STARTED=()
declare -A R=()
START_EPOCH=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; log "logs kept in $LOGS"; KEEP_WORK=1; exit 1; }

stop_pid() {
  local pid=$1
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

cleanup() {
  local rc=$? pid
  [ "$rc" -eq 0 ] || KEEP_WORK=1
  for pid in "${STARTED[@]:-}"; do [ -n "$pid" ] && stop_pid "$pid"; done
  [ -n "${WATCHDOG:-}" ] && kill "$WATCHDOG" 2>/dev/null || true
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'die "interrupted"' INT TERM

# The watchdog ends the whole run (and so, through the trap, every process it started).
(
  sleep "$MAX_RUNTIME" & nap=$!
  trap 'kill $nap 2>/dev/null; exit 0' TERM
  wait "$nap" && { log "watchdog: run exceeded ${MAX_RUNTIME}s"; kill -TERM $$; }
) 2>/dev/null &
WATCHDOG=$!

# ---------------------------------------------------------------- helpers
free_port() { # VAR: a loopback TCP port nobody listens on and this run has not handed out
  local candidate
  for _ in $(seq 1 200); do
    candidate=$(( 20000 + RANDOM % 40000 ))
    if ! ss -Htan "sport = :$candidate" | grep -q . && [[ " ${USED_PORTS:-} " != *" $candidate "* ]]; then
      USED_PORTS="${USED_PORTS:-} $candidate"; printf -v "$1" '%s' "$candidate"; return 0
    fi
  done
  die "no free port found"
}

wait_http() { # url seconds
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)" = 200 ] && return 0
    sleep 0.2
  done
  return 1
}

wait_redis() { # port seconds
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)" = PONG ] && return 0
    sleep 0.05
  done
  return 1
}

cpu_busy_pct() { # CPU use of the whole machine over 3 s, in percent
  local a b
  read -r _ a1 a2 a3 a4 a5 a6 a7 _ < /proc/stat
  sleep 3
  read -r _ b1 b2 b3 b4 b5 b6 b7 _ < /proc/stat
  a=$(( a1 + a2 + a3 + a4 + a5 + a6 + a7 )); b=$(( b1 + b2 + b3 + b4 + b5 + b6 + b7 ))
  awk -v total=$(( b - a )) -v idle=$(( (b4 + b5) - (a4 + a5) )) 'BEGIN { printf "%.0f", (total > 0 ? 100 * (1 - idle / total) : 0) }'
}

other_builds() { # other engineers' builds and test runs (not this script's processes)
  pgrep -af 'MSBuild\.dll|testhost|vstest\.console|dotnet (build|test|publish)|dotnet-test' 2>/dev/null \
    | grep -v -e "$WORK" -e "^$$ " || true
}

machine_load() { echo "uptime: $(uptime)"; echo "cpu busy over 3 s: $(cpu_busy_pct)%"; }

# Before each phase: wait (within the one WAIT_QUIET budget) for the machine to be quiet again,
# and note what was seen, so a figure taken while someone else built or tested is marked.
phase() {
  log "phase: $1"
  wait_quiet
  PHASES="${PHASES}- $1 ($(date +%H:%M:%S)): $QUIET; load average $(cut -d' ' -f1-3 /proc/loadavg)
"
}

# Steal and total CPU ticks of the whole machine so far: on a shared host the hypervisor's steal
# slows every server of a run without any process here being busy (0-13 % measured on 2026-12-03).
cpu_steal_mark() { awk 'NR == 1 { t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t }' /proc/stat; }

# After a measurement: other builds/tests that ran meanwhile, and steal time of STEAL_PCT % or more
# since the mark given (empty when neither).
STEAL_PCT=${STEAL_PCT:-5}
interference() { # [steal-mark]
  local n pct
  n=$(other_builds | grep -c . || true)
  [ "$n" -eq 0 ] || echo " (${n} other build/test processes running at the end)"
  [ -n "${1:-}" ] || return 0
  pct=$(cpu_steal_mark | awk -v mark="$1" 'BEGIN { split(mark, m, " ") } { d = $2 - m[2]; printf "%.0f", (d > 0 ? 100 * ($1 - m[1]) / d : 0) }')
  [ "$pct" -lt "$STEAL_PCT" ] || echo " (${pct}% of the CPU stolen by the hypervisor during the run)"
}

# Waits (polling every 30 s, at most WAIT_QUIET seconds) until no other build or test runs and the
# CPU is mostly idle, so figures are not distorted; records what it saw either way.
QUIET_DEADLINE=0
PHASES=""
wait_quiet() {
  [ "$QUIET_DEADLINE" -gt 0 ] || QUIET_DEADLINE=$(( $(date +%s) + WAIT_QUIET ))
  local deadline=$QUIET_DEADLINE busy builds
  while :; do
    builds=$(other_builds)
    busy=$(cpu_busy_pct)
    if [ -z "$builds" ] && [ "$busy" -le 25 ]; then
      QUIET="quiet (cpu ${busy}% busy, no other build or test)"; return 0
    fi
    QUIET_EVER_FAILED=1
    if [ "$(date +%s)" -ge "$deadline" ]; then
      QUIET="NOT QUIET after waiting ${WAIT_QUIET}s: cpu ${busy}% busy, $(echo "$builds" | grep -c . || true) other build/test processes"
      log "$QUIET"; return 0
    fi
    log "machine busy (cpu ${busy}%, $(echo "$builds" | grep -c . || true) build/test processes); waiting 30 s"
    sleep 30
  done
}

want() { [[ ",$ONLY," == *",$1,"* ]]; }

field() { # RESULT-line field
  awk -v k="$2" '{ for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) print a[2] } }' <<<"$1"
}

calc() { awk "BEGIN { v = $1; if (v == v + 0) printf \"%.${2:-2}f\", v; else print \"n/a\" }" 2>/dev/null || echo n/a; }

ensure_packages() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  command -v webdis >/dev/null || missing+=(webdis)
  command -v jq >/dev/null || missing+=(jq)
  command -v ss >/dev/null || missing+=(iproute2)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt-get)"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } >"$LOGS/apt.log" 2>&1 \
      || die "apt-get install ${missing[*]} failed (see $LOGS/apt.log)"
  fi
  local tool
  for tool in dotnet-gcdump dotnet-counters ${TRACE_DIR:+dotnet-trace}; do
    if [ ! -x "$TOOLS/$tool" ]; then
      log "installing $tool into $TOOLS (dotnet tool, from NuGet)"
      dotnet tool install --tool-path "$TOOLS" "$tool" >"$LOGS/tool-$tool.log" 2>&1 || die "dotnet tool install $tool failed"
    fi
  done
}

# Every .NET program of the run, the ceiling included, is published the same way, ReadyToRun (as the
# container images are): precompiled code from the first request, so a fresh server does not
# spend its first seconds in the JIT. Ready-to-run needs a runtime identifier.
case "$(uname -m)" in aarch64|arm64) RID=linux-arm64 ;; *) RID=linux-x64 ;; esac

publish() { # project output
  local attempt
  for attempt in 1 2 3; do
    if dotnet publish "$REPO/$1" -c Release -r "$RID" --self-contained false -p:PublishReadyToRun=true -o "$BIN/$2" >"$LOGS/publish-$2.log" 2>&1; then return 0; fi
    log "publish of $1 failed (attempt $attempt; another build may hold the same files); retrying in 15 s"
    sleep 15
  done
  tail -30 "$LOGS/publish-$2.log" >&2
  die "could not build $1"
}

bench_tool() { dotnet "$BIN/bench/Buckets.Benchmarks.dll" tool "$@"; }

start_buckets() { # name port mode(InProcess|None) -> sets BUCKETS_PID
  local name=$1 port=$2 mode=$3 silo
  free_port silo
  mkdir -p "$WORK/$name"
  # One port for the API and /admin (the bench tool mints keys and reads status there); the internal
  # listener split is a routing check per request, measured the same either way.
  (cd "$WORK/$name" && exec env ${BUCKETS_EXTRA_ENV:-} \
      Serilog__MinimumLevel__Default=Warning \
      Buckets__Security__AdminToken="$ADMIN_TOKEN" \
      Buckets__Security__ClusterSecret="$CLUSTER_SECRET" \
      Buckets__Security__InternalToken="$INTERNAL_TOKEN" \
      Buckets__Hosting__Profile=Development \
      Buckets__Hosting__DataDirectory="$WORK/$name/data" \
      Buckets__Hosting__SiloPort="$silo" \
      Buckets__Backup__Mode="$mode" \
      Buckets__Http__InternalUrls="" \
      Buckets__Resp__Port="${resp_port:-0}" \
      DOTNET_gcServer="$SERVER_GC" \
      dotnet "$BIN/server/Buckets.Server.dll" --urls "http://127.0.0.1:$port") >"$LOGS/$name.log" 2>&1 &
  BUCKETS_PID=$!
  STARTED+=("$BUCKETS_PID")
  wait_http "http://127.0.0.1:$port/readyz" 90 || { tail -20 "$LOGS/$name.log" >&2; die "Buckets ($name) did not become ready"; }
}

run_wrk() { # label target url mode keysfile connections seconds [delay_ms] -> RESULT line
  local label=$1 target=$2 url=$3 mode=$4 keys=$5 conns=$6 seconds=$7 delay=${8:-0}
  WRK_TARGET=$target WRK_MODE=$mode WRK_KEYSPACE=$KEYSPACE WRK_READ_PCT=$READ_PCT WRK_VALUE_BYTES=$VALUE_BYTES \
  WRK_APIKEYS_FILE=$keys WRK_DELAY_MS=$delay \
    timeout $(( seconds + 60 )) wrk -t"$THREADS" -c"$conns" -d"${seconds}s" --latency -s "$LUA" "$url" >"$LOGS/wrk-$label.txt" 2>&1 \
    || die "wrk $label failed (see $LOGS/wrk-$label.txt)"
  grep '^RESULT' "$LOGS/wrk-$label.txt" || die "wrk $label printed no RESULT line"
}

record_wrk() { # key result-line
  R[$1.rps]=$(field "$2" rps)
  R[$1.p50]=$(calc "$(field "$2" p50_us) / 1000" 3)
  R[$1.p99]=$(calc "$(field "$2" p99_us) / 1000" 3)
  R[$1.errors]=$(( $(field "$2" status_errors) + $(field "$2" connect_errors) + $(field "$2" read_errors) + $(field "$2" write_errors) + $(field "$2" timeouts) ))
}

gc_heap_bytes() { # pid -> live managed bytes after a full blocking GC
  # dotnet-gcdump forces the full GC (it walks the heap); dotnet-counters then reads what that GC
  # left: the sum over generations of dotnet.gc.last_collection.heap.size minus fragmentation.
  local file="$WORK/heap-$1-$RANDOM"
  timeout 300 "$TOOLS/dotnet-gcdump" collect -p "$1" -o "$file.gcdump" >"$LOGS/gcdump-collect.log" 2>&1 || die "dotnet-gcdump collect failed"
  timeout 60 "$TOOLS/dotnet-counters" collect -p "$1" --format csv -o "$file.csv" --duration 00:00:00:03 \
    --counters 'System.Runtime[dotnet.gc.last_collection.heap.size,dotnet.gc.last_collection.heap.fragmentation.size]' \
    >"$LOGS/counters.log" 2>&1 || die "dotnet-counters collect failed"
  cp "$file.csv" "$LOGS/"
  rm -f "$file.gcdump"
  awk -F, 'NR == 2 { first = $1 }
           NR > 1 && $1 == first && $3 ~ /heap\.size/ { s += $5 }
           NR > 1 && $1 == first && $3 ~ /fragmentation/ { s -= $5 }
           END { printf "%d", s }' "$file.csv"
}

cpu_ticks() { # pids... -> user+system clock ticks used so far (all threads)
  local pid total=0
  for pid in "$@"; do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
  done
  echo "$total"
}

rss_bytes() { awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$1/status"; }

fsync_rate() { # dir -> 4 KiB writes per second with one fsync each (dd oflag=dsync), for FSYNC_SECONDS
  # dd stops at the time bound (SIGINT) and prints how many records it wrote in how long.
  local out
  out=$(cd "$1" && timeout -s INT "$FSYNC_SECONDS" dd if=/dev/zero of=fsync.probe bs=4096 count=1000000 oflag=dsync 2>&1 || true)
  rm -f "$1/fsync.probe"
  echo "$out" >>"$LOGS/fsync.log"
  awk '/records out/ { split($1, a, "+"); n = a[1] }
       /copied/ { for (i = 2; i <= NF; i++) if ($i == "s,") s = $(i - 1) }
       END { if (s > 0) printf "%.0f", n / s; else print "n/a" }' <<<"$out"
}

cold_wrk() { # key label target url keysfile: one PUT run without warm-up, recorded under key
  local line
  log "wrk put $3, cold: no warm-up, ${DURATION}s measured"
  line=$(run_wrk "$2" "$3" "$4" put "$5" "$CONNECTIONS" "$DURATION")
  record_wrk "$1" "$line"
  log "  $line"
}

measure_wrk() { # key label url mode keysfile: warm-up, then a measured run recorded under key
  run_wrk "$2-warmup" buckets "$3" "$4" "$5" "$CONNECTIONS" "$WARMUP" >/dev/null
  local line noise mark
  mark=$(cpu_steal_mark)
  line=$(run_wrk "$2" buckets "$3" "$4" "$5" "$CONNECTIONS" "$DURATION")
  record_wrk "$1" "$line"
  noise=$(interference "$mark")
  [ -z "$noise" ] || { INTERFERED="${INTERFERED:-}wrk $2:$noise; "; log "  interference:$noise"; }
  log "  $line"
}

# ---------------------------------------------------------------- 0. tools and build
log "work directory $WORK"
ensure_packages
command -v dotnet >/dev/null || die "the .NET 10 SDK is required"
log "building in Release (Buckets server, CLI, baseline, benchmark tools)"
publish src/Buckets.Server/Buckets.Server.csproj server
publish src/Buckets.Cli/Buckets.Cli.csproj cli
publish tests/Buckets.Baseline/Buckets.Baseline.csproj baseline
publish tests/Buckets.Benchmarks/Buckets.Benchmarks.csproj bench
if want scale; then publish backup-server/Buckets.BackupServer/Buckets.BackupServer.csproj backup; fi

log "waiting for a quiet machine (at most ${WAIT_QUIET}s in all)"
phase "start"
LOAD_BEFORE=$(machine_load)
TOP_BEFORE=$(top -bn1 | head -15)

# ---------------------------------------------------------------- 1-3. servers
if want http; then
free_port BUCKETS_PORT
log "starting Buckets (development profile, backups on) on $BUCKETS_PORT"
start_buckets buckets "$BUCKETS_PORT" InProcess
MAIN_PID=$BUCKETS_PID
bench_tool load --url "http://127.0.0.1:$BUCKETS_PORT" --admin-token "$ADMIN_TOKEN" --buckets 1 \
  --per-bucket "$KEYSPACE" --value-bytes "$VALUE_BYTES" --id-prefix tput- --keys-out "$WORK/tput.keys" >>"$LOGS/load.log" 2>&1 \
  || die "pre-loading Buckets failed (see $LOGS/load.log)"

free_port BASELINE_PORT
log "starting the baseline (bare Kestrel) on $BASELINE_PORT"
(cd "$WORK" && exec env DOTNET_gcServer="$SERVER_GC" dotnet "$BIN/baseline/Buckets.Baseline.dll" --urls "http://127.0.0.1:$BASELINE_PORT") >"$LOGS/baseline.log" 2>&1 &
BASELINE_PID=$!
STARTED+=("$BASELINE_PID")
wait_http "http://127.0.0.1:$BASELINE_PORT/healthz" 60 || die "the baseline did not start"
bench_tool put --url "http://127.0.0.1:$BASELINE_PORT" --count "$KEYSPACE" --value-bytes "$VALUE_BYTES" >>"$LOGS/load.log" 2>&1 \
  || die "pre-loading the baseline failed"

fi

free_port REDIS_PORT
free_port WEBDIS_PORT
log "starting redis-server ($REDIS_PORT, no persistence) and webdis ($WEBDIS_PORT)"
mkdir -p "$WORK/redis"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$WORK/redis" \
  --daemonize no --logfile "$LOGS/redis.log" &
REDIS_PID=$!
STARTED+=("$REDIS_PID")
wait_redis "$REDIS_PORT" 30 || die "redis-server did not start"
if want http; then
cat >"$WORK/webdis.json" <<EOF
{
  "redis_host": "127.0.0.1",
  "redis_port": $REDIS_PORT,
  "redis_auth": null,
  "http_host": "127.0.0.1",
  "http_port": $WEBDIS_PORT,
  "threads": 2,
  "pool_size": 20,
  "daemonize": false,
  "database": 0,
  "acl": [ { "disabled": ["DEBUG"] } ],
  "verbosity": 1,
  "logfile": "$LOGS/webdis.log"
}
EOF
webdis "$WORK/webdis.json" >"$LOGS/webdis.out" 2>&1 &
WEBDIS_PID=$!
STARTED+=("$WEBDIS_PID")
wait_http "http://127.0.0.1:$WEBDIS_PORT/PING" 30 || die "webdis did not start"
bench_tool gen-redis --entries "$KEYSPACE" --value-bytes "$VALUE_BYTES" --out "$WORK/keyspace.resp"
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --pipe <"$WORK/keyspace.resp" >>"$LOGS/load.log" 2>&1 || die "pre-loading Redis failed"

# ---------------------------------------------------------------- 4. wrk: same shape for every target
declare -A URL=([buckets]="http://127.0.0.1:$BUCKETS_PORT" [baseline]="http://127.0.0.1:$BASELINE_PORT" [webdis]="http://127.0.0.1:$WEBDIS_PORT")
declare -A KEYS=([buckets]="$WORK/tput.keys" [baseline]="" [webdis]="")
declare -A PIDS=([buckets]="$MAIN_PID" [baseline]="$BASELINE_PID" [webdis]="$WEBDIS_PID $REDIS_PID")
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
phase "HTTP throughput (wrk)"
LOAD_HTTP=$(machine_load)
# Cold: the first DURATION s of PUT load on the ceiling as started. Buckets' cold run gets a fresh
# server of its own (many-buckets phase): here its writes would weigh on the GET cells that follow.
cold_wrk baseline.coldput baseline-put-cold baseline "${URL[baseline]}" ""
for mode in get put mix; do
  for target in buckets baseline webdis; do
    log "wrk $mode $target: ${WARMUP}s warm-up, ${DURATION}s measured, -t$THREADS -c$CONNECTIONS"
    run_wrk "$target-$mode-warmup" "$target" "${URL[$target]}" "$mode" "${KEYS[$target]}" "$CONNECTIONS" "$WARMUP" >/dev/null
    # shellcheck disable=SC2086 # PIDS holds one or two pids
    ticks0=$(cpu_ticks ${PIDS[$target]}); mark=$(cpu_steal_mark)
    line=$(run_wrk "$target-$mode" "$target" "${URL[$target]}" "$mode" "${KEYS[$target]}" "$CONNECTIONS" "$DURATION")
    # shellcheck disable=SC2086
    ticks1=$(cpu_ticks ${PIDS[$target]})
    record_wrk "$target.$mode" "$line"
    R[$target.$mode.cpu]=$(calc "($ticks1 - $ticks0) * $TICK_US / $(field "$line" requests)" 1)
    noise=$(interference "$mark")
    [ -z "$noise" ] || { INTERFERED="${INTERFERED:-}wrk $mode $target:$noise; "; log "  interference:$noise"; }
    log "  $line"
  done
done

# ---------------------------------------------------------------- 5. redis-benchmark for reference
log "redis-benchmark -t get,set -d $VALUE_BYTES -c $CONNECTIONS -n $REDIS_BENCH_REQUESTS -r $KEYSPACE"
redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -t get,set -d "$VALUE_BYTES" -c "$CONNECTIONS" -n "$REDIS_BENCH_REQUESTS" \
  -r "$KEYSPACE" --csv >"$LOGS/redis-benchmark.csv" 2>&1 || die "redis-benchmark failed"
for t in GET SET; do
  row=$(grep "^\"$t\"" "$LOGS/redis-benchmark.csv" | tr -d '"')
  R[redisbench.$t.rps]=$(cut -d, -f2 <<<"$row")
  R[redisbench.$t.p50]=$(cut -d, -f5 <<<"$row")
  R[redisbench.$t.p99]=$(cut -d, -f7 <<<"$row")
done
stop_pid "$MAIN_PID"
fi

# ---------------------------------------------------------------- 5b. one bucket against APIKEYS buckets
# One fresh Buckets (backups on). For 1 and then APIKEYS buckets: KEYSPACE keys in all, spread evenly
# (KEYSPACE / buckets keys per bucket, the same keys in every bucket), pre-loaded, so every GET
# finds its key; PUT runs before GET. Then PUT over APIKEYS other buckets set to critical, and the
# disk's own rate of one fsync per write, so "critical >= 10x one fsync per write" reads off one run.
if want buckets; then
phase "many buckets"
free_port MANY_PORT
log "many buckets: fresh Buckets (backups on, standard) on $MANY_PORT; 1 and $APIKEYS buckets, then $APIKEYS critical"
# Cold: a server of its own, stopped after its first DURATION s of PUT load (its writes leave the
# backup store compacting for a while, which would weigh on the cells after it).
free_port COLD_PORT
start_buckets cold "$COLD_PORT" InProcess
bench_tool load --url "http://127.0.0.1:$COLD_PORT" --admin-token "$ADMIN_TOKEN" --buckets 1 --per-bucket "$KEYSPACE" \
  --value-bytes "$VALUE_BYTES" --id-prefix cold- --keys-out "$WORK/cold.keys" >>"$LOGS/load.log" 2>&1 || die "pre-loading the cold server failed"
cold_wrk buckets.coldput buckets-put-cold buckets "http://127.0.0.1:$COLD_PORT" "$WORK/cold.keys"
stop_pid "$BUCKETS_PID"
start_buckets many "$MANY_PORT" InProcess
MANY_PID=$BUCKETS_PID
MANY_URL="http://127.0.0.1:$MANY_PORT"
saved_keyspace=$KEYSPACE
for shape in 1 "$APIKEYS" critical; do
  n=$shape; durability=standard
  [ "$shape" != critical ] || { n=$APIKEYS; durability=critical; }
  per=$(( saved_keyspace / n )); [ "$per" -ge 1 ] || per=1
  bench_tool load --url "$MANY_URL" --admin-token "$ADMIN_TOKEN" --buckets "$n" --per-bucket "$per" --shared-keys 1 \
    --durability "$durability" --value-bytes "$VALUE_BYTES" --id-prefix "$shape-" --keys-out "$WORK/many-$shape.keys" >>"$LOGS/load.log" 2>&1 \
    || die "pre-loading $n $durability buckets failed (see $LOGS/load.log)"
  R[many.$shape.per]=$per
  KEYSPACE=$per
  log "wrk put, $n $durability buckets ($per keys each)"
  trace_pid=""
  if [ -n "${TRACE_DIR:-}" ] && [ "$shape" = "$APIKEYS" ]; then
    # Optional CPU profile of the server during this run (sampled thread time), for profiling before changing the write path.
    mkdir -p "$TRACE_DIR"
    timeout $(( DURATION + WARMUP + 60 )) "$TOOLS/dotnet-trace" collect -p "$MANY_PID" --profile dotnet-sampled-thread-time \
      --duration "00:00:00:$(printf '%02d' $(( DURATION + WARMUP )))" -o "$TRACE_DIR/many-put.nettrace" >"$LOGS/trace.log" 2>&1 &
    trace_pid=$!
  fi
  measure_wrk "many.$shape.put" "many-$shape-put" "$MANY_URL" put "$WORK/many-$shape.keys"
  [ -z "$trace_pid" ] || wait "$trace_pid" || log "dotnet-trace failed (see $LOGS/trace.log)"
  if [ "$shape" = "$APIKEYS" ]; then
    # Lag over the backup service's last 4,096 batches: with this many dirty buckets, the measured run's.
    curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "$MANY_URL/admin/v1/status" >"$LOGS/status-many.json" || die "GET /admin/v1/status failed"
    R[many.lag.p50]=$(calc "$(jq -r '.lagP50Seconds // "n/a"' "$LOGS/status-many.json")" 3)
    R[many.lag.p99]=$(calc "$(jq -r '.lagP99Seconds // "n/a"' "$LOGS/status-many.json")" 3)
  fi
  if [ "$shape" != critical ]; then
    log "wrk get, $n buckets"
    measure_wrk "many.$shape.get" "many-$shape-get" "$MANY_URL" get "$WORK/many-$shape.keys"
  fi
  KEYSPACE=$saved_keyspace
done
log "disk: one fsync per 4 KiB write for ${FSYNC_SECONDS}s under the server's data directory"
R[fsync.rate]=$(fsync_rate "$WORK/many/data")
stop_pid "$MANY_PID"
fi

# ---------------------------------------------------------------- 5c. memory per active idle bucket
if want idle; then
phase "idle buckets"
free_port IDLE_PORT
log "idle buckets: fresh Buckets (backups on); up to $IDLE_BUCKETS buckets with one $VALUE_BYTES-byte entry each, at most ${IDLE_SECONDS}s"
# The in-process backup store drops what it holds about buckets idle for StateIdleTimeout (2 min by
# default); 5 s here, so the reading after the load shows the silo's own cost per active bucket.
BUCKETS_EXTRA_ENV="Backup__Store__StateIdleTimeout=00:00:05" start_buckets idle "$IDLE_PORT" InProcess
IDLE_PID=$BUCKETS_PID
sleep 2
IDLE_HEAP0=$(gc_heap_bytes "$IDLE_PID")
IDLE_RSS0=$(rss_bytes "$IDLE_PID")
line=$(bench_tool idle-buckets --url "http://127.0.0.1:$IDLE_PORT" --cluster-secret "$CLUSTER_SECRET" --count "$IDLE_BUCKETS" \
  --value-bytes "$VALUE_BYTES" --max-seconds "$IDLE_SECONDS" 2>>"$LOGS/load.log") || log "idle-buckets reported failures: $line"
log "  $line"
R[idle.activated]=$(field "$line" activated)
R[idle.seconds]=$(field "$line" seconds)
R[idle.failed]=$(field "$line" failed)
[ "${R[idle.activated]:-0}" -gt 0 ] || die "no bucket was activated (see $LOGS/load.log)"
sleep 12  # the backup service pulls the last changes (journals empty: buckets are idle) and drops its idle state
IDLE_HEAP1=$(gc_heap_bytes "$IDLE_PID")
IDLE_RSS1=$(rss_bytes "$IDLE_PID")
R[idle.rss]=$(calc "($IDLE_RSS1 - $IDLE_RSS0) / ${R[idle.activated]}" 0)
R[idle.heap]=$(calc "($IDLE_HEAP1 - $IDLE_HEAP0) / ${R[idle.activated]}" 0)
noise=$(interference)
[ -z "$noise" ] || INTERFERED="${INTERFERED:-}idle buckets:$noise; "
stop_pid "$IDLE_PID"
fi

# ---------------------------------------------------------------- 6. memory per entry
if want memory; then
phase "memory"
PER_BUCKET=$(( MEMORY_ENTRIES / MEMORY_BUCKETS ))
MEM_ENTRIES=$(( PER_BUCKET * MEMORY_BUCKETS ))
free_port MEM_PORT
log "memory: Buckets with Buckets__Backup__Mode=None; $MEM_ENTRIES entries over $MEMORY_BUCKETS buckets via POST /v1/batch"
start_buckets memory "$MEM_PORT" None
MEM_PID=$BUCKETS_PID
sleep 2
HEAP_BEFORE=$(gc_heap_bytes "$MEM_PID")
RSS_BEFORE=$(rss_bytes "$MEM_PID")
bench_tool load --url "http://127.0.0.1:$MEM_PORT" --admin-token "$ADMIN_TOKEN" --buckets "$MEMORY_BUCKETS" \
  --per-bucket "$PER_BUCKET" --value-bytes "$VALUE_BYTES" --id-prefix mem- --parallel 4 >>"$LOGS/load.log" 2>&1 \
  || die "loading the memory data set into Buckets failed (see $LOGS/load.log)"
R[mem.load]=$(tail -1 "$LOGS/load.log")
sleep 2
HEAP_AFTER=$(gc_heap_bytes "$MEM_PID")
RSS_AFTER=$(rss_bytes "$MEM_PID")
R[mem.buckets.heap]=$(calc "($HEAP_AFTER - $HEAP_BEFORE) / $MEM_ENTRIES" 1)
R[mem.buckets.rss]=$(calc "($RSS_AFTER - $RSS_BEFORE) / $MEM_ENTRIES" 1)
noise=$(interference)
[ -z "$noise" ] || INTERFERED="${INTERFERED:-}memory:$noise; "
stop_pid "$MEM_PID"

log "memory: Redis, the same $MEM_ENTRIES entries through redis-cli --pipe"
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null
USED_BEFORE=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')
bench_tool gen-redis --entries "$MEM_ENTRIES" --value-bytes "$VALUE_BYTES" --out "$WORK/memory.resp"
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" --pipe <"$WORK/memory.resp" >>"$LOGS/load.log" 2>&1 || die "loading Redis failed"
USED_AFTER=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }')
R[mem.redis.keys]=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" dbsize)
R[mem.redis]=$(calc "($USED_AFTER - $USED_BEFORE) / $MEM_ENTRIES" 1)
rm -f "$WORK/memory.resp"
fi

# ---------------------------------------------------------------- 7. restore speed
if want restore; then
phase "restore"
log "restore: generating a $REPLAY_CHANGES-change log over $REPLAY_KEYS keys (Englang and the same commands as RESP)"
mkdir -p "$WORK/replay" "$WORK/aof"
bench_tool gen-log --changes "$REPLAY_CHANGES" --keys "$REPLAY_KEYS" --out "$WORK/replay/changes.englang" \
  --resp-out "$WORK/replay/changes.resp" >>"$LOGS/load.log"
cat "$WORK/replay/changes.englang" >/dev/null   # both inputs start from the page cache
line=$(bench_tool replay --file "$WORK/replay/changes.englang")
log "  in-process replay: $line"
R[replay.buckets]=$(field "$line" replay_seconds)
R[replay.buckets.entries]=$(field "$line" entries)
R[replay.buckets.alloc]=$(calc "$(field "$line" allocated_bytes) / 1048576" 0)
t0=$(date +%s.%N)
dotnet "$BIN/cli/buckets.dll" replay "$WORK/replay/changes.englang" >/dev/null 2>"$LOGS/cli-replay.err" || die "buckets replay failed"
t1=$(date +%s.%N)
R[replay.cli]=$(calc "$t1 - $t0" 3)

free_port AOF_PORT
redis_aof() {
  redis-server --bind 127.0.0.1 --port "$AOF_PORT" --save '' --appendonly yes --appendfsync no \
    --auto-aof-rewrite-percentage 0 --dir "$WORK/aof" --daemonize no --logfile "$LOGS/redis-aof.log" &
  AOF_PID=$!
  STARTED+=("$AOF_PID")
}
redis_aof
wait_redis "$AOF_PORT" 30 || die "redis-server (AOF) did not start"
redis-cli -h 127.0.0.1 -p "$AOF_PORT" --pipe <"$WORK/replay/changes.resp" >>"$LOGS/load.log" 2>&1 || die "writing the AOF failed"
redis-cli -h 127.0.0.1 -p "$AOF_PORT" shutdown >/dev/null 2>&1 || true
for _ in $(seq 1 300); do kill -0 "$AOF_PID" 2>/dev/null || break; sleep 0.1; done
stop_pid "$AOF_PID"
R[replay.aof.bytes]=$(du -cb "$WORK/aof" | tail -1 | cut -f1)
cat "$WORK"/aof/*/* >/dev/null 2>&1 || true
t0=$(date +%s.%N)
redis_aof
wait_redis "$AOF_PORT" 300 || die "redis-server did not load the AOF"
t1=$(date +%s.%N)
R[replay.redis.wall]=$(calc "$t1 - $t0" 3)
R[replay.redis]=$(grep -o 'DB loaded from append only file: [0-9.]* seconds' "$LOGS/redis-aof.log" | tail -1 | awk '{print $(NF-1)}')
R[replay.redis.keys]=$(redis-cli -h 127.0.0.1 -p "$AOF_PORT" dbsize)
noise=$(interference)
[ -z "$noise" ] || INTERFERED="${INTERFERED:-}restore:$noise; "
redis-cli -h 127.0.0.1 -p "$AOF_PORT" shutdown nosave >/dev/null 2>&1 || true
stop_pid "$AOF_PID"
fi

# ---------------------------------------------------------------- 8. backup lag at a steady write rate
# One backup-lag measurement on a fresh Buckets: key rate connections buckets.
lag_run() {
  local key=$1 rate=$2 conns=$3 buckets=$4 port pid delay saved line noise
  free_port port
  log "backup lag: fresh Buckets (backups on), $buckets buckets, PUT at about $rate/s for ${LAG_SECONDS}s"
  start_buckets "lag-$key" "$port" InProcess
  pid=$BUCKETS_PID
  bench_tool load --url "http://127.0.0.1:$port" --admin-token "$ADMIN_TOKEN" --buckets "$buckets" \
    --per-bucket 1000 --value-bytes "$VALUE_BYTES" --id-prefix "lag$key-" --keys-out "$WORK/lag-$key.keys" >>"$LOGS/load.log" 2>&1 \
    || die "pre-loading the lag buckets failed"
  delay=$(( conns * 1000 / rate ))
  [ "$delay" -ge 1 ] || delay=1
  R[$key.delay]=$delay; R[$key.conns]=$conns; R[$key.buckets]=$buckets
  saved=$KEYSPACE; KEYSPACE=1000
  line=$(run_wrk "lag-$key" buckets "http://127.0.0.1:$port" put "$WORK/lag-$key.keys" "$conns" "$LAG_SECONDS" "$delay")
  KEYSPACE=$saved
  record_wrk "$key" "$line"
  sleep 3
  curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$port/admin/v1/status" >"$LOGS/status-$key.json" || die "GET /admin/v1/status failed"
  R[$key.p50]=$(calc "$(jq -r '.lagP50Seconds // "n/a"' "$LOGS/status-$key.json")" 3)
  R[$key.p99]=$(calc "$(jq -r '.lagP99Seconds // "n/a"' "$LOGS/status-$key.json")" 3)
  noise=$(interference)
  [ -z "$noise" ] || INTERFERED="${INTERFERED:-}backup lag $rate/s:$noise; "
  stop_pid "$pid"
}

if want lag; then
phase "backup lag"
lag_run lag "$LAG_RATE" "$LAG_CONNECTIONS" "$LAG_BUCKETS"
if [ "$LAG_LOW_RATE" -gt 0 ]; then
  lag_run laglow "$LAG_LOW_RATE" 2 2
fi
fi
LOAD_AFTER=$(machine_load)

# ---------------------------------------------------------------- 8b. the Redis protocol
# redis-benchmark -t set,get,incr,mset -c 50 against Buckets' RESP listener (one API key, backups on),
# redis-server (no persistence) and Garnet (the garnet-server dotnet tool), without pipelining and at
# -P 16, one after another on the same machine.
resp_bench() { # label port password pipeline
  local t name row
  redis-benchmark -h 127.0.0.1 -p "$2" ${3:+-a "$3"} -t set,get,incr,mset -c 50 -n "$RESP_REQUESTS" -P "$4" \
    -r "$KEYSPACE" -d "$VALUE_BYTES" --csv >"$LOGS/resp-$1-P$4.csv" 2>"$LOGS/resp-$1-P$4.err" || die "redis-benchmark against $1 failed"
  for t in SET GET INCR "MSET (10 keys)"; do
    name=${t%% *}
    row=$(grep "^\"$t\"" "$LOGS/resp-$1-P$4.csv" | tr -d '"')
    R[resp.$1.$4.$name.rps]=$(cut -d, -f2 <<<"$row")
    R[resp.$1.$4.$name.p50]=$(cut -d, -f5 <<<"$row")
  done
}

if want resp; then
phase "redis protocol"
if [ ! -x "$TOOLS/garnet-server" ]; then
  log "installing garnet-server $GARNET_VERSION into $TOOLS (dotnet tool, from NuGet)"
  dotnet tool install --tool-path "$TOOLS" garnet-server --version "$GARNET_VERSION" >"$LOGS/tool-garnet.log" 2>&1 || die "dotnet tool install garnet-server failed"
fi
free_port RESP_HTTP_PORT
free_port RESP_PORT
log "starting Buckets with RESP on $RESP_PORT (HTTP $RESP_HTTP_PORT)"
resp_port=$RESP_PORT start_buckets resp "$RESP_HTTP_PORT" InProcess
RESP_PID=$BUCKETS_PID
RESP_KEY=$(curl -s --max-time 10 -X POST -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{}' \
  "http://127.0.0.1:$RESP_HTTP_PORT/admin/keys" | jq -r .apiKey)
[ -n "$RESP_KEY" ] && [ "$RESP_KEY" != null ] || die "minting the RESP API key failed"
free_port GARNET_PORT
log "starting garnet-server on $GARNET_PORT"
"$TOOLS/garnet-server" --bind 127.0.0.1 --port "$GARNET_PORT" >"$LOGS/garnet.log" 2>&1 &
GARNET_PID=$!
STARTED+=("$GARNET_PID")
wait_redis "$GARNET_PORT" 60 || die "garnet-server did not start"
for pipeline in 1 16; do
  log "redis-benchmark -t set,get,incr,mset -c 50 -n $RESP_REQUESTS -P $pipeline: Buckets, Redis, Garnet"
  resp_bench buckets "$RESP_PORT" "$RESP_KEY" "$pipeline"
  resp_bench redis "$REDIS_PORT" "" "$pipeline"
  resp_bench garnet "$GARNET_PORT" "" "$pipeline"
done
noise=$(interference)
[ -z "$noise" ] || INTERFERED="${INTERFERED:-}redis protocol:$noise; "
stop_pid "$GARNET_PID"
stop_pid "$RESP_PID"
fi

# ---------------------------------------------------------------- 8c. the replicated backup tier
# N backup servers (each its own process and data directory) behind one development-profile silo in
# Remote mode, SCALE_BUCKETS buckets, the same full-speed PUT load each time (wrk, CONNECTIONS,
# SCALE_DURATION s): writes/s and backup lag (the worst server's) for N = 1, 2 and 4 at R = 2; then on
# N = 3, standard PUT at R = 1 and 2 and critical PUT at R = 1 and 3; then one server killed, its
# disk wiped and restarted (resync MB/s), and a 4th server started on the longer list (the time to
# copy in the buckets placed on it, the first half of a move).
declare -a TIER_PIDS=() TIER_PORTS=() TIER_INTERNAL=()
TIER_LIST_ENV=""; TIER_SILO_ENV=""
start_backup_server() { # tier index count -> appends to TIER_PIDS
  local tier=$1 i=$2 n=$3 dir="$WORK/$1-backup$2" cluster_env=""
  mkdir -p "$dir"
  [ "$n" -eq 1 ] || cluster_env="$TIER_LIST_ENV Backup__Cluster__Self=http://127.0.0.1:${TIER_INTERNAL[$i]} Backup__Cluster__PeerCheckInterval=00:00:05 Backup__Resync__StartDelay=00:00:05"
  (cd "$dir" && exec env $cluster_env ${TIER_EXTRA_ENV:-} \
      Serilog__MinimumLevel__Default=Warning \
      Buckets__Security__AdminToken="$ADMIN_TOKEN" \
      Buckets__Security__InternalToken="$INTERNAL_TOKEN" \
      Backup__Store__DataDirectory="$dir/data" \
      Buckets__Http__InternalUrls="http://127.0.0.1:${TIER_INTERNAL[$i]}" \
      DOTNET_gcServer="$SERVER_GC" \
      dotnet "$BIN/backup/Buckets.BackupServer.dll" --urls "http://127.0.0.1:${TIER_PORTS[$i]}") >"$LOGS/$tier-backup$i.log" 2>&1 &
  TIER_PIDS[$i]=$!
  STARTED+=("${TIER_PIDS[$i]}")
  wait_http "http://127.0.0.1:${TIER_PORTS[$i]}/readyz" 90 || { tail -20 "$LOGS/$tier-backup$i.log" >&2; die "backup server $i of $tier did not become ready"; }
}
tier_list() { # count -> TIER_LIST_ENV / TIER_SILO_ENV for the first count servers
  local n=$1 i
  TIER_LIST_ENV=""; TIER_SILO_ENV=""
  if [ "$n" -eq 1 ]; then TIER_SILO_ENV="Buckets__Backup__ServerUrl=http://127.0.0.1:${TIER_INTERNAL[0]}"; return; fi
  for i in $(seq 0 $(( n - 1 ))); do
    TIER_LIST_ENV="$TIER_LIST_ENV Backup__Cluster__Servers__$i=http://127.0.0.1:${TIER_INTERNAL[$i]}"
    TIER_SILO_ENV="$TIER_SILO_ENV Buckets__Backup__Servers__$i=http://127.0.0.1:${TIER_INTERNAL[$i]}"
  done
}
wait_synced() { # index seconds: until the server counts for every bucket (no resync in progress)
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(curl -s --max-time 2 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:${TIER_INTERNAL[$1]}/admin/v1/cluster" | jq -r '.resync.resyncing' 2>/dev/null)" = false ] && return 0
    sleep 0.2
  done
  return 1
}
start_tier() { # tier count: fresh backup servers, each on a fresh data directory
  local tier=$1 n=$2 i
  for i in $(seq 0 $(( n - 1 ))); do free_port "TIER_PORTS[$i]"; free_port "TIER_INTERNAL[$i]"; done
  tier_list "$n"
  for i in $(seq 0 $(( n - 1 ))); do start_backup_server "$tier" "$i" "$n"; done
  if [ "$n" -gt 1 ]; then
    for i in $(seq 0 $(( n - 1 ))); do wait_synced "$i" 60 || die "backup server $i of $tier did not see its peers"; done
  fi
}
stop_tier() { local pid; for pid in "${TIER_PIDS[@]}"; do stop_pid "$pid"; done; TIER_PIDS=(); }
tier_run() { # key tier count durability standard-R critical-R: one silo on the tier, one PUT run over SCALE_BUCKETS buckets
  local key=$1 tier=$2 n=$3 durability=$4 port pid line i worst50=0 worst99=0 p50 p99 saved
  free_port port
  BUCKETS_EXTRA_ENV="$TIER_SILO_ENV Buckets__Backup__Replication__Standard=$5 Buckets__Backup__Replication__Critical=$6" start_buckets "$key" "$port" Remote
  pid=$BUCKETS_PID
  bench_tool load --url "http://127.0.0.1:$port" --admin-token "$ADMIN_TOKEN" --buckets "$SCALE_BUCKETS" --per-bucket 10 --shared-keys 1 \
    --durability "$durability" --value-bytes "$VALUE_BYTES" --id-prefix "${key//./-}-" --keys-out "$WORK/$key.keys" >>"$LOGS/load.log" 2>&1 \
    || die "pre-loading the $key buckets failed (see $LOGS/load.log)"
  saved=$KEYSPACE; KEYSPACE=10
  run_wrk "$key-warmup" buckets "http://127.0.0.1:$port" put "$WORK/$key.keys" "$CONNECTIONS" "$WARMUP" >/dev/null
  line=$(run_wrk "$key" buckets "http://127.0.0.1:$port" put "$WORK/$key.keys" "$CONNECTIONS" "$SCALE_DURATION")
  KEYSPACE=$saved
  record_wrk "$key" "$line"
  sleep 3
  for i in $(seq 0 $(( n - 1 ))); do
    curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:${TIER_INTERNAL[$i]}/admin/v1/status" >"$LOGS/status-$key-$i.json" || die "GET /admin/v1/status of backup server $i failed"
    p50=$(jq -r '.lagP50Seconds // 0' "$LOGS/status-$key-$i.json"); p99=$(jq -r '.lagP99Seconds // 0' "$LOGS/status-$key-$i.json")
    worst50=$(calc "($p50 > $worst50) ? $p50 : $worst50" 3); worst99=$(calc "($p99 > $worst99) ? $p99 : $worst99" 3)
  done
  R[$key.lag.p50]=$worst50; R[$key.lag.p99]=$worst99
  noise=$(interference)
  [ -z "$noise" ] || INTERFERED="${INTERFERED:-}$key:$noise; "
  log "  $key: $line; worst backup lag p50/p99 $worst50/$worst99 s"
  stop_pid "$pid"
}

if want scale; then
phase "replicated backup tier"
for n in 1 2 4; do
  log "backup tier: $n backup servers, R = 2, $SCALE_BUCKETS standard buckets"
  start_tier "scale$n" "$n"
  tier_run "scale.$n" "scale$n" "$n" standard 2 3
  stop_tier
done
log "backup tier: 3 backup servers; standard at R = 1 and 2, critical at R = 1 and 3"
start_tier repl 3
tier_run repl.std1 repl 3 standard 1 3
tier_run repl.std2 repl 3 standard 2 3
tier_run repl.crit1 repl 3 critical 2 1
tier_run repl.crit3 repl 3 critical 2 3
# Resync: larger buckets first (so the copy's rate is not only its per-bucket cost), then server 1
# loses its disk; it waits Backup:Resync:StartDelay (5 s here), then copies its buckets back.
free_port port
BUCKETS_EXTRA_ENV="$TIER_SILO_ENV" start_buckets repl-resync "$port" Remote
bench_tool load --url "http://127.0.0.1:$port" --admin-token "$ADMIN_TOKEN" --buckets "$RESYNC_BUCKETS" --per-bucket "$RESYNC_ENTRIES" \
  --value-bytes "$VALUE_BYTES" --id-prefix resync- >>"$LOGS/load.log" 2>&1 || die "pre-loading the resync buckets failed (see $LOGS/load.log)"
stop_pid "$BUCKETS_PID"
kill -9 "${TIER_PIDS[1]}" 2>/dev/null || true
rm -rf "$WORK/repl-backup1/data"
t0=$(date +%s.%N)
start_backup_server repl 1 3
wait_synced 1 600 || die "the wiped backup server did not finish its resync"
t1=$(date +%s.%N)
curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:${TIER_INTERNAL[1]}/admin/v1/cluster" >"$LOGS/resync.json"
R[resync.buckets]=$(jq -r '.resync.bucketsCopied' "$LOGS/resync.json")
R[resync.bytes]=$(jq -r '.resync.bytesCopied' "$LOGS/resync.json")
R[resync.seconds]=$(calc "$t1 - $t0 - 5" 2)
R[resync.mbps]=$(calc "${R[resync.bytes]} / 1048576 / ${R[resync.seconds]}" 2)
# A 4th server on the longer list copies in the buckets placed on it (moves' first half).
free_port "TIER_PORTS[3]"; free_port "TIER_INTERNAL[3]"
tier_list 4
t0=$(date +%s.%N)
start_backup_server repl 3 4
wait_synced 3 600 || die "the added backup server did not copy its buckets in"
t1=$(date +%s.%N)
curl -s --max-time 10 -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:${TIER_INTERNAL[3]}/admin/v1/cluster" >"$LOGS/move.json"
R[move.buckets]=$(jq -r '.resync.bucketsCopied' "$LOGS/move.json")
R[move.seconds]=$(calc "$t1 - $t0 - 5" 2)
stop_tier
fi

# ---------------------------------------------------------------- 9. the table
set +u   # phases left out by ONLY leave their figures unset: they print as empty / n/a
# A figure that was not measured (its phase skipped, or a ratio of nothing) is n/a, never met: the
# first operand must be a number.
verdict() {
  local first=${1%% *}
  [[ $first =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || { echo n/a; return; }
  awk "BEGIN { if ($1) print \"met\"; else print \"**missed**\" }" 2>/dev/null || echo n/a
}
ratio() { calc "$1 / $2" 2; }
g=buckets.get; p=buckets.put; m=buckets.mix
GET_CEIL=$(ratio "${R[$g.rps]}" "${R[baseline.get.rps]}"); GET_WEB=$(ratio "${R[$g.rps]}" "${R[webdis.get.rps]}")
PUT_CEIL=$(ratio "${R[$p.rps]}" "${R[baseline.put.rps]}"); PUT_WEB=$(ratio "${R[$p.rps]}" "${R[webdis.put.rps]}")
GET_P99=$(ratio "${R[$g.p99]}" "${R[baseline.get.p99]}"); PUT_P99=$(ratio "${R[$p.p99]}" "${R[baseline.put.p99]}")
GET_CPU=$(ratio "${R[$g.cpu]}" "${R[baseline.get.cpu]}"); PUT_CPU=$(ratio "${R[$p.cpu]}" "${R[baseline.put.cpu]}")
MANY_GET_CEIL=$(ratio "${R[many.$APIKEYS.get.rps]}" "${R[baseline.get.rps]}"); MANY_PUT_CEIL=$(ratio "${R[many.$APIKEYS.put.rps]}" "${R[baseline.put.rps]}")
MIX_CEIL=$(ratio "${R[$m.rps]}" "${R[baseline.mix.rps]}"); MIX_WEB=$(ratio "${R[$m.rps]}" "${R[webdis.mix.rps]}")
MEM_RATIO=$(ratio "${R[mem.buckets.heap]}" "${R[mem.redis]}")
MEM_RSS_RATIO=$(ratio "${R[mem.buckets.rss]}" "${R[mem.redis]}")
REPLAY_RATIO=$(ratio "${R[replay.buckets]}" "${R[replay.redis]:-0}")
REPLAY_WALL_RATIO=$(ratio "${R[replay.cli]}" "${R[replay.redis.wall]}")
ERRORS="buckets get/put/mix ${R[$g.errors]}/${R[$p.errors]}/${R[$m.errors]}, baseline ${R[baseline.get.errors]}/${R[baseline.put.errors]}/${R[baseline.mix.errors]}, webdis ${R[webdis.get.errors]}/${R[webdis.put.errors]}/${R[webdis.mix.errors]}, lag runs ${R[lag.errors]}/${R[laglow.errors]}"
fmt() { printf "%'.0f" "$1" 2>/dev/null || echo "$1"; }

TABLE=$(cat <<EOF
| figure | Buckets | bare Kestrel (ceiling) | webdis | Redis | Buckets/ceiling | Buckets/webdis | target | verdict |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |
| GET req/s | $(fmt "${R[$g.rps]}") | $(fmt "${R[baseline.get.rps]}") | $(fmt "${R[webdis.get.rps]}") | $(fmt "${R[redisbench.GET.rps]}") ¹ | $GET_CEIL | $GET_WEB | ≥ 0.8× ceiling, ≥ 1.5× webdis | $(verdict "$GET_CEIL >= 0.8") / $(verdict "$GET_WEB >= 1.5") |
| GET p50 / p99 ms | ${R[$g.p50]} / ${R[$g.p99]} | ${R[baseline.get.p50]} / ${R[baseline.get.p99]} | ${R[webdis.get.p50]} / ${R[webdis.get.p99]} | ${R[redisbench.GET.p50]} / ${R[redisbench.GET.p99]} ¹ | $GET_P99 (p99) | $(ratio "${R[$g.p99]}" "${R[webdis.get.p99]}") (p99) | p99 ≤ 1.5× the ceiling's | $(verdict "$GET_P99 <= 1.5") |
| PUT req/s | $(fmt "${R[$p.rps]}") | $(fmt "${R[baseline.put.rps]}") | $(fmt "${R[webdis.put.rps]}") | $(fmt "${R[redisbench.SET.rps]}") ¹ | $PUT_CEIL | $PUT_WEB | ≥ 0.7× ceiling, ≥ 1.5× webdis | $(verdict "$PUT_CEIL >= 0.7") / $(verdict "$PUT_WEB >= 1.5") |
| PUT p50 / p99 ms | ${R[$p.p50]} / ${R[$p.p99]} | ${R[baseline.put.p50]} / ${R[baseline.put.p99]} | ${R[webdis.put.p50]} / ${R[webdis.put.p99]} | ${R[redisbench.SET.p50]} / ${R[redisbench.SET.p99]} ¹ | $PUT_P99 (p99) | $(ratio "${R[$p.p99]}" "${R[webdis.put.p99]}") (p99) | p99 ≤ 1.5× the ceiling's | $(verdict "$PUT_P99 <= 1.5") |
| server CPU µs per GET / PUT | ${R[$g.cpu]} / ${R[$p.cpu]} | ${R[baseline.get.cpu]} / ${R[baseline.put.cpu]} | ${R[webdis.get.cpu]} / ${R[webdis.put.cpu]} ⁷ | | $GET_CPU / $PUT_CPU | $(ratio "${R[$g.cpu]}" "${R[webdis.get.cpu]}") / $(ratio "${R[$p.cpu]}" "${R[webdis.put.cpu]}") | ≤ 1.6× the ceiling's | $(verdict "$GET_CPU <= 1.6") / $(verdict "$PUT_CPU <= 1.6") |
| PUT req/s, cold (first ${DURATION} s of load after start, no warm-up; Buckets: a fresh server of its own, 1 bucket) | $(fmt "${R[buckets.coldput.rps]}") | $(fmt "${R[baseline.coldput.rps]}") | | | $(ratio "${R[buckets.coldput.rps]}" "${R[baseline.coldput.rps]}") | | (information) | |
| mix ${READ_PCT}% GET req/s | $(fmt "${R[$m.rps]}") | $(fmt "${R[baseline.mix.rps]}") | $(fmt "${R[webdis.mix.rps]}") | | $MIX_CEIL | $MIX_WEB | (information) | |
| mix p50 / p99 ms | ${R[$m.p50]} / ${R[$m.p99]} | ${R[baseline.mix.p50]} / ${R[baseline.mix.p99]} | ${R[webdis.mix.p50]} / ${R[webdis.mix.p99]} | | | | (information) | |
| memory bytes/entry (managed heap after full GC) | ${R[mem.buckets.heap]} | | | ${R[mem.redis]} ² | | | ≤ Redis: ratio $MEM_RATIO | $(verdict "$MEM_RATIO <= 1") |
| memory bytes/entry (process RSS growth) | ${R[mem.buckets.rss]} | | | ${R[mem.redis]} ² | | | (information): ratio $MEM_RSS_RATIO | |
| restore ${REPLAY_CHANGES} changes, load only (s) | ${R[replay.buckets]} ³ | | | ${R[replay.redis]:-n/a} ⁴ | | | ≤ Redis: ratio $REPLAY_RATIO | $(verdict "$REPLAY_RATIO <= 1") |
| restore ${REPLAY_CHANGES} changes, process start to ready (s) | ${R[replay.cli]} ⁵ | | | ${R[replay.redis.wall]} ⁶ | | | ≤ Redis: ratio $REPLAY_WALL_RATIO | $(verdict "$REPLAY_WALL_RATIO <= 1") |
| backup lag p50 / p99 s at $(fmt "${R[lag.rps]}") writes/s | ${R[lag.p50]} / ${R[lag.p99]} | | | | | | p99 ≤ 1 s | $(verdict "${R[lag.p99]} <= 1") |
| backup lag p50 / p99 s at $(fmt "${R[laglow.rps]}") writes/s | ${R[laglow.p50]} / ${R[laglow.p99]} ⁸ | | | | | | p99 ≤ 1 s | $(verdict "${R[laglow.p99]} <= 1") |
EOF
)

CRIT_FSYNC=$(ratio "${R[many.critical.put.rps]}" "${R[fsync.rate]}")
MANY_TABLE=$(cat <<EOF
| shape (one Buckets, backups on) | req/s | p50 ms | p99 ms | note |
| --- | ---: | ---: | ---: | --- |
| PUT, 1 bucket, standard | $(fmt "${R[many.1.put.rps]}") | ${R[many.1.put.p50]} | ${R[many.1.put.p99]} | ${R[many.1.per]} keys |
| GET, 1 bucket | $(fmt "${R[many.1.get.rps]}") | ${R[many.1.get.p50]} | ${R[many.1.get.p99]} | |
| PUT, $APIKEYS buckets, standard | $(fmt "${R[many.$APIKEYS.put.rps]}") | ${R[many.$APIKEYS.put.p50]} | ${R[many.$APIKEYS.put.p99]} | $MANY_PUT_CEIL× the ceiling's PUT (target ≥ 0.7×: $(verdict "$MANY_PUT_CEIL >= 0.7")); ${R[many.$APIKEYS.per]} keys each; backup lag p50 / p99 ${R[many.lag.p50]} / ${R[many.lag.p99]} s (target p99 ≤ 1 s: $(verdict "${R[many.lag.p99]} <= 1")) |
| GET, $APIKEYS buckets | $(fmt "${R[many.$APIKEYS.get.rps]}") | ${R[many.$APIKEYS.get.p50]} | ${R[many.$APIKEYS.get.p99]} | $MANY_GET_CEIL× the ceiling's GET (target ≥ 0.8×: $(verdict "$MANY_GET_CEIL >= 0.8")) |
| PUT, $APIKEYS buckets, critical | $(fmt "${R[many.critical.put.rps]}") | ${R[many.critical.put.p50]} | ${R[many.critical.put.p99]} | ${CRIT_FSYNC}× the disk's fsync rate (target ≥ 10×: $(verdict "$CRIT_FSYNC >= 10")) |
| disk: 4 KiB writes with one fsync each | $(fmt "${R[fsync.rate]}") | | | dd oflag=dsync for ${FSYNC_SECONDS}s under the server's data directory |
| memory per active idle bucket | | | | RSS growth $(fmt "${R[idle.rss]}") bytes, managed heap after full GC $(fmt "${R[idle.heap]}") bytes per bucket; $(fmt "${R[idle.activated]}") buckets activated with one $VALUE_BYTES-byte entry each in ${R[idle.seconds]} s (${R[idle.failed]} failed) |
EOF
)

RESP_TABLE=$(
  echo "| redis-benchmark -c 50 | pipeline | Buckets req/s | Redis req/s | Garnet req/s | Buckets/Garnet | Buckets p50 ms | target | verdict |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"
  for pipeline in 1 16; do
    target=$([ "$pipeline" = 1 ] && echo 0.8 || echo 0.3)
    for name in SET GET INCR MSET; do
      ratio_value=$(ratio "${R[resp.buckets.$pipeline.$name.rps]}" "${R[resp.garnet.$pipeline.$name.rps]}")
      echo "| $name | $pipeline | $(fmt "${R[resp.buckets.$pipeline.$name.rps]}") | $(fmt "${R[resp.redis.$pipeline.$name.rps]}") | $(fmt "${R[resp.garnet.$pipeline.$name.rps]}") | $ratio_value | ${R[resp.buckets.$pipeline.$name.p50]} | ≥ ${target}× Garnet | $(verdict "$ratio_value >= $target") |"
    done
  done
)

NOTES=$(cat <<EOF
¹ redis-benchmark -t get,set -d $VALUE_BYTES -c $CONNECTIONS -n $REDIS_BENCH_REQUESTS -r $KEYSPACE (RESP, no HTTP; reference only).
² Redis INFO memory used_memory growth for the same $MEM_ENTRIES keys and values loaded with redis-cli --pipe ($(fmt "${R[mem.redis.keys]}") keys). Buckets: $MEM_ENTRIES entries over $MEMORY_BUCKETS buckets, Buckets__Backup__Mode=None; managed heap = live bytes after a full blocking GC (forced by dotnet-gcdump, read with dotnet-counters: heap size minus fragmentation over all generations), growth over the idle server ($(calc "$HEAP_BEFORE / 1048576" 1) MiB → $(calc "$HEAP_AFTER / 1048576" 1) MiB; RSS $(calc "$RSS_BEFORE / 1048576" 0) → $(calc "$RSS_AFTER / 1048576" 0) MiB). ${R[mem.load]}.
³ BucketReplayer.ReplayFiles over the Englang file ($(du -m "$WORK/replay/changes.englang" 2>/dev/null | cut -f1) MB, ${R[replay.buckets.entries]} live entries at the end), cold, in one process; ${R[replay.buckets.alloc]} MiB allocated.
⁴ Redis's own "DB loaded from append only file" time for the same $REPLAY_CHANGES commands (SET, SET PXAT, DEL; AOF $(calc "${R[replay.aof.bytes]} / 1048576" 0) MiB; ${R[replay.redis.keys]} keys after load).
⁵ \`buckets replay FILE > /dev/null\` wall time: .NET start, replay, and writing the final state as an Englang snapshot.
⁶ redis-server start until PING answers PONG.
⁷ webdis and redis-server together. Server CPU = user+system time of the server process(es) during the measured run / requests (from /proc/PID/stat); wrk itself shares the same 2 cores.
wrk: -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up then ${DURATION}s measured per cell, $VALUE_BYTES-byte values, 16-byte keys from a space of $KEYSPACE (all pre-loaded), Buckets on one API key (one bucket) with backups on (InProcess, standard durability). Socket/status errors: $ERRORS.
Backup lag: ${R[lag.conns]} connections each pausing ${R[lag.delay]} ms between PUTs over ${R[lag.buckets]} buckets (1,000 keys each) for ${LAG_SECONDS}s; lag = GET /status lagP50Seconds/lagP99Seconds (time from a batch's first change to its fsync, last 4,096 batches), each rate on a fresh server.
Redis protocol: redis-benchmark -t set,get,incr,mset -c 50 -n $RESP_REQUESTS -r $KEYSPACE -d $VALUE_BYTES, -P 1 then -P 16; Buckets on one API key (one bucket, backups on, AUTH with the key), Redis without persistence, Garnet $GARNET_VERSION with its defaults; all three on this machine, one after another.
⁸ Low rate: ${R[laglow.conns]} connections each pausing ${R[laglow.delay]} ms over ${R[laglow.buckets]} buckets: the backup puller finds nothing on most pulls and sleeps Backup:Pull:Interval (1 s) between them.
EOF
)

SCALE_TABLE=$(cat <<EOF
| backup tier ($SCALE_BUCKETS buckets, full-speed PUT, one silo) | writes/s | p50 ms | p99 ms | worst server's backup lag p50 / p99 s |
| --- | ---: | ---: | ---: | --- |
| 1 backup server, standard (R = 1) | $(fmt "${R[scale.1.rps]}") | ${R[scale.1.p50]} | ${R[scale.1.p99]} | ${R[scale.1.lag.p50]} / ${R[scale.1.lag.p99]} |
| 2 backup servers, standard R = 2 | $(fmt "${R[scale.2.rps]}") | ${R[scale.2.p50]} | ${R[scale.2.p99]} | ${R[scale.2.lag.p50]} / ${R[scale.2.lag.p99]} |
| 4 backup servers, standard R = 2 | $(fmt "${R[scale.4.rps]}") | ${R[scale.4.p50]} | ${R[scale.4.p99]} | ${R[scale.4.lag.p50]} / ${R[scale.4.lag.p99]} |
| 3 backup servers, standard R = 1 | $(fmt "${R[repl.std1.rps]}") | ${R[repl.std1.p50]} | ${R[repl.std1.p99]} | ${R[repl.std1.lag.p50]} / ${R[repl.std1.lag.p99]} |
| 3 backup servers, standard R = 2 | $(fmt "${R[repl.std2.rps]}") | ${R[repl.std2.p50]} | ${R[repl.std2.p99]} | ${R[repl.std2.lag.p50]} / ${R[repl.std2.lag.p99]} |
| 3 backup servers, critical R = 1 (W = 1) | $(fmt "${R[repl.crit1.rps]}") | ${R[repl.crit1.p50]} | ${R[repl.crit1.p99]} | ${R[repl.crit1.lag.p50]} / ${R[repl.crit1.lag.p99]} |
| 3 backup servers, critical R = 3 (W = 2) | $(fmt "${R[repl.crit3.rps]}") | ${R[repl.crit3.p50]} | ${R[repl.crit3.p99]} | ${R[repl.crit3.lag.p50]} / ${R[repl.crit3.lag.p99]} |
| resync of a wiped server | | | | ${R[resync.buckets]} buckets, $(calc "${R[resync.bytes]} / 1048576" 1) MiB in ${R[resync.seconds]} s after its start delay: ${R[resync.mbps]} MiB/s |
| a 4th server copies in its buckets | | | | ${R[move.buckets]} buckets in ${R[move.seconds]} s after its start delay |
EOF
)

RESULT_FILE="$RESULTS_DIR/$STAMP.md"
{
  echo "# Load run $STAMP"
  echo
  echo "Command: \`tests/load/run-load.sh\` with DURATION=$DURATION WARMUP=$WARMUP CONNECTIONS=$CONNECTIONS THREADS=$THREADS KEYSPACE=$KEYSPACE VALUE_BYTES=$VALUE_BYTES READ_PCT=$READ_PCT MEMORY_ENTRIES=$MEMORY_ENTRIES MEMORY_BUCKETS=$MEMORY_BUCKETS REPLAY_CHANGES=$REPLAY_CHANGES REPLAY_KEYS=$REPLAY_KEYS LAG_RATE=$LAG_RATE LAG_SECONDS=$LAG_SECONDS LAG_BUCKETS=$LAG_BUCKETS LAG_LOW_RATE=$LAG_LOW_RATE SERVER_GC=$SERVER_GC APIKEYS=$APIKEYS FSYNC_SECONDS=$FSYNC_SECONDS IDLE_BUCKETS=$IDLE_BUCKETS IDLE_SECONDS=$IDLE_SECONDS SCALE_BUCKETS=$SCALE_BUCKETS SCALE_DURATION=$SCALE_DURATION RESYNC_BUCKETS=$RESYNC_BUCKETS RESYNC_ENTRIES=$RESYNC_ENTRIES ONLY=$ONLY"
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GiB, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version), $(redis-server --version | awk '{print $3}'), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), git $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet -- src backup-server 2>/dev/null || echo ' (src has uncommitted changes)')"
  echo
  echo "Load before each phase (the run waits, at most WAIT_QUIET=${WAIT_QUIET}s in all, for no other build/test and CPU ≤ 25% busy):"
  echo
  echo "$PHASES"
  echo "Interference seen after measurements: ${INTERFERED:-none}."
  echo
  echo "Before: $(echo "$LOAD_BEFORE" | tr '\n' ' ')"
  echo "During HTTP runs (at start): $(echo "$LOAD_HTTP" | tr '\n' ' ')"
  echo "After: $(echo "$LOAD_AFTER" | tr '\n' ' ')"
  echo
  echo "$TABLE"
  echo
  echo "$MANY_TABLE"
  echo
  echo "$RESP_TABLE"
  echo
  echo "$SCALE_TABLE"
  echo
  echo "$NOTES" | sed 's/$/  /'
  echo
  echo '<details><summary>top before the run</summary>'
  echo
  echo '```'
  echo "$TOP_BEFORE"
  echo '```'
  echo '</details>'
} >"$RESULT_FILE"

echo
echo "$TABLE"
echo
echo "$MANY_TABLE"
echo
echo "$RESP_TABLE"
echo
echo "$SCALE_TABLE"
echo
echo "$NOTES"
echo
echo "$PHASES"
echo "interference: ${INTERFERED:-none}"
echo "results: ${RESULT_FILE#"$REPO"/}"
log "done in $(( $(date +%s) - START_EPOCH ))s"
