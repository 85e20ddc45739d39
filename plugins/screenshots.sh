#!/usr/bin/env bash
# Installs plugins/target/Diffeolens_.jar into a fresh, plain ImageJ 1.x folder (ij.jar from Maven
# Central, plugins/ with nothing but our jar), then, under Xvfb:
#   1. runs the test macro in batch mode (java -jar ij.jar -batch ...) and checks what it wrote,
#      so the jar is known to install and to run from a macro;
#   2. opens ImageJ with the brain pair of test-data/, the Diffeolens Register dialog, a run with the
#      default parameters and its result windows, and saves screenshots as docs/fiji-*.png.
# With --install-check, only step 1 (for CI). Needs Debian's xvfb, and openbox for step 2 (a window
# manager draws the title bars): apt-get install -y xvfb openbox. Builds the jars when missing.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
install_check_only=false
[ "${1:-}" = "--install-check" ] && install_check_only=true
tools="xvfb-run"
$install_check_only || tools="$tools openbox"
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: needs $tool: apt-get install -y xvfb openbox" >&2; exit 1; }
done
if [ ! -f plugins/target/Diffeolens_.jar ] || [ ! -d target/lib ]; then
  mvn -B -q install -DskipTests
  mvn -B -q -f plugins/pom.xml package
fi
ij_jar="$(ls target/lib/ij-*.jar | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ImageJ/plugins" "$work/out"
cp "$ij_jar" "$work/ImageJ/ij.jar"
cp plugins/target/Diffeolens_.jar "$work/ImageJ/plugins/"

echo "screenshots.sh: batch macro through plain ImageJ 1.x"
(cd "$work/ImageJ" && xvfb-run -a java -jar ij.jar -batch \
  "$root/src/test/resources/org/diffeolens/fiji/register-batch.ijm" "$root/test-data,$work/out") | tee "$work/batch.log"
for f in register/warped.nii.gz register/displacement.nii.gz register/summary.json warped-window.tif \
         transformed.tif jacobian-of-displacement.tif; do
  [ -s "$work/out/$f" ] || { echo "screenshots.sh: the batch macro did not write $f" >&2; exit 1; }
done
grep -q "register-batch.ijm: " "$work/batch.log" || { echo "screenshots.sh: the macro stopped early" >&2; exit 1; }
if $install_check_only; then
  echo "screenshots.sh: Diffeolens_.jar installs into plain ImageJ 1.x and runs the batch macro"
  exit 0
fi

echo "screenshots.sh: ImageJ under Xvfb, screenshots into docs/"
mkdir -p docs "$work/images"
cp test-data/BrainProtonDensitySlice.png "$work/images/fixed.png"
cp test-data/BrainProtonDensitySliceBSplined10.png "$work/images/moving.png"
(cd "$work/ImageJ" && xvfb-run -a -s "-screen 0 1920x1080x24" bash -c '
  openbox >/dev/null 2>&1 & wm=$!
  sleep 1
  java -cp ij.jar "$0/plugins/ScreenshotTour.java" "$1" "$0/docs"; status=$?
  kill $wm
  exit $status' "$root" "$work/images")
echo "screenshots.sh: done"
