#!/usr/bin/env bash
# The one release build behind every command that runs release binaries (make run, make bench and
# its scripts, make dr-drill): every binary and example of the workspace in a single cargo
# invocation. Cargo unifies dependency features per invocation, so `-p todo-cli` here and
# `-p task-api -p todo-cli` there compiled most of the tree twice; one selection means one build
# that every command reuses. Extra arguments (-q) go to cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo build --release --workspace --bins --examples "$@"
