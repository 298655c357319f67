#!/usr/bin/env bash
# HTTP load test on loopback: casekeeper serve with demo data, driven by wrk.
# Runs, side by side in one go:
#   1. GET /healthz                         (constant answer on the I/O thread)
#   2. GET /api/v1/patients/{id}            (bearer token, care-team check, audited read)
#   3. GET /healthz with 1000 keep-alive connections
# Usage: bench/http_load.sh [seconds per run, default 10]
# With CK_BENCH_POSTGRES_URL set, the server stores in a fresh schema there
# instead of a SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
bin=build/casekeeper
[[ -x $bin ]] || { echo "build first: make build" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n 65536 2>/dev/null || ulimit -n 4096
db="$work/bench.db"
if [[ -n ${CK_BENCH_POSTGRES_URL:-} ]]; then
  schema=ck_http_load_$$
  psql -q "$CK_BENCH_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
  sep="?"
  [[ $CK_BENCH_POSTGRES_URL == *\?* ]] && sep="&"
  db="$CK_BENCH_POSTGRES_URL${sep}options=-csearch_path%3D$schema"
fi
CASEKEEPER_LOG_ACCESS_LOG=${CASEKEEPER_LOG_ACCESS_LOG:-true} \
  $bin serve --db "$db" --demo --http 127.0.0.1:0 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 200); do
  grep -q 'listening on' "$work/out" 2>/dev/null && break
  sleep 0.05
done
port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/out" | grep -o '[0-9]*$')
token=$(curl -s "http://127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"cm.rivera","password":"casekeeper-demo"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
patient=$(curl -s "http://127.0.0.1:$port/api/v1/patients?limit=1" -H "Authorization: Bearer $token" |
  sed 's/.*"id":\([0-9]*\).*/\1/')

run() {
  local name=$1 conns=$2 url=$3
  shift 3
  local out
  # wrk's default 2 s timeout miscounts under 1000 connections; 10 s keeps the real tail.
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 10s --latency "$@" "$url")
  local rps p50 p99 max
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  max=$(awk '$1=="Latency" && $2 ~ /[0-9]/ {print $4; exit}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local errors
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)
  printf '%-34s conns=%-5s rps=%-10s p50=%-9s p99=%-9s max=%-9s %s\n' "$name" "$conns" "$rps" "$p50" "$p99" "$max" "$errors"
}

store=SQLite
[[ -n ${CK_BENCH_POSTGRES_URL:-} ]] && store=PostgreSQL
echo "casekeeper $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) cores, ${secs}s per run, store: $store"
run "GET /healthz" 64 "http://127.0.0.1:$port/healthz"
run "GET /api/v1/patients/{id} (auth)" 64 "http://127.0.0.1:$port/api/v1/patients/$patient" \
  -H "Authorization: Bearer $token"
run "GET /healthz" 1000 "http://127.0.0.1:$port/healthz"
run "GET /api/v1/patients/{id} (auth)" 1000 "http://127.0.0.1:$port/api/v1/patients/$patient" \
  -H "Authorization: Bearer $token"
