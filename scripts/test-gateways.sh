#!/usr/bin/env bash
# `make test-gateways`: the gateway suites (vitest project "gateway") against the gateways
# TOLLGATE_GATEWAY names: hosts (default), installed or containers. docs/TESTING-GATEWAYS.md.
# Arguments go to vitest (e.g. a file: make test-gateways ARGS=tests/gateway/tier-limit.test.ts).
set -uo pipefail
cd "$(dirname "$0")/.."

npx --no-install tsx tests/runtime/targets/preflight.ts
case $? in
  0) ;;
  3) exit 0 ;; # nothing to run against (no container engine): said above
  *) exit 1 ;;
esac
exec npx --no-install vitest run --project gateway "$@"
