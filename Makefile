# Entry points. `make dev` runs the whole thing locally; `make test` runs every test.
# Both install what they need: a pinned Node.js when the system one is older than 22.12, npm packages from
# the lockfile, and (on first use, cached outside the work tree) kube-apiserver, etcd, kubectl and moto.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NODE_BIN := $(shell scripts/ensure-node.sh)
ifeq ($(NODE_BIN),)
$(error could not provide Node.js 22.12+; see the messages above)
endif
export PATH := $(NODE_BIN):$(PATH)
# Deterministic edge packages do not depend on the local timezone, but tests should not either.
export TZ := UTC

DEPS := node_modules/.installed
BIN := node_modules/.bin

.PHONY: help deps test test-unit test-integration test-aws typecheck lint build crds docs up dev bench bench-scale edge-package harness clean

help: ## List the entry points
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-18s %s\n", $$1, $$2 }'

$(DEPS): package.json package-lock.json
	@echo "deps: npm ci (Node $$(node --version))"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(DEPS) ## Install npm packages from the lockfile

test: $(DEPS) ## Run every test: types, lint, unit and integration
	@$(MAKE) --no-print-directory typecheck lint
	@$(MAKE) --no-print-directory test-unit
	@$(MAKE) --no-print-directory test-integration

test-unit: $(DEPS) ## Unit tests only (no processes)
	$(BIN)/vitest run --project unit

test-integration: $(DEPS) harness ## Integration tests against a real kube-apiserver, etcd and moto
	$(BIN)/vitest run --project integration

test-aws: $(DEPS) harness ## Conformance run against a real AWS account (opt-in: README, "make test-aws"; ARGS=--emulator for none)
	node test/aws/conformance.ts $(ARGS)

typecheck: $(DEPS) ## Type-check everything
	$(BIN)/tsc -p tsconfig.json

lint: $(DEPS) ## Lint everything
	$(BIN)/eslint --max-warnings 0 .
	$(BIN)/depcruise --config .dependency-cruiser.ts --output-type err-long src edge-auth test bench tools examples dev

build: $(DEPS) ## Compile the operator to dist/
	$(BIN)/tsc -p tsconfig.build.json
	node tools/build-edge-bundle.ts

edge-package: $(DEPS) ## Package the edge function: make edge-package CONFIG=<config.json> OUT=<zip>
	@test -n "$(CONFIG)" -a -n "$(OUT)" || { echo "usage: make edge-package CONFIG=<config.json> OUT=<file.zip>"; exit 2; }
	node edge-auth/package/cli.ts --config $(CONFIG) --out $(OUT)

bench: $(DEPS) ## Run the benchmarks (ratios against a floor measured in the same run)
	node bench/edge-auth/run.ts

bench-scale: $(DEPS) harness ## Operator scale benchmark: N = 10,100,500,1000 against the floor (minutes; ARGS="--sizes 10,100")
	node bench/operator-scale/run.ts $(ARGS)

crds: $(DEPS) ## Regenerate crds/ and the API references in docs/ from the zod schema in src/api
	node tools/gen-crds.ts
	node tools/gen-api-reference.ts

docs: $(DEPS) ## Regenerate the API references in docs/ from the schema in src/api
	node tools/gen-api-reference.ts

harness: $(DEPS) ## Build or fetch the test binaries, the moto virtualenv and Chromium for the browser tests (cached per machine)
	node test/harness/prepare.ts

up: $(DEPS) harness ## Start the local control plane and AWS emulator in the foreground (Ctrl-C stops)
	node dev/up.ts

dev: $(DEPS) harness ## Run the whole thing locally: environment, demo data, operator, example resource
	node dev/dev.ts

clean: ## Remove build output and local state (not the per-machine cache)
	rm -rf dist .dev coverage node_modules
