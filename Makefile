# tollgate — see README.md.
#   make demo    build, then run the Kong-shaped playground with kong.yml (Ctrl-C stops it)
#   make test    install what is missing, build, run every suite
#   make bench   benchmarks with wrk; writes docs/BENCHMARKS.md and docs/bench.json

.PHONY: deps build test demo bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@npx --no-install tsx scripts/build.ts

test: build
	@bash scripts/test.sh

demo: build
	@npx --no-install tsx scripts/demo.ts

bench: build
	@npx --no-install tsx tests/bench/run.ts

clean:
	rm -rf node_modules
