#!/usr/bin/env bash
# Builds casekeeper. Usage: scripts/build.sh [release|asan]
#   release → build/        (RelWithDebInfo, with benchmarks)
#   asan    → build-asan/   (Debug with AddressSanitizer + UBSan, no benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
jobs=${CK_JOBS:-$(nproc)}
# ccache across checkouts (CI builds a fresh clone every time): paths taken
# relative to the checkout, and compilations that use the precompiled header
# are cached too.
export CCACHE_BASEDIR="$PWD"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
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
