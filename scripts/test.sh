#!/usr/bin/env bash
# `make test` after install and build: every suite, then one summary line.
#
#   checks   lua-out/ matches a fresh build; the Node-side TypeScript type-checks
#   vitest   unit vectors (TypeScript) + gateway suites (real nginx, real HTTP)
#   busted   the same vectors against lua-out/, under LuaJIT
#
# Every runner prints its own summary; the last line totals them all:
#   N passed, N failed
set -uo pipefail
cd "$(dirname "$0")/.."

reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT
passed=0
failed=0

check() {
  local name=$1
  shift
  if "$@"; then
    echo "check passed: $name"
    passed=$((passed + 1))
  else
    echo "check FAILED: $name" | tee -a "$reports/checks.log"
    failed=$((failed + 1))
  fi
}

lua_out_in_sync() {
  # Only meaningful in a git checkout; a tarball has nothing to compare with.
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  local drift
  drift=$(git status --porcelain -- lua-out docs/plugins README.md plugins/core/version.ts)
  if [[ -n $drift ]]; then
    echo "lua-out/, docs/plugins/, README.md or plugins/core/version.ts differs from a fresh build (run 'make build' and commit):"
    echo "$drift"
    return 1
  fi
}

echo "== checks"
check "lua-out/, docs/plugins/, README.md and plugins/core/version.ts are what the build generates" lua_out_in_sync
check "TypeScript (Node side) type-checks" npx --no-install tsc -p tsconfig.json

echo "== vitest (TypeScript vectors, gateway suites)"
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$reports/vitest.json"
if [[ -f $reports/vitest.json ]]; then
  read -r v_passed v_failed < <(node -e '
    const r = require(process.argv[1]);
    console.log(r.numPassedTests, r.numFailedTests + (r.numTotalTestSuites > 0 && !r.success && r.numFailedTests === 0 ? 1 : 0));
  ' "$reports/vitest.json")
else
  v_passed=0
  v_failed=1
fi
passed=$((passed + v_passed))
failed=$((failed + v_failed))

echo "== busted (the same vectors against lua-out/, LuaJIT)"
busted -o TAP | tee "$reports/busted.tap"
b_status=${PIPESTATUS[0]}
b_passed=$(grep -c '^ok ' "$reports/busted.tap")
b_failed=$(grep -c '^not ok ' "$reports/busted.tap")
if ((b_status != 0 && b_failed == 0)); then b_failed=1; fi
echo "busted: $b_passed passed, $b_failed failed"
passed=$((passed + b_passed))
failed=$((failed + b_failed))

# A CI log is often read from its tail: name what failed right above the total.
if ((failed > 0)); then
  echo "== failed"
  if [[ -f $reports/vitest.json ]]; then
    node -e '
      const r = require(process.argv[1]);
      for (const file of r.testResults)
        for (const t of file.assertionResults)
          if (t.status === "failed")
            console.log("vitest: " + file.name.replace(process.cwd() + "/", "") + " > " + t.fullName +
              "\n    " + (t.failureMessages[0] || "").split("\n")[0]);
      for (const file of r.testResults)
        if (file.status === "failed" && file.assertionResults.every((t) => t.status !== "failed"))
          console.log("vitest: " + file.name.replace(process.cwd() + "/", "") + ": " + (file.message || "failed outside a test").split("\n")[0]);
    ' "$reports/vitest.json"
  else
    echo "vitest: no report (vitest did not finish)"
  fi
  grep '^not ok ' "$reports/busted.tap" | sed 's/^/busted: /'
  grep -h '^check FAILED' "$reports/checks.log" 2>/dev/null
fi
echo "$passed passed, $failed failed"
((failed == 0))
