#!/usr/bin/env bash
# The ratio table of make bench (issue 23): each figure of the run beside the limit measured in the
# same run, the ratio, and the goal. Absolute figures move 2-3x between our machines; the ratios are
# what the goals are set on. Reads what scripts/bench.sh left in its output folder (default
# bench-results/): figures.txt (the wrk summaries), limits-*.txt (the `limits <name> key=value`
# lines of target/release/limits) and relay-*.txt (relay_bench's rows), so it can be run again
# on a saved run:
#
#   bash scripts/bench_ratios.sh [bench-results]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench-results}

figure() { awk -v k="$1" '$1 == k { print $2; exit }' "$OUT/figures.txt" 2>/dev/null; }

# limit FILE NAME KEY: the value of KEY in the `limits NAME ...` line of FILE.
limit() {
  awk -v name="$2" -v key="$3" '$1 == "limits" && $2 == name {
      for (i = 3; i <= NF; i++) if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit } }' \
    "$OUT/$1" 2>/dev/null
}

# relay_bench's figures: events/s of its throughput row, p99 of its measured end-to-end row.
relay_rate() { awk -F'|' '/relay throughput/ { split($3, a, " "); print a[1]; exit }' "$OUT/relay-$1.txt" 2>/dev/null; }
relay_p99() { awk -F'|' '/end-to-end .* next/ { split($4, a, " "); print a[2]; exit }' "$OUT/relay-$1.txt" 2>/dev/null; }

# row FIGURE VALUE LIMIT LIMIT_VALUE GOAL, where GOAL is "min PCT" (value / limit at least PCT %),
# "max TIMES" (value / limit at most TIMES), "below MS" (the value itself below MS; the limit, a
# latency, only shown beside it) or "-".
row() {
  awk -v figure="$1" -v v="$2" -v limit="$3" -v l="$4" -v goal="$5" 'BEGIN {
    split(goal, g, " "); ratio = "-"; met = "-"; text = "-"
    has_v = (v != "" && v != "-"); has_l = (l != "" && l != "-" && l + 0 > 0)
    if (g[1] == "max") {
      text = "<= " g[2] "x"
      if (has_v && has_l) { r = v / l; ratio = sprintf("%.2fx", r); met = (r <= g[2]) ? "yes" : "no" }
    } else if (g[1] == "below") {
      text = "< " g[2] " ms"
      if (has_v) met = (v + 0 < g[2]) ? "yes" : "no"
      if (has_v && has_l) ratio = sprintf("%.2fx", v / l)
    } else {
      if (has_v && has_l) { r = 100 * v / l; ratio = sprintf("%.0f%%", r) }
      if (g[1] == "min") { text = ">= " g[2] "%"; if (has_v && has_l) met = (r >= g[2]) ? "yes" : "no" }
    }
    printf "| %-46s | %9s | %-48s | %9s | %6s | %-8s | %-3s |\n",
      figure, (has_v ? v : "-"), limit, (l == "" ? "-" : l), ratio, text, met }'
}

db_limit() { # ENGINE: "limit's name" for the row
  local file=limits-db-$1.txt
  printf 'database, bare client (%s, %s conn., %s/tx)' \
    "$(limit "$file" db method)" "$(limit "$file" db connections)" "$(limit "$file" db batch)"
}

echo "Figures against their limits, measured in the same run (issue 23); $(nproc) cores"
echo "| figure                                         |     value | limit                                            | its value |  ratio | goal     | met |"
echo "|------------------------------------------------|-----------|--------------------------------------------------|-----------|--------|----------|-----|"
for engine in postgres sqlite; do
  name=$([ "$engine" = postgres ] && echo PostgreSQL || echo SQLite)
  row "creates/s $name, 64 users" "$(figure "$engine.create64.rps")" "$(db_limit "$engine")" \
    "$(limit "limits-db-$engine.txt" db creates_per_s)" "min 30"
  row "create p99 ms $name, 64 users" "$(figure "$engine.create64.p99")" "framework POST p99 ms (no work, same load)" \
    "$(figure framework.post.p99)" "below 25"
done
for engine in postgres sqlite; do
  name=$([ "$engine" = postgres ] && echo PostgreSQL || echo SQLite)
  row "cached reads r/s $name" "$(figure "$engine.read.rps")" "framework GET ceiling (no work, same bytes)" \
    "$(figure framework.get.rps)" "min 80"
done
for engine in postgres sqlite; do
  name=$([ "$engine" = postgres ] && echo PostgreSQL || echo SQLite)
  row "creates/s $name, 64 users" "$(figure "$engine.create64.rps")" "framework POST ceiling (no work, same bytes)" \
    "$(figure framework.post.rps)" "-"
done
for wait in 50 15 5; do
  [ -f "$OUT/relay-$wait.txt" ] || continue
  row "relay events/s (fetch wait $wait ms)" "$(relay_rate "$wait")" "bare producer, relay's settings (msgs/s)" \
    "$(limit "limits-produce-$wait.txt" produce msgs_per_s)" "min 70"
  row "relay end-to-end p99 ms (fetch wait $wait ms)" "$(relay_p99 "$wait")" "broker produce-to-fetch p99 ms, same wait" \
    "$(limit "limits-latency-$wait.txt" latency p99_ms)" "max 2"
done
# Where the framework alone cannot reach the database's rate, the creates goal is out of reach too.
for engine in postgres sqlite; do
  db=$(limit "limits-db-$engine.txt" db creates_per_s)
  post=$(figure framework.post.rps)
  if [ -n "$db" ] && [ -n "$post" ] && [ "$post" -lt "$db" ]; then
    echo "note: the framework's POST ceiling ($post/s) is below the $engine database limit ($db/s): $(( 100 * post / db ))% of it"
  fi
done
post_p99=$(figure framework.post.p99)
if [ -n "$post_p99" ] && awk -v p="$post_p99" 'BEGIN { exit !(p >= 25) }'; then
  echo "note: the framework alone answers POST with p99 $post_p99 ms under this load, above the 25 ms goal of creates"
fi
echo "ratio: value / limit (latency rows: multiples of the limit's latency). Raw outputs: $OUT/"
