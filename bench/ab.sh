#!/usr/bin/env bash
# Before/after measurements against an older commit (default f2010c7: the bench command on the
# original kernel and transport), interleaved so that both sides share the machine's load:
#   K        in-process A/B of FourierKernel (old class renamed OldFourierKernel)
#   transport in-process A/B of Transport + LinearStencil (renamed OldTransport, OldStencil)
#   eval     one shooting evaluation (forward + gradient), old and new classes alternately
#   register the bench's 2D registration, old and new classes alternately
# Usage: bench/ab.sh [OLD_COMMIT] [--quick]   (run from anywhere; builds target/ if needed)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
old="${1:-f2010c7}"
quick="${2:-}"
cd "$root"
[ -f target/diffeolens.jar ] || mvn -q -B -DskipTests package >&2
lib="$(ls target/lib/*.jar | tr '\n' ':')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/oldsrc" "$tmp/old" "$tmp/ab/org/diffeolens/kernel" "$tmp/ab/org/diffeolens/field" "$tmp/abc"
git archive "$old" src/main/java | tar -x -C "$tmp/oldsrc"
javac -nowarn -d "$tmp/old" -cp "$lib" $(find "$tmp/oldsrc" -name '*.java') 2>/dev/null
git show "$old:src/main/java/org/diffeolens/kernel/FourierKernel.java" \
  | sed 's/class FourierKernel /class OldFourierKernel /; s/public FourierKernel(/public OldFourierKernel(/' \
  > "$tmp/ab/org/diffeolens/kernel/OldFourierKernel.java"
git show "$old:src/main/java/org/diffeolens/field/Transport.java" \
  | sed 's/class Transport /class OldTransport /; s/public Transport(/public OldTransport(/; s/LinearStencil/OldStencil/g' \
  > "$tmp/ab/org/diffeolens/field/OldTransport.java"
git show "$old:src/main/java/org/diffeolens/field/LinearStencil.java" \
  | sed 's/class LinearStencil /class OldStencil /; s/public LinearStencil(/public OldStencil(/' \
  > "$tmp/ab/org/diffeolens/field/OldStencil.java"
cp "$here/ab/KernelAB.java" "$tmp/ab/org/diffeolens/kernel/"
cp "$here/ab/TransportAB.java" "$tmp/ab/org/diffeolens/field/"
javac -nowarn -d "$tmp/abc" -cp "target/classes:$lib" $(find "$tmp/ab" -name '*.java') "$here/ab/EvalBench.java" \
  "$here/ab/RegBench.java"
run() { java -Xmx12g -cp "$tmp/abc:$1:$lib" "${@:2}"; }
echo "== K (old: $old)"
run target/classes org.diffeolens.kernel.KernelAB 128 1 9
run target/classes org.diffeolens.kernel.KernelAB 144 1 7
run target/classes org.diffeolens.kernel.KernelAB -270 1 101
run target/classes org.diffeolens.kernel.KernelAB 128 2 9
echo "== transport, 1 thread CPU"
run target/classes org.diffeolens.field.TransportAB 128 1 7
run target/classes org.diffeolens.field.TransportAB -270 1 61
echo "== shooting evaluation, 1 thread CPU (old, new, old, new)"
for r in 1 2; do
  echo -n "old: "; run "$tmp/old" EvalBench 2 256 1 9
  echo -n "new: "; run target/classes EvalBench 2 256 1 9
done
for r in 1 2; do
  echo -n "old: "; run "$tmp/old" EvalBench 3 96 1 3
  echo -n "new: "; run target/classes EvalBench 3 96 1 3
done
[ "$quick" = "--quick" ] && exit 0
echo "== 2D registration 256^2, 3 levels x 100 iterations, 2 threads (old, new, old, new)"
for r in 1 2; do
  echo -n "old: "; run "$tmp/old" RegBench 2 256 100 2
  echo -n "new: "; run target/classes RegBench 2 256 100 2
done
