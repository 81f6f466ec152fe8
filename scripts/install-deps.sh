#!/usr/bin/env bash
# Installs what tollgate's build, tests, demo and benchmarks need on Debian 12,
# skipping whatever is already there. Run by `make test`, `make demo`, `make bench`.
#
#   Debian: nginx + the Lua module (ngx_lua, the same module OpenResty, Kong and APISIX
#           embed), lua-resty-core, LuaJIT 2.1 (OpenResty's branch, luajit2), lua-cjson,
#           busted, Redis, wrk, openssl and the system CAs (TLS tests); Java 17 and
#           Maven for the Kafka brokers of the tests.
#   npm:    the pinned packages of package-lock.json (TypeScriptToLua, vitest, kong-pdk, …).
#   Maven:  Apache Kafka broker jars (3.9.2, 4.3.1) via scripts/install-kafka.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  nginx libnginx-mod-http-lua libnginx-mod-http-ndk
  lua-resty-core lua-resty-lrucache luajit2 lua-cjson lua-busted
  redis-server wrk curl openssl ca-certificates
  openjdk-17-jre-headless maven
  postgresql
)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
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

# Kafka brokers for the tests (KRaft, from Maven Central); no-ops when cached.
for kafka_version in 3.9.2 4.3.1; do
  bash scripts/install-kafka.sh "$kafka_version"
done
