#!/usr/bin/env bash
# Installs what one make target needs on Debian 12, skipping whatever is already there:
#
#   scripts/install-deps.sh <profile> [--dry-run]
#
#   build   make build: Node.js 20+ (checked, not installed), the npm packages of
#           package-lock.json (TypeScriptToLua, esbuild, …) and LuaJIT 2.1 (Debian's
#           luajit2, OpenResty's branch), which parses every generated file. Nothing else.
#   demo    build + nginx with the Lua module (ngx_lua, the module OpenResty, Kong and
#           APISIX embed), lua-resty-core, lua-resty-lrucache, lua-cjson; Java 17 and
#           Maven for the one Kafka broker (4.3.1) the playground starts; curl for the
#           commands it prints.
#   test    demo + busted, Redis, openssl and the system CAs (TLS tests), PostgreSQL
#           (the Unleash server of the feature-toggle tests), luarocks (the rock-install
#           test), and both Kafka broker releases (3.9.2, 4.3.1) the Kafka suites use.
#   bench   test + wrk.
#
# --dry-run prints what the profile consists of (one line per step: "apt <package>",
# "npm ci", "kafka <version>") and installs nothing; tests/unit/install-deps.test.ts
# reads it to check that the build profile pulls in no JVM, database or broker.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${1:-}
dry_run=""
if [[ ${2:-} == --dry-run ]]; then dry_run=1; fi

BUILD_APT=(luajit2)
DEMO_APT=(nginx libnginx-mod-http-lua libnginx-mod-http-ndk lua-resty-core lua-resty-lrucache lua-cjson
  openjdk-17-jre-headless maven curl)
TEST_APT=(lua-busted redis-server openssl ca-certificates postgresql luarocks)
BENCH_APT=(wrk)

case $profile in
  build) apt_packages=("${BUILD_APT[@]}") kafka_versions=() ;;
  demo) apt_packages=("${BUILD_APT[@]}" "${DEMO_APT[@]}") kafka_versions=(4.3.1) ;;
  test) apt_packages=("${BUILD_APT[@]}" "${DEMO_APT[@]}" "${TEST_APT[@]}") kafka_versions=(3.9.2 4.3.1) ;;
  bench) apt_packages=("${BUILD_APT[@]}" "${DEMO_APT[@]}" "${TEST_APT[@]}" "${BENCH_APT[@]}") kafka_versions=(3.9.2 4.3.1) ;;
  *)
    echo "usage: scripts/install-deps.sh build|demo|test|bench [--dry-run]" >&2
    exit 2
    ;;
esac

if [[ -n $dry_run ]]; then
  printf 'apt %s\n' "${apt_packages[@]}"
  echo "npm ci"
  for kafka_version in "${kafka_versions[@]}"; do echo "kafka $kafka_version"; done
  exit 0
fi

missing=()
for package in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install-deps ($profile): installing Debian packages: ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  # policy-rc.d 101: don't start the packages' system services (nginx on :80, Redis on
  # :6379); tests start their own instances on ephemeral ports and need none of them.
  policy=/usr/sbin/policy-rc.d
  created_policy=""
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if [[ -n $created_policy ]]; then $sudo rm -f "$policy"; fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  echo "install-deps: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "install-deps: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Kafka brokers (KRaft, from Maven Central); no-ops when cached.
for kafka_version in "${kafka_versions[@]}"; do
  bash scripts/install-kafka.sh "$kafka_version"
done
