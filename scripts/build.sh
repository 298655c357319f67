#!/usr/bin/env bash
# Builds casekeeper. Usage: scripts/build.sh [release|asan]
#   release → build/        (RelWithDebInfo, with benchmarks)
#   asan    → build-asan/   (Debug with AddressSanitizer + UBSan, no benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=${CK_JOBS:-$(nproc)}
case "$kind" in
  release)
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    ninja -C build -j "$jobs"
    ;;
  asan)
    cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCK_SANITIZE=ON -DCK_BENCH=OFF >/dev/null
    ninja -C build-asan -j "$jobs"
    ;;
  *)
    echo "usage: $0 [release|asan]" >&2
    exit 2
    ;;
esac
