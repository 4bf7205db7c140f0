#!/usr/bin/env bash
# AIOps figures (release build):
#   - the anomaly detector on the Numenta Anomaly Benchmark corpus (NAB_DATA_DIR, else
#     ../shared/data/nab): NAB's score table (standard, low FP, low FN per category) and the
#     detector's throughput on one core (target >= 100,000 points/s; ARTime scores 67.85
#     standard on the same files, Numenta HTM 66.59);
#   - the request-rate forecast backtest on the shipped NYC taxi trace: MAPE and the minutes
#     reactive and predictive scaling were under-provisioned.
# Raw outputs go to bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=bench-results
NAB=${NAB_DATA_DIR:-../shared/data/nab}
mkdir -p "$OUT"
bash scripts/release-build.sh -q

echo "NAB ($NAB), detector on one thread"
./target/release/todo aiops nab "$NAB" --threads 1 | tee "$OUT/aiops-nab.txt"
./target/release/todo aiops nab "$NAB" --threads 1 --json > "$OUT/aiops-nab.json"
echo
echo "Forecast backtest (shared/aiops/tests/data/nyc_taxi_requests.csv, passengers per 30 min as requests)"
./target/release/todo aiops backtest shared/aiops/tests/data/nyc_taxi_requests.csv --counts | tee "$OUT/aiops-backtest.txt"
./target/release/todo aiops backtest shared/aiops/tests/data/nyc_taxi_requests.csv --counts --weekly | tee -a "$OUT/aiops-backtest.txt"
echo "targets: NAB standard > 67.85 (ARTime on these files); >= 100000 points/s per core; forecast MAPE < 15 %"
