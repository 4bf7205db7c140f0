#!/usr/bin/env bash
# What one task-api replica serves: the figure behind AIOPS_CAPACITY (requests per second per
# replica), which turns aiops' request-rate forecast into replicas for KEDA.
#
# A replica in the cluster has one CPU (knative/base/task-api/service.yaml: limits.cpu "1"), so
# task-api runs pinned to one core (taskset) against PostgreSQL, under the request mix of
# scripts/bench/mix.lua (four list reads per create, 64 users), at growing concurrency. Its
# capacity is the highest throughput whose p99 stays within the latency objective (HighLatencyP99
# fires above 500 ms) with no errors. wrk runs on the other core; PostgreSQL shares the machine,
# so the figure is a lower bound of a replica beside a database of its own.
#
#   bash scripts/bench_capacity.sh          # prints a table and the capacity line
#   CAPACITY_DURATION=20s bash scripts/bench_capacity.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${CAPACITY_DURATION:-8s}
PORT=${BENCH_PORT:-18183}
SLO_MS=${CAPACITY_P99_MS:-500}
PG_ADMIN=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
OUT=bench-results
# Budgets no run can spend: every request still pays for its checks, which is what is measured.
UNLIMITED=1000000000/s,1000000000
mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
command -v taskset >/dev/null || { apt-get update -qq && apt-get install -y -qq util-linux; }
cargo build --release -q -p task-api -p todo-cli
TOKENS=$(for i in $(seq 1 64); do AUTH_JWT_SECRET=$SECRET ./target/release/todo token --user "cap$i" 2>/dev/null | tail -1; done | paste -sd, -)

DB=capacity_$$
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
PG_URL="${PG_ADMIN%/*}/$DB?sslmode=disable"
API_PID=""
cleanup() {
  [ -z "$API_PID" ] || kill "$API_PID" 2>/dev/null || true
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
}
trap cleanup EXIT

# One core for task-api, the other for wrk (a single-core machine shares it).
last=$(( $(nproc) - 1 ))
DATABASE_URL=$PG_URL AUTH_JWT_SECRET=$SECRET PORT=$PORT HOST=127.0.0.1 RUST_LOG=warn LOG_FORMAT=json \
    RATE_LIMIT_IP=$UNLIMITED RATE_LIMIT_USER=$UNLIMITED \
  taskset -c "$last" ./target/release/task-api > "$OUT/capacity-task-api.log" 2>&1 &
API_PID=$!
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$API_PID" 2>/dev/null || { cat "$OUT/capacity-task-api.log"; exit 1; }
  sleep 0.01
done
# Each user starts with a page of tasks to list.
TOKENS=$TOKENS taskset -c 0 wrk -t1 -c64 -d2s -s scripts/bench/create.lua "http://127.0.0.1:$PORT" > /dev/null

echo "task-api on one core, PostgreSQL, 4 reads : 1 create over 64 users, $DURATION per step; objective p99 <= ${SLO_MS} ms"
echo "| connections | requests/s | p50 ms | p99 ms | errors | within |"
echo "|-------------|------------|--------|--------|--------|--------|"
best=0
for connections in 2 8 32 128 256; do
  TOKENS=$TOKENS taskset -c 0 wrk -t1 -c"$connections" -d"$DURATION" --latency -s scripts/bench/mix.lua \
    "http://127.0.0.1:$PORT" > "$OUT/capacity-$connections.txt"
  read -r rps p50 p99 errors <<< "$(awk '
    function ms(v) { if (v ~ /us$/) { sub(/us/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms/, "", v); return v } sub(/s$/, "", v); return v * 1000 }
    /Requests\/sec/ { rps = $2 }
    / 50%/ { p50 = ms($2) }
    / 99%/ { p99 = ms($2) }
    /Non-2xx|Socket errors/ { errors += $NF }
    END { printf "%d %.1f %.1f %d", rps, p50, p99, errors }' "$OUT/capacity-$connections.txt")"
  within=no
  if awk -v p="$p99" -v slo="$SLO_MS" 'BEGIN { exit !(p <= slo) }' && [ "$errors" = 0 ]; then
    within=yes
    [ "$rps" -le "$best" ] || best=$rps
  fi
  printf '| %11s | %10s | %6s | %6s | %6s | %6s |\n' "$connections" "$rps" "$p50" "$p99" "$errors" "$within"
done
echo
echo "capacity of one task-api replica (1 CPU): $best requests/s within p99 <= ${SLO_MS} ms"
echo "AIOPS_CAPACITY plans at 70 % of it; knative/base/platform/configmap.yaml sets task-api=<this figure>"
