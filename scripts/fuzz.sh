#!/usr/bin/env bash
# Fuzzes the HL7 v2 parser with libFuzzer (clang, ASan, UBSan) for N seconds
# (default 30), seeded with the shared sample messages. New interesting inputs
# go to build-fuzz/corpus; a crash leaves its input in build-fuzz/ and fails.
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
command -v clang++ >/dev/null || { echo "clang++ is missing: scripts/install-deps.sh" >&2; exit 2; }
mkdir -p build-fuzz/corpus
bin=build-fuzz/hl7_fuzz
srcs=(fuzz/hl7_fuzz.cc src/interop/hl7v2/message.cc src/interop/hl7v2/ack.cc src/interop/hl7v2/mllp.cc src/core/status.cc
  src/core/clock.cc)
if [[ ! -x $bin ]] || [[ -n $(find "${srcs[@]}" src/interop/hl7v2/*.h src/core/*.h -newer "$bin") ]]; then
  clang++ -std=c++20 -O1 -g -Isrc -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -Wall -Werror "${srcs[@]}" -o "$bin"
fi
seeds=()
[[ -d ../shared/data/hl7v2 ]] && seeds+=(../shared/data/hl7v2)
cd build-fuzz
UBSAN_OPTIONS=halt_on_error=1 ./hl7_fuzz -max_total_time="$secs" -max_len=65536 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=0 corpus "${seeds[@]/#/../}" 2>fuzz.log || {
  tail -40 fuzz.log >&2
  echo "fuzz: the HL7 parser failed; the input is in build-fuzz/" >&2
  exit 1
}
grep -E "^#[0-9]+.*DONE" fuzz.log | tail -1 || true
