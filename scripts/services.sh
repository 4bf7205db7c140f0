#!/usr/bin/env bash
# Makes sure the services the tests talk to are up: PostgreSQL on 127.0.0.1:5432 (trust auth), Redis on
# 127.0.0.1:6379, a TLS-only Redis on 127.0.0.1:16380 (its CA in target/redis-tls/ca.crt), a
# Kafka-protocol broker (Tansu) on 127.0.0.1:19092 and an S3 API server (s3s-fs) on 127.0.0.1:19000. Starts them when they are down; fails loudly when
# it cannot.
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

# Redis, for the session store (speaks RESP over plain TCP: a PING needs no client tools).
redis_up() {
  python3 - <<'PY' 2>/dev/null
import socket
s = socket.create_connection(("127.0.0.1", 6379), timeout=1)
s.sendall(b"PING\r\n")
assert s.recv(16).startswith(b"+PONG")
PY
}
if ! redis_up; then
  echo "services: Redis is down; starting it"
  if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq redis-server
  fi
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
fi
if ! redis_up; then
  echo "services: Redis does not answer on 127.0.0.1:6379; the tests need it" >&2
  exit 1
fi
echo "services: Redis ready on 127.0.0.1:6379"

# Redis over TLS only, with a CA of its own like managed Redis/Valkey, for the rediss:// tests.
bash "$(dirname "$0")/redis-tls.sh"

# The Kafka-protocol broker for the event-bus tests.
bash "$(dirname "$0")/tansu.sh"

# The S3 API server for the object store's tests.
bash "$(dirname "$0")/s3.sh"
