#!/usr/bin/env bash
# Load test of task-api (release build) on SQLite and on PostgreSQL, 64 connections:
#   reads:   GET /api/tasks?limit=50 over 10,000 seeded tasks of one user (served from the list
#            cache after the first read, measured after a 2 s warm-up; the "no cache" row turns
#            the cache off)
#   creates: POST /api/tasks (row + history + outbox in one transaction), by one user and spread
#            over 64 users (one user's writes queue on that user's list version)
# plus idle RSS of the task-api process and the time from exec to the first successful /readyz.
# In the same run, the limits each figure is set against (issue 23; target/release/limits, from
# tests/src/limits): the creates/s each database accepts for the same rows from a bare client, the
# framework's ceiling (a server on task-api's stack doing no work, under the same wrk load), a bare
# producer's msgs/s with the relay's settings and the broker's own produce-to-fetch latency.
# Then one replica's capacity (scripts/bench_capacity.sh) and the AIOps figures (scripts/bench_aiops.sh),
# and last the ratio table (scripts/bench_ratios.sh). Prints tables; raw outputs go to bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
PORT=${BENCH_PORT:-18181}
PG_ADMIN=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
OUT=bench-results
# Budgets no run can spend: every request still pays for its checks, which is what is measured.
UNLIMITED=1000000000/s,1000000000
LIMITS=./target/release/limits
mkdir -p "$OUT"
# What the ratio table reads: `<figure> <value>` lines, beside the raw outputs they come from.
FIGURES=$OUT/figures.txt
: > "$FIGURES"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
bash scripts/release-build.sh -q
TOKEN=$(AUTH_JWT_SECRET=$SECRET ./target/release/todo token --user bench 2>/dev/null | tail -1)
TOKENS_MANY=$(for i in $(seq 1 64); do AUTH_JWT_SECRET=$SECRET ./target/release/todo token --user "bench$i" 2>/dev/null | tail -1; done | paste -sd, -)

now_ms() { date +%s%3N; }

start_api() { # $1 = DATABASE_URL; sets API_PID and READY_MS
  local start; start=$(now_ms)
  DATABASE_URL=$1 TASK_LIST_CACHE_MB=${CACHE_MB:-16} AUTH_JWT_SECRET=$SECRET PORT=$PORT HOST=127.0.0.1 RUST_LOG=warn LOG_FORMAT=json \
    RATE_LIMIT_IP=$UNLIMITED RATE_LIMIT_USER=$UNLIMITED \
    ./target/release/task-api > "$OUT/task-api.log" 2>&1 &
  API_PID=$!
  until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
    kill -0 "$API_PID" 2>/dev/null || { cat "$OUT/task-api.log"; exit 1; }
    sleep 0.002
  done
  READY_MS=$(( $(now_ms) - start ))
}

stop_api() { kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; }

rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$API_PID/status"; }

# wrk summary -> "req/s p99_ms"
summarise() {
  awk '/Requests\/sec/ { rps = $2 }
       / 99%/ { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v = v * 1000 }; p99 = v }
       /Non-2xx/ { errors = $NF }
       END { printf "%d %.2f %s", rps, p99, (errors == "" ? 0 : errors) }' "$1"
}

SEED_SQL_PG="INSERT INTO tasks (owner_id, title, title_key, description, priority, tags, due_at, status, created_at, updated_at, version)
  SELECT 'bench', 'seeded task ' || g, 'seeded task ' || g, 'description ' || g, g % 4, ARRAY['seed', 't' || (g % 10)],
         now() + (g || ' minutes')::interval, 'pending', now() - (g || ' seconds')::interval, now(), 1
  FROM generate_series(1, 10000) AS g;"
SEED_SQL_SQLITE="WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 10000)
  INSERT INTO tasks (owner_id, title, title_key, description, priority, tags, due_at, status, created_at, updated_at, version)
  SELECT 'bench', 'seeded task ' || n, 'seeded task ' || n, 'description ' || n, n % 4, json_array('seed', 't' || (n % 10)),
         (strftime('%s', 'now') + n * 60) * 1000000, 'pending', (strftime('%s', 'now') - n) * 1000000, strftime('%s', 'now') * 1000000, 1
  FROM g;"

ROWS=()
run_backend() { # $1 = name, $2 = DATABASE_URL, $3 = seed command
  local name=$1 url=$2
  # First start applies the migrations; seed, then measure a cold start on the migrated database,
  # which is what a function scaled from zero does.
  start_api "$url"
  eval "$3"
  stop_api
  start_api "$url"
  local ready=$READY_MS
  sleep 1
  local rss; rss=$(rss_mb)
  # Two seconds of reads first, not counted: the measured run is the steady state, not the
  # moment all 64 connections miss the cold list cache together.
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/tasks?limit=50" > /dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/api/tasks?limit=50" > "$OUT/$name-read.txt"
  TOKENS=$TOKEN wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench/create.lua \
    "http://127.0.0.1:$PORT" > "$OUT/$name-create-1.txt"
  TOKENS=$TOKENS_MANY wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench/create.lua \
    "http://127.0.0.1:$PORT" > "$OUT/$name-create-64.txt"
  # The bytes task-api answers, which the framework's ceiling answers too.
  curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/tasks?limit=50" > "$OUT/$name-list-page.json"
  curl -fs -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"title":"bench task 0","priority":"high","tags":["bench","t0"],"due_at":"2030-01-01T10:00:00Z"}' \
    "http://127.0.0.1:$PORT/api/tasks" > "$OUT/$name-create-response.json"
  stop_api
  read -r r_rps r_p99 r_err <<< "$(summarise "$OUT/$name-read.txt")"
  read -r c_rps c_p99 c_err <<< "$(summarise "$OUT/$name-create-1.txt")"
  read -r m_rps m_p99 m_err <<< "$(summarise "$OUT/$name-create-64.txt")"
  local key=${name//[^a-z0-9]/_}
  printf '%s %s\n' "$key.read.rps" "$r_rps" "$key.create64.rps" "$m_rps" "$key.create64.p99" "$m_p99" >> "$FIGURES"
  ROWS+=("$(printf '| %-18s | %8s | %8s | %8s | %8s | %8s | %8s | %7s | %11s | %8s |' "$name" "$r_rps" "$r_p99" "$c_rps" "$c_p99" "$m_rps" "$m_p99" "$((r_err + c_err + m_err))" "$rss" "$ready")")
}

# SQLite
SQLITE_FILE=$(mktemp -d)/bench.db
run_backend sqlite "sqlite://$SQLITE_FILE" "sqlite3 '$SQLITE_FILE' \"\$SEED_SQL_SQLITE\""
rm -f "$SQLITE_FILE"*
# The rate SQLite accepts the same rows at (a new file, the store's migrations and pragmas).
DATABASE_URL="sqlite://$SQLITE_FILE" "$LIMITS" db > "$OUT/limits-db-sqlite.txt" 2>&1 || echo "limits db (SQLite) failed: see $OUT/limits-db-sqlite.txt" >&2
rm -f "$SQLITE_FILE"*

# PostgreSQL
DB=bench_$$
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
# TLS to a database on the same machine buys nothing and its handshake costs ~95 ms of cold start here.
PG_URL="${PG_ADMIN%/*}/$DB?sslmode=disable"
run_backend postgres "$PG_URL" "psql -q '$PG_URL' -c \"\$SEED_SQL_PG\" -c 'ANALYZE tasks'"
# The rate PostgreSQL accepts the same rows at, on a fresh database with the store's migrations.
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
DATABASE_URL="$PG_URL" "$LIMITS" db > "$OUT/limits-db-postgres.txt" 2>&1 || echo "limits db (PostgreSQL) failed: see $OUT/limits-db-postgres.txt" >&2
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
CACHE_MB=0 run_backend "postgres, no cache" "$PG_URL" "psql -q '$PG_URL' -c \"\$SEED_SQL_PG\" -c 'ANALYZE tasks'"
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"

# What this script started in the background and has not stopped yet, stopped however it ends.
HTTP_PID=""
BROKER_PID=""
trap 'for pid in "$HTTP_PID" "$BROKER_PID"; do [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; done' EXIT

# The framework's ceiling: a server on task-api's stack that answers task-api's bytes without doing
# anything (tests/src/limits/http.rs), under the same wrk load as the reads and the creates by 64 users.
LIMITS_GET_BODY="$OUT/postgres-list-page.json" LIMITS_POST_BODY="$OUT/postgres-create-response.json" PORT=$PORT \
  "$LIMITS" http > "$OUT/limits-http.txt" 2>&1 &
HTTP_PID=$!
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$HTTP_PID" 2>/dev/null || { cat "$OUT/limits-http.txt"; exit 1; }
  sleep 0.002
done
wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/tasks?limit=50" > /dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/tasks?limit=50" > "$OUT/framework-get.txt"
TOKENS=$TOKENS_MANY wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/bench/create.lua \
  "http://127.0.0.1:$PORT" > "$OUT/framework-post.txt"
kill "$HTTP_PID" 2>/dev/null || true
wait "$HTTP_PID" 2>/dev/null || true
HTTP_PID=""
read -r g_rps g_p99 _ <<< "$(summarise "$OUT/framework-get.txt")"
read -r p_rps p_p99 _ <<< "$(summarise "$OUT/framework-post.txt")"
printf '%s %s\n' framework.get.rps "$g_rps" framework.get.p99 "$g_p99" framework.post.rps "$p_rps" framework.post.p99 "$p_p99" >> "$FIGURES"

# The Kafka path: relay throughput and end-to-end latency (functions/outbox-relay/examples/relay_bench.rs).
# Each run gets a private Tansu on a free port, started empty: its in-memory storage costs more
# per request as it holds more (every topic and producer the test suite left on the shared broker
# is rewritten on each produce), so a shared broker would measure its own history. KAFKA_BROKERS
# points the runs at a broker of your own instead (a real Kafka cluster, say).
KAFKA_ROWS=""
# Consumers' fetch wait: 50 ms is the default; Tansu holds a fetch to its end, so 15 and 5 ms show
# what the wait costs in end-to-end latency (a Kafka broker answers as soon as records arrive).
# relay_bench was built with everything else at the top (scripts/release-build.sh).
start_broker() { # sets BROKERS (and BROKER_PID when it started one)
  BROKERS=${KAFKA_BROKERS:-}
  [ -z "$BROKERS" ] || return 0
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  KAFKA_PORT=$port TANSU_LOG="$OUT/tansu.log" TANSU_PIDFILE="$OUT/tansu.pid" bash scripts/tansu.sh > /dev/null
  BROKER_PID=$(cat "$OUT/tansu.pid")
  BROKERS=127.0.0.1:$port
}
stop_broker() { [ -z "$BROKER_PID" ] || kill "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""; }
# The relay runs with its default settings (RelaySettings: batches of 300, 4 in flight).
for wait in 50 15 5; do
  start_broker
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" -c "CHECKPOINT"
  label="fetch_wait_ms=$wait"
  [ "$wait" != 50 ] || label+=" (the default)"
  DATABASE_URL="$PG_URL" KAFKA_BROKERS=$BROKERS \
    EVENT_BUS="kafka://$BROKERS?fetch_wait_ms=$wait" RUST_LOG=warn \
    ./target/release/examples/relay_bench > "$OUT/relay-$wait.txt"
  KAFKA_ROWS+="$label"$'\n'"$(cat "$OUT/relay-$wait.txt")"$'\n'
  stop_broker
  # The limits, each on a fresh broker of its own as the relay's was: a bare producer with the
  # relay's settings and records, then produce-to-fetch latency with the same consumer fetch wait
  # after as many records as the relay's run left (tests/src/limits/produce.rs, latency.rs).
  start_broker
  KAFKA_BROKERS=$BROKERS RUST_LOG=warn "$LIMITS" produce > "$OUT/limits-produce-$wait.txt" 2>&1 \
    || echo "limits produce failed: see $OUT/limits-produce-$wait.txt" >&2
  stop_broker
  start_broker
  KAFKA_BROKERS=$BROKERS EVENT_BUS="kafka://$BROKERS?fetch_wait_ms=$wait" RUST_LOG=warn \
    "$LIMITS" latency > "$OUT/limits-latency-$wait.txt" 2>&1 \
    || echo "limits latency failed: see $OUT/limits-latency-$wait.txt" >&2
  stop_broker
done
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"

echo
echo "task-api, $CONNECTIONS connections, $THREADS wrk threads, $DURATION per run, $(nproc) cores"
echo "| backend            | read r/s | read p99 | create/1 | p99      | create/64 | p99     | non-2xx | idle RSS MB | ready ms |"
echo "|--------------------|----------|----------|----------|----------|----------|----------|---------|-------------|----------|"
printf '%s\n' "${ROWS[@]}"
echo "p99 in ms; create/1: one user, create/64: 64 users"
echo
echo "Kafka path (PostgreSQL outbox, one relay, ${KAFKA_BROKERS:-a fresh Tansu broker per run})"
echo "$KAFKA_ROWS"
# Absolute figures move 2-3x between machines: the goals are ratios to limits measured in this run
# (the table at the end); only the process figures keep absolute targets.
echo "targets: idle RSS < 15 MB; ready < 50 ms; throughput and latency goals are in the ratio table at the end"

echo
bash scripts/bench_instructions.sh target/release/task-api
echo
bash scripts/bench_capacity.sh
echo
bash scripts/bench_aiops.sh
echo
bash scripts/bench_ratios.sh "$OUT" | tee "$OUT/ratios.md"
