#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: formatting; unit and
# black-box tests on the release build against SQLite; third-party npm clients
# (MLLP, FHIR) and the web app in headless Chromium against the release
# binary; the tests again against a throwaway
# PostgreSQL cluster; then all of them under AddressSanitizer and
# UndefinedBehaviorSanitizer (SQLite); then the HL7 v2 parser under libFuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== formatting (clang-format)"
scripts/check-format.sh

echo "== release build"
scripts/build.sh release
echo "== tests (release, SQLite)"
ctest --test-dir build --output-on-failure -j 2 --timeout 300

echo "== third-party clients against the release binary (npm: MLLP sender, FHIR client)"
tests/clients/run.sh

echo "== web app (typecheck, build, unit tests, end-to-end in headless Chromium against the release binary)"
web/run-tests.sh

echo "== tests (release, PostgreSQL)"
pgdir=$(mktemp -d /tmp/casekeeper-pg-XXXXXX)
trap 'scripts/pg-test-cluster.sh stop "$pgdir"' EXIT
url=$(scripts/pg-test-cluster.sh start "$pgdir")
CK_TEST_BACKEND=postgres CK_TEST_POSTGRES_URL=$url \
  ctest --test-dir build --output-on-failure -j 2 --timeout 300
scripts/pg-test-cluster.sh stop "$pgdir"
trap - EXIT

echo "== sanitizer build"
scripts/build.sh asan
echo "== tests (AddressSanitizer + UBSan, SQLite)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j 2 --timeout 600

echo "== fuzzing the HL7 v2 parser (libFuzzer, 30 s)"
scripts/fuzz.sh 30
