#!/usr/bin/env bash
# The replay's cache prefetches exist in the machine code (netsnap/cache_prefetch.h): GCC 12
# deleted the __builtin_prefetch calls the delta decoder had, silently, and a source-level
# test cannot see that. Looks for prefetch instructions in the delta decoder's functions in
# netsnap-analyze. x86-64 only (elsewhere the header falls back to __builtin_prefetch).
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: not x86-64"; exit 0; }
command -v objdump >/dev/null || fail "objdump (binutils) is needed"

# Functions holding a prefetch instruction. GCC inlines the decoder's helpers into
# DeltaDecoder::apply; clang (the sanitized build) keeps prefetch_socket out of line.
disassembly=$(objdump -d --no-show-raw-insn "$bin/netsnap-analyze")
grep -q '<_ZN7netsnap12DeltaDecoder5applyE.*>:$' <<<"$disassembly" ||
  fail "no DeltaDecoder::apply in $bin/netsnap-analyze (renamed? update this test)"
holders=$(awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 } /prefetcht0/ { print fn }' <<<"$disassembly" |
  grep -E 'DeltaDecoder5apply|apply_namespace|prefetch_socket' | sort | uniq -c || true)
[ -n "$holders" ] || fail "the delta decoder holds no prefetch instruction: the compiler dropped them"
echo "prefetch instructions in the delta decoder:"
echo "$holders"
