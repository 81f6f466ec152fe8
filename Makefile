# tollgate — see README.md.
#   make demo    build, then run the Kong-shaped playground with kong.yml (Ctrl-C stops it);
#                CONFIG=<file> runs another example (a *.apisix.yaml on the APISIX-shaped host)
#   make test    install what is missing, build, run every suite
#   make test-gateways   the gateway suites against TOLLGATE_GATEWAY=hosts|installed|containers
#                (docs/TESTING-GATEWAYS.md)
#   make bench   benchmarks with wrk; writes docs/BENCHMARKS.md and docs/bench.json
#   make build   TypeScript -> lua-out/ (needs Node.js and LuaJIT only)
# Each target installs only what it uses: scripts/install-deps.sh <profile> --dry-run lists it.

.PHONY: deps deps-build deps-demo deps-test deps-bench build test test-gateways demo bench clean

deps: deps-test

deps-build:
	@bash scripts/install-deps.sh build

deps-demo:
	@bash scripts/install-deps.sh demo

deps-test:
	@bash scripts/install-deps.sh test

deps-bench:
	@bash scripts/install-deps.sh bench

build: deps-build
	@npx --no-install tsx scripts/build.ts

test: deps-test build
	@bash scripts/test.sh

test-gateways: deps-test build
	@bash scripts/test-gateways.sh $(ARGS)

demo: deps-demo build
	@npx --no-install tsx scripts/demo.ts $(CONFIG)

bench: deps-bench build
	@npx --no-install tsx tests/bench/run.ts

clean:
	rm -rf node_modules
