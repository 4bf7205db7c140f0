#!/usr/bin/env bash
# Starts a Redis that speaks TLS only, on 127.0.0.1:${REDIS_TLS_PORT:-16380}, with a certificate from a
# CA of its own, as managed Redis/Valkey (DigitalOcean) do: the session store's rediss:// test
# (functions/session-api/tests/tls.rs) connects to it with that CA (SESSION_STORE_CA_PEM) and without.
#
# The CA and the server's certificate (subjectAltName IP:127.0.0.1, DNS:localhost) are made with
# openssl once into ${REDIS_TLS_DIR:-target/redis-tls} (ignored by git) and reused; the CA is
# $REDIS_TLS_DIR/ca.crt, which the test reads from REDIS_TLS_CA (that path by default). Nothing is
# started when a TLS Redis already answers there. Plain Redis on 6379 is services.sh's business.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${REDIS_TLS_PORT:-16380}
DIR=${REDIS_TLS_DIR:-target/redis-tls}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# redis-server and openssl come from Debian; install them when missing and allowed to.
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "redis-tls: installing ${need[*]}"
    apt-get update -qq && apt-get install -y -qq "${need[@]}"
  else
    echo "redis-tls: please install: ${need[*]} (e.g. sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

# Answers a PING over TLS, trusting only our CA (so a Redis with another certificate does not count).
tls_up() {
  [ -f "$DIR/ca.crt" ] || return 1
  python3 - "$DIR/ca.crt" "$PORT" <<'PY' 2>/dev/null
import socket, ssl, sys
context = ssl.create_default_context(cafile=sys.argv[1])
with socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=2) as raw:
    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        tls.sendall(b"PING\r\n")
        assert tls.recv(16).startswith(b"+PONG")
PY
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

if tls_up; then
  echo "redis-tls: a TLS Redis already answers on 127.0.0.1:$PORT (CA: $DIR/ca.crt)"
  exit 0
fi

# The CA and the server's certificate, made once: a restarted Redis keeps the CA tests may hold.
if [ ! -s "$DIR/ca.crt" ] || [ ! -s "$DIR/server.crt" ] || [ ! -s "$DIR/server.key" ]; then
  echo "redis-tls: making a CA and a server certificate in $DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj "/CN=evolution-of-todo test Redis CA" \
    -keyout "$DIR/ca.key" -out "$DIR/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
    -keyout "$DIR/server.key" -out "$DIR/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    > "$DIR/server.ext"
  openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$DIR/server.ext" -out "$DIR/server.crt" 2>/dev/null
  chmod 600 "$DIR/ca.key" "$DIR/server.key"
fi

# A TLS Redis whose CA is gone (`cargo clean` removed target/) cannot be trusted by the tests any
# more: shut it down (it keeps no data) and start one with the new CA. Anything else on the port
# is not ours to stop.
if listening; then
  if python3 - "$PORT" <<'PY' 2>/dev/null
import socket, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as raw:
    with context.wrap_socket(raw) as tls:
        tls.sendall(b"PING\r\n")
        assert tls.recv(16).startswith(b"+PONG")
        tls.sendall(b"SHUTDOWN NOSAVE\r\n")
        try:
            tls.recv(16)
        except OSError:
            pass  # it went away, as asked
PY
  then
    echo "redis-tls: replaced the TLS Redis on 127.0.0.1:$PORT, whose CA is no longer in $DIR"
    for _ in $(seq 1 50); do listening || break; sleep 0.1; done
  else
    echo "redis-tls: something that is not a TLS Redis listens on 127.0.0.1:$PORT; stop it or set REDIS_TLS_PORT" >&2
    exit 1
  fi
fi

echo "redis-tls: starting a TLS-only Redis on 127.0.0.1:$PORT"
redis-server --bind 127.0.0.1 --port 0 --tls-port "$PORT" \
  --tls-cert-file "$DIR/server.crt" --tls-key-file "$DIR/server.key" \
  --tls-ca-cert-file "$DIR/ca.crt" --tls-auth-clients no \
  --save "" --appendonly no --dir "$DIR" \
  --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --daemonize yes
for _ in $(seq 1 50); do
  if tls_up; then
    echo "redis-tls: ready on 127.0.0.1:$PORT (rediss://127.0.0.1:$PORT, CA: $DIR/ca.crt)"
    exit 0
  fi
  sleep 0.2
done
echo "redis-tls: the TLS Redis does not answer on 127.0.0.1:$PORT; see $DIR/redis.log" >&2
tail -20 "$DIR/redis.log" >&2 || true
exit 1
