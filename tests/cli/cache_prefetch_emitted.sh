#!/usr/bin/env bash
# The replay's cache prefetches exist in the machine code (netsnap/cache_prefetch.h): GCC 12
# deleted the __builtin_prefetch calls the delta decoder had, silently, and a source-level
# test cannot see that. Looks for prefetch instructions in DeltaDecoder::apply of
# netsnap-analyze. x86-64 only (elsewhere the header falls back to __builtin_prefetch).
set -euo pipefail
bin=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: not x86-64"; exit 0; }
command -v objdump >/dev/null || fail "objdump (binutils) is needed"

code=$(objdump -d --no-show-raw-insn "$bin/netsnap-analyze" |
  awk '/^[0-9a-f]+ <_ZN7netsnap12DeltaDecoder5applyE.*>:$/ { inside = 1; next }
       inside && /^$/ { inside = 0 }
       inside')
[ -n "$code" ] || fail "no DeltaDecoder::apply in $bin/netsnap-analyze (renamed? update this test)"
count=$(grep -c 'prefetcht0' <<<"$code" || true)
((count > 0)) || fail "DeltaDecoder::apply holds no prefetch instruction: the compiler dropped them"
echo "DeltaDecoder::apply: $count prefetch instructions"
