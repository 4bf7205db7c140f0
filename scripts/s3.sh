#!/usr/bin/env bash
# Starts a real S3 API server for the object store's tests (shared/objects/tests/conformance):
# s3s-fs, which serves a folder over the S3 protocol and checks every request's SigV4 signature, on
# 127.0.0.1:${S3_PORT:-19000} with the test credentials todo-test / todo-test-secret and the bucket
# todo-test. Its data is in ${S3_DIR:-target/s3} (ignored by git); a bucket is a folder there.
#
# Why s3s-fs rather than moto: it refuses a wrong secret (moto accepts any credentials unless IAM
# is set up), so "wrong credentials: a clear error" is tested against a server that really
# refuses them; and it keeps objects on disk across a restart. It comes from crates.io
# (`cargo install`, about 3 minutes once); 0.14 is the newest release that builds with Rust 1.95.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${S3_PORT:-19000}
DIR=${S3_DIR:-target/s3}
VERSION=0.14.1
ACCESS_KEY=todo-test
SECRET_KEY=todo-test-secret
BUCKET=todo-test

up() {
  python3 - "$PORT" <<'PY' 2>/dev/null
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=2)
c.request("GET", "/")
r = c.getresponse()
# An unsigned request: the server answers 403 (it checks signatures), or 200.
assert r.status in (200, 403)
PY
}

mkdir -p "$DIR/$BUCKET"
# An s3s-fs of another checkout may hold the port; it is only of use while that checkout exists
# (once it is removed, the server answers every request with InternalError even if the folder
# comes back): then it gets our bucket, else it is stopped and ours started.
pid=$(pgrep -f "s3s-fs .*--port $PORT( |$)" | head -1 || true)
served=$( [ -z "$pid" ] || tr '\0' '\n' < "/proc/$pid/cmdline" | tail -1)
if [ -n "$pid" ] && { [ ! -d "$served" ] || readlink "/proc/$pid/cwd" | grep -q '(deleted)$'; }; then
  echo "s3: stopping the s3s-fs on 127.0.0.1:$PORT, whose checkout ($served) is gone"
  pkill -f "s3s-fs .*--port $PORT( |$)" || true
  for _ in $(seq 1 20); do up || break; sleep 0.2; done
elif [ -n "$served" ]; then
  mkdir -p "$served/$BUCKET"
fi
if up; then
  echo "s3: an S3 server already answers on 127.0.0.1:$PORT"
  exit 0
fi

BIN=$(command -v s3s-fs || true)
if [ -z "$BIN" ] && [ -x "$HOME/.cargo/bin/s3s-fs" ]; then BIN=$HOME/.cargo/bin/s3s-fs; fi
if [ -z "$BIN" ] || ! "$BIN" --version 2>/dev/null | grep -q "$VERSION"; then
  echo "s3: installing s3s-fs $VERSION from crates.io (cargo install, once)"
  cargo install "s3s-fs@$VERSION" --locked --features binary --quiet
  BIN=$HOME/.cargo/bin/s3s-fs
fi

echo "s3: starting s3s-fs on 127.0.0.1:$PORT (data in $DIR)"
nohup "$BIN" --host 127.0.0.1 --port "$PORT" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
  "$(cd "$DIR" && pwd)" > "$DIR.log" 2>&1 &
for _ in $(seq 1 30); do up && break; sleep 0.5; done
if ! up; then
  echo "s3: s3s-fs does not answer on 127.0.0.1:$PORT; see $DIR.log" >&2
  exit 1
fi
echo "s3: ready on http://127.0.0.1:$PORT (bucket $BUCKET, key $ACCESS_KEY)"
