#!/usr/bin/env bash
# Builds jqp's TensorFlow kernel library (jqp_ops.c) into $1/libjqpops.so, run by Maven before the
# engine's tests (engine-tf/pom.xml). Without a C compiler it builds nothing and says so: the engine
# then keeps TensorFlow's own kernels (the same numbers, a few passes more per quantizer).
set -euo pipefail
out="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cc="${CC:-cc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "jqp native: no C compiler ('$cc'); the engine uses TensorFlow's kernels only" >&2
  exit 0
fi
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A stub with TensorFlow's framework library's name, so the kernel library names it as a dependency:
# loaded into TensorFlow Java's process, it then binds to the framework library already there.
echo 'int jqp_stub;' > "$tmp/stub.c"
"$cc" -shared -fPIC -o "$tmp/libtensorflow_framework.so.2" -Wl,-soname,libtensorflow_framework.so.2 "$tmp/stub.c"
# -ffp-contract=off: every product rounds as TensorFlow's separate kernels round it (no other
# floating-point flag: -fno-trapping-math, say, turns the truncating conversion into truncf, -0).
# -msse4.1 on x86-64 (TensorFlow's own build needs AVX): rintf is one vector instruction.
arch=()
if [ "$(uname -m)" = x86_64 ]; then arch=(-msse4.1); fi
# With a C++ compiler, jqp_tfpool.cc lets the kernels run their parts on TensorFlow's intra-op threads
# (see that file); without one, on jqp's own pool only (the same values, more waiting).
cxx="${CXX:-c++}"
objs=()
link="$cc"
if command -v "$cxx" >/dev/null 2>&1; then
  "$cxx" -O2 -std=c++17 -Wall -Wextra -Werror -fPIC "${arch[@]}" -pthread -c \
    -o "$tmp/jqp_tfpool.o" "$here/jqp_tfpool.cc"
  objs=("$tmp/jqp_tfpool.o")
  link="$cxx"
  defs=(-DJQP_TF_POOL)
else
  echo "jqp native: no C++ compiler ('$cxx'); the kernels use jqp's own thread pool" >&2
  defs=()
fi
"$cc" -O3 -std=c11 -Wall -Wextra -Werror -fPIC -ffp-contract=off "${arch[@]}" "${defs[@]}" -pthread \
  -c -o "$tmp/jqp_ops.o" "$here/jqp_ops.c"
"$link" -shared -pthread -o "$tmp/libjqpops.so" "$tmp/jqp_ops.o" "${objs[@]}" -L"$tmp" \
  -Wl,--no-as-needed -l:libtensorflow_framework.so.2 -ldl -lm
mv -f "$tmp/libjqpops.so" "$out/libjqpops.so"
# a marker for the engine's tests: the kernels should find TensorFlow's intra-op threads
if [ ${#objs[@]} -gt 0 ]; then
  echo "built with $cxx" > "$out/libjqpops.tfpool"
else
  rm -f "$out/libjqpops.tfpool"
fi
