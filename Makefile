# clusterbench: `make compare` (offline side-by-side) and `make test` (Go tests) are the
# two commands a fresh machine needs; everything else builds on them.
SHELL := bash
GO ?= go
BIN := bin/clusterbench
STACK ?=
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build test lint compare bench fuzz diagrams preview up destroy test-browser test-engine test-swarm test-etcd test-kubeadm test-kubeadm-live fixtures check-stack

build:
	$(GO) build ./...
	$(GO) build -o $(BIN) ./cmd/clusterbench

test:
	$(GO) test ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [[ -n $$unformatted ]]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@command -v shellcheck >/dev/null || { apt-get update -qq && apt-get install -y -qq shellcheck; }
	shellcheck .ci/run $$(git ls-files '*.sh')

compare: build
	./$(BIN) compare

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Fuzz targets, each for a bounded time (FUZZTIME per target; minimising a new input is
# capped so the time goes to executions). A failing input is written under the
# package's testdata/fuzz/ and replayed by `make test` from then on.
FUZZTIME ?= 10s
FUZZ_TARGETS := internal/stackfile:FuzzStackFile components/spec:FuzzSpecValidate \
  internal/inventory:FuzzPreviewDocument internal/catalog:FuzzPricesFile internal/catalog:FuzzUsageFile
fuzz:
	@set -e; for target in $(FUZZ_TARGETS); do \
	  pkg=$${target%%:*}; name=$${target##*:}; \
	  echo "== $$name ($$pkg, $(FUZZTIME))"; \
	  $(GO) test ./$$pkg -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1s; \
	done

# The README's architecture pictures, drawn by the tool (a test fails when they are stale).
diagrams: build
	./$(BIN) diagram --stack kops-aws --format svg --out docs/diagrams/kops-aws.svg
	./$(BIN) diagram --stack swarm-aws --format svg --out docs/diagrams/swarm-aws.svg

# Real-system checks: each installs what it needs.
test-browser: build
	CLUSTERBENCH=$(BIN) scripts/test-browser.sh

test-engine: build
	scripts/test-engine.sh

# Regenerates the real Pulumi documents the cost and inventory tests read (internal/cost/testdata).
fixtures:
	internal/enginetest/fixtures.sh

# Real Swarm: one dockerd per node in network namespaces on this machine (needs root).
test-swarm:
	scripts/swarm/test-swarm.sh

# Real etcd (3 and 5 members on loopback), driven by the bootstrap's member code.
test-etcd:
	scripts/etcd/test-etcd.sh

# kubeadm v1.35.4 built from the Go module proxy validates and dry-runs the rendered configs.
test-kubeadm:
	scripts/kubernetes/test-kubeadm.sh

# Real kubeadm control planes from the bootstrap (1 member, then 3 with the loss and
# replacement of a member) in namespaces on this machine; needs root.
test-kubeadm-live:
	scripts/kubernetes/live/test-kubeadm-live.sh

# Real deployments wrap the Pulumi CLI (credentials for the stack's cloud required).
check-stack:
	@[[ -n "$(STACK)" ]] || { echo "usage: make $(MAKECMDGOALS) STACK=<name of a stacks/Pulumi.<name>.yaml>"; exit 2; }
	@[[ -f stacks/Pulumi.$(STACK).yaml ]] || { echo "no stack file stacks/Pulumi.$(STACK).yaml"; exit 2; }

preview: check-stack
	pulumi stack select --create $(STACK) && pulumi preview

up: check-stack
	pulumi stack select --create $(STACK) && pulumi up

destroy: check-stack
	pulumi stack select $(STACK) && pulumi destroy
