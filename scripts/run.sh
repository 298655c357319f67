#!/usr/bin/env bash
# Installs what is missing, builds, and serves casekeeper with an embedded
# SQLite database full of synthetic demo data on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
# The web app (web/, docs/web.md), served from web/dist by the server.
(cd web && { [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]] \
  || npm ci --no-audit --no-fund; } && npm run --silent build)
mkdir -p var
exec build/casekeeper serve --db var/casekeeper.db --demo --http "${CK_HTTP:-127.0.0.1:8080}"
