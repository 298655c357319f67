#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: formatting, unit and
# black-box tests on the release build, then all of them again under
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== formatting (clang-format)"
scripts/check-format.sh

echo "== release build"
scripts/build.sh release
echo "== tests (release)"
ctest --test-dir build --output-on-failure -j 2 --timeout 300

echo "== sanitizer build"
scripts/build.sh asan
echo "== tests (AddressSanitizer + UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j 2 --timeout 600
