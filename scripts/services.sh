#!/usr/bin/env bash
# Makes sure the services the tests talk to are up: PostgreSQL on 127.0.0.1:5432 (trust auth) and a
# Kafka-protocol broker (Tansu) on 127.0.0.1:19092. Starts them when they are down; fails loudly when it cannot.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "services: PostgreSQL client tools are missing (apt-get install postgresql)" >&2
  exit 1
fi
if ! pg_up; then
  echo "services: PostgreSQL is down; starting it"
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! pg_up; then
  echo "services: PostgreSQL does not answer on 127.0.0.1:5432; the tests need it" >&2
  exit 1
fi
echo "services: PostgreSQL ready on 127.0.0.1:5432"

# The Kafka-protocol broker for the event-bus tests.
bash "$(dirname "$0")/tansu.sh"
