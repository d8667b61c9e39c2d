#!/usr/bin/env bash
# Installs what Gatehouse needs on Debian 12, and only what is missing:
# Debian packages through apt-get, the test tools through npm. Idempotent: a
# second run does nothing but check.
#   setup.sh        what `make test` needs: the build, the demo and every suite
#                   (Debian packages and the npm packages of tests/e2e)
#   setup.sh demo   what `make run` needs: the build and the demo script
#                   (no test tools, no npm)
#   setup.sh bench  also what `make bench` needs (wrk, nginx, Glewlwyd and the
#                   node-oidc-provider peer)
#   setup.sh fuzz   also clang and its fuzzer runtime, which only `make fuzz` needs
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-test}

# The build (libcmocka-dev too: the default build configures the unit tests)
# and the demo script (curl).
DEB_PACKAGES=(
  build-essential cmake pkg-config
  libmicrohttpd-dev libjansson-dev libargon2-dev libsqlite3-dev libpq-dev
  libcurl4-openssl-dev libinih-dev libssl-dev libcmocka-dev curl
  liboath-dev libqrencode-dev libcbor-dev libfido2-dev libpwquality-dev
)
# The suites: formatting check, e2e and browser tests, PostgreSQL, valgrind.
if [ "$MODE" != demo ]; then
  DEB_PACKAGES+=(clang-format nodejs npm chromium python3 openssl postgresql valgrind sqlite3
    groff-base debhelper lintian)
fi
if [ "$MODE" = bench ]; then DEB_PACKAGES+=(wrk nginx glewlwyd sqlite3); fi
if [ "$MODE" = fuzz ]; then
  DEB_PACKAGES+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# JavaScript test tools (openid-client, oauth4webapi, playwright-core, oidc-provider
# as a test platform, otplib for TOTP codes, smtp-server and mailparser as the
# mail server), pinned by the lock file. playwright-core drives Debian's chromium
# and must never download a browser of its own.
# `make run` needs none of them.
[ "$MODE" = demo ] && exit 0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages for the tests"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# `scripts/setup.sh bench`: the peer node-oidc-provider, pinned by its lock file.
if [ "$MODE" = bench ] && { [ ! -d bench/peers/oidc-provider/node_modules ] ||
  [ bench/peers/oidc-provider/package-lock.json -nt bench/peers/oidc-provider/node_modules/.package-lock.json ]; }; then
  echo "setup: installing npm packages for the benchmark peer"
  (cd bench/peers/oidc-provider && npm ci --no-audit --no-fund --loglevel=error)
fi
