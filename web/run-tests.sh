#!/usr/bin/env bash
# Builds the web app and runs its tests (docs/web.md): the typecheck and the
# production build, the unit tests of its pure logic, then the end-to-end
# tests in headless Chromium against the real server with a fresh demo
# database. Installs the pinned npm packages first when node_modules is
# missing or older than package-lock.json. Works from any directory; the exit
# code is the test result.
#   CK_BINARY    casekeeper binary (default: build/casekeeper of this repository)
#   CK_CHROMIUM  Chromium binary (default: /usr/bin/chromium, Debian's chromium package)
# Screenshots and screen timings land in web/e2e/artifacts/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "web: node and npm are required (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

stamp=node_modules/.package-lock.json # written by npm ci / npm install
if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
  npm ci --no-audit --no-fund
fi

echo "-- web: typecheck and build"
npm run --silent build
echo "-- web: unit tests"
npm run --silent test:unit
echo "-- web: end-to-end tests (headless Chromium)"
npm run --silent test:e2e
