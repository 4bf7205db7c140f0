#!/usr/bin/env bash
# What one replica of task-api and of chat-api serves: the figures behind AIOPS_CAPACITY (requests
# per second per replica), which turns aiops' request-rate forecast into replicas for KEDA, and
# behind the reactive targets (Knative rps target, KEDA request-rate threshold).
#
# A replica in the cluster has one CPU (limits.cpu "1" in knative/base/*/service.yaml), so the
# function runs pinned to one core (taskset) at growing concurrency; its capacity is the highest
# throughput whose p99 stays within the latency objective (HighLatencyP99 fires above 500 ms) with
# no errors. wrk, PostgreSQL and the function's own upstreams share the other core, so each figure
# is a lower bound of a replica on a node of its own.
#   task-api: PostgreSQL, the request mix of scripts/bench/mix.lua (four list reads per create).
#   chat-api: the platform's configuration (LLM_BASE_URL empty: the rule-based understanding),
#             scripts/bench/chat.lua (four questions per task added, each turn a new session);
#             every turn also calls session-api and task-api.
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
bash scripts/release-build.sh -q
TOKENS=$(for i in $(seq 1 64); do AUTH_JWT_SECRET=$SECRET ./target/release/todo token --user "cap$i" 2>/dev/null | tail -1; done | paste -sd, -)

DB=capacity_$$
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
PG_URL="${PG_ADMIN%/*}/$DB?sslmode=disable"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
}
trap cleanup EXIT

# One core for the function measured, the other for everything else (a single-core machine shares it).
last=$(( $(nproc) - 1 ))
export AUTH_JWT_SECRET=$SECRET HOST=127.0.0.1 RUST_LOG=warn LOG_FORMAT=json \
  RATE_LIMIT_IP=$UNLIMITED RATE_LIMIT_USER=$UNLIMITED RATE_LIMIT_EXPENSIVE=$UNLIMITED

# start NAME PORT CORE [ENV=VALUE...]: runs target/release/NAME pinned to CORE until it is ready.
start() {
  local name=$1 port=$2 core=$3
  shift 3
  env PORT="$port" "$@" taskset -c "$core" "./target/release/$name" > "$OUT/capacity-$name.log" 2>&1 &
  PIDS+=($!)
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$OUT/capacity-$name.log"; exit 1; }
    sleep 0.01
  done
}

# ladder NAME PORT SCRIPT: the table of one function; sets BEST to its capacity.
ladder() {
  local name=$1 port=$2 script=$3
  echo "| connections | requests/s | p50 ms | p99 ms | errors | within |"
  echo "|-------------|------------|--------|--------|--------|--------|"
  BEST=0
  for connections in 2 8 32 128 256; do
    TOKENS=$TOKENS taskset -c 0 wrk -t1 -c"$connections" -d"$DURATION" --latency -s "$script" \
      "http://127.0.0.1:$port" > "$OUT/capacity-$name-$connections.txt"
    read -r rps p50 p99 errors <<< "$(awk '
      function ms(v) { if (v ~ /us$/) { sub(/us/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms/, "", v); return v } sub(/s$/, "", v); return v * 1000 }
      /Requests\/sec/ { rps = $2 }
      / 50%/ { p50 = ms($2) }
      / 99%/ { p99 = ms($2) }
      /Non-2xx|Socket errors/ { errors += $NF }
      END { printf "%d %.1f %.1f %d", rps, p50, p99, errors }' "$OUT/capacity-$name-$connections.txt")"
    local within=no
    if awk -v p="$p99" -v slo="$SLO_MS" 'BEGIN { exit !(p <= slo) }' && [ "$errors" = 0 ]; then
      within=yes
      [ "$rps" -le "$BEST" ] || BEST=$rps
    fi
    printf '| %11s | %10s | %6s | %6s | %6s | %6s |\n' "$connections" "$rps" "$p50" "$p99" "$errors" "$within"
  done
  echo
}

start task-api "$PORT" "$last" DATABASE_URL="$PG_URL"
# Each user starts with a page of tasks to list.
TOKENS=$TOKENS taskset -c 0 wrk -t1 -c64 -d2s -s scripts/bench/create.lua "http://127.0.0.1:$PORT" > /dev/null
echo "task-api on one core, PostgreSQL, 4 reads : 1 create over 64 users, $DURATION per step; objective p99 <= ${SLO_MS} ms"
ladder task-api "$PORT" scripts/bench/mix.lua
task_api=$BEST
kill "${PIDS[0]}"
wait "${PIDS[0]}" 2>/dev/null || true

# chat-api's upstreams run on the shared core, task-api on the same database.
start task-api "$PORT" 0 DATABASE_URL="$PG_URL"
start session-api $((PORT + 1)) 0 SESSION_STORE=memory://
start chat-api $((PORT + 2)) "$last" TASK_API_URL="http://127.0.0.1:$PORT" \
  SESSION_API_URL="http://127.0.0.1:$((PORT + 1))" LLM_BASE_URL=
echo "chat-api on one core (rule-based understanding), 4 questions : 1 add over 64 users, $DURATION per step"
ladder chat-api $((PORT + 2)) scripts/bench/chat.lua
chat_api=$BEST

echo "capacity of one replica (1 CPU) within p99 <= ${SLO_MS} ms: task-api $task_api requests/s, chat-api $chat_api requests/s"
echo "AIOPS_CAPACITY=task-api=$task_api,chat-api=$chat_api (knative/base/platform/configmap.yaml; aiops plans at 70 % of it)"
