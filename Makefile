# Evolution of Todo: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: run build test lint fmt unit bench deps services clean

## run: build and start the whole platform on the embedded default (SQLite in ./data)
run:
	bash scripts/build-deps.sh
	$(CARGO) build --release -p todo-cli
	"$${CARGO_TARGET_DIR:-target}/release/todo" serve

## build: debug build of everything
build:
	$(CARGO) build --workspace --all-targets

## test: everything CI runs — fmt check, clippy, unit, conformance (SQLite + PostgreSQL), API and CLI tests
test: deps services lint
	$(CARGO) test --workspace --no-fail-fast

## lint: formatting and clippy, warnings are errors
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## fmt: format the code
fmt:
	$(CARGO) fmt --all

## deps: system packages the build needs (cmake, curl headers, PostgreSQL client, python3-venv)
deps:
	bash scripts/build-deps.sh

## services: check (and start when possible) the services the tests use
services:
	bash scripts/services.sh

## bench: load-test task-api on SQLite and PostgreSQL (not part of `make test`)
bench:
	bash scripts/bench.sh

clean:
	$(CARGO) clean
