# tollgate — see README.md.
#   make demo    build, then run the Kong-shaped playground with kong.yml (Ctrl-C stops it)
#   make test    install what is missing, build, run every suite
#   make test-gateways   the gateway suites against TOLLGATE_GATEWAY=hosts|installed|containers
#                (docs/TESTING-GATEWAYS.md)
#   make bench   benchmarks with wrk; writes docs/BENCHMARKS.md and docs/bench.json

.PHONY: deps build test test-gateways demo bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@npx --no-install tsx scripts/build.ts

test: build
	@bash scripts/test.sh

test-gateways: build
	@bash scripts/test-gateways.sh $(ARGS)

demo: build
	@npx --no-install tsx scripts/demo.ts

bench: build
	@npx --no-install tsx tests/bench/run.ts

clean:
	rm -rf node_modules
