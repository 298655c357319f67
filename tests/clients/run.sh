#!/usr/bin/env bash
# Runs the black-box tests that drive casekeeper with third-party clients
# (tests/clients/README.md). Installs the pinned npm packages first when
# node_modules is missing or older than package-lock.json. Works from any
# directory; the exit code is the test result.
#   CK_BINARY    casekeeper binary (default: build/casekeeper of this repository)
#   CK_HL7_DATA  HL7 v2 sample folder (default: ../shared/data/hl7v2 from the repository root)
#   CK_SYNTHEA_DATA  Synthea R4 Bundle folder (default:
#                ../shared/data/synthea/smart-generated-sample-data-r4 from the repository root)
# Arguments, if any, replace the list of test files (default: every *_test.mjs here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "tests/clients: node and npm are required (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

stamp=node_modules/.package-lock.json # written by npm ci / npm install
if [[ ! -d node_modules || ! -f $stamp || package-lock.json -nt $stamp ]]; then
  npm ci --no-audit --no-fund
fi

if [[ $# -gt 0 ]]; then
  tests=("$@")
else
  shopt -s nullglob
  tests=(*_test.mjs)
  if [[ ${#tests[@]} -eq 0 ]]; then
    echo "tests/clients: no *_test.mjs files" >&2
    exit 1
  fi
fi
exec node --test "${tests[@]}"
