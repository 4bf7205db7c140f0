#!/usr/bin/env bash
# Instructions per cached list read of task-api (PostgreSQL, GET /api/tasks?limit=50 with one
# user's token, 50 tasks), counted by callgrind: a figure that does not move with the machine's
# load or clock as requests/s do (the same build measured 22,000 and 32,000 requests/s an hour
# apart on one of our machines), so a change to the request path shows as a difference of
# instructions. Everything from a connection's request head to its response is counted
# (valgrind's `--toggle-collect` on hyper's dispatch loop), divided by the requests served.
#   scripts/bench_instructions.sh [BINARY]   (default: a release build of task-api)
# Settings: DURATION (seconds of load, 10), DATABASE (admin URL of PostgreSQL,
# postgres://postgres@127.0.0.1:5432). Valgrind runs the program ~50x slower: a few thousand
# requests are enough. Raw output: bench-results/instructions-task-api.out.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
BIN=${1:-}
if [ -z "$BIN" ]; then
  bash scripts/release-build.sh -q
  BIN=target/release/task-api
fi
TODO=target/release/todo
[ -x "$TODO" ] || TODO=target/debug/todo
[ -x "$TODO" ] || cargo build -q -p todo-cli

SECRET=bench-secret-bench-secret-bench-secret-0123456789
PORT=${PORT:-18182}
ADMIN=${DATABASE:-postgres://postgres@127.0.0.1:5432}
DB_NAME=instructions_bench
OUT=bench-results
mkdir -p "$OUT"
RAW=$OUT/instructions-task-api.out
rm -f "$RAW"

psql -q "$ADMIN/postgres" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
UNLIMITED=1000000000/s,1000000000
DATABASE_URL="$ADMIN/$DB_NAME" AUTH_JWT_SECRET=$SECRET PORT=$PORT HOST=127.0.0.1 RUST_LOG=warn LOG_FORMAT=json \
  RATE_LIMIT_IP=$UNLIMITED RATE_LIMIT_USER=$UNLIMITED TOKIO_WORKER_THREADS=1 \
  valgrind --tool=callgrind --vgdb=no --toggle-collect='*Dispatcher*poll_loop*' --callgrind-out-file="$RAW" \
  "$BIN" > "$OUT/instructions-task-api.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 $PID 2>/dev/null || { cat "$OUT/instructions-task-api.log"; exit 1; }
  sleep 0.2
done
TOKEN=$(AUTH_JWT_SECRET=$SECRET "$TODO" token --user bench 2>/dev/null | tail -1)
SEEDED=50
for i in $(seq 1 $SEEDED); do
  curl -fs -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d "{\"title\":\"task $i\",\"tags\":[\"t$((i % 5))\"]}" "http://127.0.0.1:$PORT/api/tasks"
done
READS=$(wrk -t1 -c8 -d"${DURATION:-10}s" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/tasks?limit=50" \
  | awk '/requests in/ {print $1}')
kill $PID; wait $PID 2>/dev/null || true
trap - EXIT
TOTAL=$(callgrind_annotate "$RAW" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
# The creates are counted too; they are few against the reads.
REQUESTS=$((READS + SEEDED))
echo "task-api cached list read: $((TOTAL / REQUESTS)) instructions per request ($REQUESTS requests, $SEEDED of them creates; callgrind)"
