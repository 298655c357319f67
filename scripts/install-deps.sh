#!/usr/bin/env bash
# Installs the Debian bookworm packages casekeeper needs to build, run and test.
# Idempotent: installs only what is missing. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build ccache pkg-config make git
  libboost-dev libssl-dev openssl libsqlite3-dev sqlite3 libsodium-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev libsimdjson-dev libcli11-dev libtomlplusplus-dev
  libpq-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format wrk curl ca-certificates
  clang libclang-rt-14-dev
  libhpdf-dev libxlsxwriter-dev poppler-utils tzdata
  nodejs
  chromium fonts-liberation # the web app's browser tests (web/run-tests.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Debian's nodejs comes without npm; builds of nodejs that bundle it conflict with the npm package.
if ! command -v npm >/dev/null; then missing+=(npm); fi

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "installing: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
