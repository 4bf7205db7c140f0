# Evolution of Todo: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
# make image / images / deploy
TAG ?= dev
ENV ?= dev
VARIANT ?= knative
FN ?=
DRY_RUN ?=

.PHONY: run build test lint fmt unit bench chaos chaos-regressions bench-aiops bench-instructions fuzz deny sbom deps services clean \
	manifest-tools manifests check-manifests dr-drill checkov image images deploy infra infra-apply infra-bootstrap

## run: build and start the whole platform on the embedded default (SQLite in ./data)
run:
	bash scripts/build-deps.sh
	bash scripts/release-build.sh
	"$${CARGO_TARGET_DIR:-target}/release/todo" serve

## build: debug build of everything
build:
	$(CARGO) build --workspace --all-targets

## test: everything CI runs — fmt check, clippy, unit, conformance (SQLite + PostgreSQL), API and CLI tests
test: deps services manifest-tools lint deny
	$(CARGO) test --workspace --no-fail-fast

## lint: formatting and clippy, warnings are errors
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## deny: the dependency graph's licenses, duplicate versions and sources (deny.toml); RustSec
## advisories too with DENY_ADVISORIES=1 (its database is on GitHub, out of reach here)
deny:
	command -v cargo-deny >/dev/null || $(CARGO) install --locked cargo-deny@0.20.2
	$(CARGO) deny check licenses bans sources
	if [ "$${DENY_ADVISORIES:-0}" = 1 ]; then $(CARGO) deny check advisories; fi

## sbom: a CycloneDX software bill of materials of every crate (JSON, in sbom/)
sbom:
	command -v cargo-cyclonedx >/dev/null || $(CARGO) install --locked cargo-cyclonedx
	$(CARGO) cyclonedx --all --format json --override-filename sbom
	mkdir -p sbom
	find . -name 'sbom.json' -not -path './target/*' -not -path './sbom/*' | while read -r f; do \
		d=$$(dirname "$$f" | sed 's|^\./||; s|/|-|g'); mv "$$f" "sbom/$${d:-workspace}.cdx.json"; done
	ls sbom

## fmt: format the code
fmt:
	$(CARGO) fmt --all

## deps: system packages the build needs (cmake, curl headers, PostgreSQL client, python3-venv)
deps:
	bash scripts/build-deps.sh

## services: check (and start when possible) the services the tests use
services:
	bash scripts/services.sh

## bench: load-test task-api on SQLite and PostgreSQL and the Kafka path, then the AIOps figures, and last a table of each
## figure against its limit measured in the same run (database, framework, producer, broker: scripts/bench_ratios.sh);
## raw outputs in bench-results/ (not part of `make test`)
bench:
	bash scripts/bench.sh

## fuzz: the fuzzers with many more cases than make test runs (not part of it): every route of every
## function with 1,000 random bodies and queries each, and 20,000 cases each of the CloudEvents
## bindings, the chat understanding and the typed due-date and repetition parsers (all in todo-nlu)
fuzz:
	PROPTEST_CASES=20000 $(CARGO) test -q -p todo-kit --test fuzz_cloudevents
	PROPTEST_CASES=20000 $(CARGO) test -q -p todo-nlu --test fuzz
	FUZZ_CASES=1000 $(CARGO) test -q -p todo-cli --test cli fuzzed

## chaos: the chaos soak (CHAOS_SECS, default 600; CHAOS_SEED replays a run's faults; CHAOS_FAULTS picks
## kinds): the functions as processes on PostgreSQL, Redis and Kafka under load and random faults, then
## every acknowledged write and event effect checked and each function's readiness drilled against its
## dependency; prints the table (a 2-minute soak is in make test)
chaos: services
	$(CARGO) build --workspace --bins
	"$${CARGO_TARGET_DIR:-target}/debug/chaos"

## chaos-regressions: replays whole the 10-minute soaks that once failed (too long for make test, which
## replays the short ones)
chaos-regressions: services
	$(CARGO) build --workspace --bins
	CHAOS_LONG_REGRESSIONS=1 $(CARGO) test -p todo-tests --test chaos -- --nocapture

## bench-instructions: instructions per cached list read of task-api (callgrind), a figure that does not move with the machine's load
bench-instructions:
	bash scripts/bench_instructions.sh

## bench-aiops: only the AIOps figures: the detector's NAB scores and speed, the forecast backtest
bench-aiops:
	bash scripts/bench_aiops.sh

## dr-drill: the disaster-recovery drill at 100,000 tasks (PostgreSQL, Kafka, S3): prints RPO and RTO
dr-drill: services
	bash scripts/release-build.sh
	DR_DRILL_TASKS=$${DR_DRILL_TASKS:-100000} \
		$(CARGO) test --release -p todo-tests --test dr_drill -- --nocapture

## manifest-tools: kubectl (kustomize), the manifest validators in .venv-tools and checkov in .venv-checkov
manifest-tools:
	bash scripts/manifest-tools.sh

## manifests: regenerate the generated manifest parts (the KafkaTopics, from the topic catalog in code)
manifests:
	mkdir -p knative/kafka/dev knative/kafka/prod
	$(CARGO) run -q -p todo-cli -- topics render --env local > knative/kafka/dev/topics.yaml.tmp
	mv knative/kafka/dev/topics.yaml.tmp knative/kafka/dev/topics.yaml
	$(CARGO) run -q -p todo-cli -- topics render --env production > knative/kafka/prod/topics.yaml.tmp
	mv knative/kafka/prod/topics.yaml.tmp knative/kafka/prod/topics.yaml
	$(CARGO) run -q -p todo-cli -- topics render --env production --format json > terraform/modules/platform/kafka-topics.json.tmp
	mv terraform/modules/platform/kafka-topics.json.tmp terraform/modules/platform/kafka-topics.json

## check-manifests: validate every overlay (CRD and Kubernetes schemas), the Dockerfile against the manifests, and checkov
check-manifests: manifest-tools
	set -eo pipefail; for dir in knative/overlays/* keda/overlays/*; do \
	  [ -f "$$dir/kustomization.yaml" ] || continue; \
	  variant=$${dir%%/*}; env=$${dir##*/}; \
	  printf '%s: ' "$$dir"; \
	  .venv-tools/bin/python scripts/render_manifests.py $$variant $$env | .venv-tools/bin/python scripts/validate_manifests.py -; \
	done
	set -eo pipefail; for dir in knative/chaos knative/chaos/experiments; do \
	  printf '%s: ' "$$dir"; kubectl kustomize "$$dir" | .venv-tools/bin/python scripts/validate_manifests.py -; \
	done
	.venv-tools/bin/python scripts/check_dockerfile.py
	bash scripts/checkov.sh

## checkov: checkov on the rendered manifests of every overlay and on the Dockerfile
checkov: manifest-tools
	bash scripts/checkov.sh

## image: build the image of one function: make image FN=task-api [TAG=dev] (podman, buildah or docker)
image:
	TAG=$(TAG) bash scripts/image.sh $(or $(FN),task-api)

## images: build the images of every function (the Dockerfile's FUNCTIONS)
images:
	TAG=$(TAG) bash scripts/image.sh --all

## infra-bootstrap: once per DigitalOcean account: the Terraform state bucket and the container registry
infra-bootstrap:
	@bash scripts/infra.sh bootstrap

## infra: plan an environment's infrastructure with Terraform: make infra ENV=dev|staging|prod (needs the tokens in terraform/README.md)
infra:
	@ENV=$(ENV) bash scripts/infra.sh plan

## infra-apply: create or change an environment's infrastructure: make infra-apply ENV=dev|staging|prod
infra-apply:
	@ENV=$(ENV) bash scripts/infra.sh apply

## deploy: kubectl apply an overlay: make deploy ENV=dev|staging|prod [FN=task-api] [VARIANT=knative|keda] [DRY_RUN=1]
deploy:
	@VARIANT=$(VARIANT) ENV=$(ENV) FN=$(FN) DRY_RUN=$(DRY_RUN) bash scripts/deploy.sh

clean:
	$(CARGO) clean
