#!/usr/bin/env bash
# Puts diffeolens beside elastix (Debian's package, 5.0.1) on the real 2D pairs of test-data/:
# the same pair, each toolkit the way its users run it (elastix: affine then B-spline, 16 mm
# control grid, 3 levels, stochastic gradient descent on 2048 random samples an iteration, its
# parameter files written next to its output; diffeolens: the register command with its defaults,
# and again with --method shooting), wall time of the whole command, and the warped image scored
# against the fixed one by one function (org.diffeolens.bench.Agreement: MSE and NCC on the fixed
# grid). Prints one JSON object.
# Usage: bench/elastix.sh [--rounds R]   (R runs of each command, alternated; the best wall time is kept)
# Needs elastix on the PATH: as root it is installed with apt-get, otherwise the script says so and exits 2.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "elastix.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if ! command -v elastix > /dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    echo "elastix.sh: installing elastix (apt-get install elastix)" >&2
    apt-get install -y -q elastix > /dev/null
  else
    echo "elastix.sh: elastix is not installed; run: sudo apt-get install elastix" >&2
    exit 2
  fi
fi
"$root/test-data/fetch.sh" > /dev/null
"$root/diffeolens" --version > /dev/null # builds the jar if needed, outside the timed runs
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# elastix parameter files: $1 transform stage, $2 metric
params() {
  local file="$out/$1-$2.txt"
  {
    cat <<EOF
(FixedInternalImagePixelType "float")
(MovingInternalImagePixelType "float")
(FixedImageDimension 2)
(MovingImageDimension 2)
(UseDirectionCosines "true")
(Registration "MultiResolutionRegistration")
(Interpolator "BSplineInterpolator")
(ResampleInterpolator "FinalBSplineInterpolator")
(Resampler "DefaultResampler")
(FixedImagePyramid "FixedSmoothingImagePyramid")
(MovingImagePyramid "MovingSmoothingImagePyramid")
(Optimizer "AdaptiveStochasticGradientDescent")
(Metric "$2")
(HowToCombineTransforms "Compose")
(NumberOfResolutions 3)
(NumberOfSpatialSamples 2048)
(NewSamplesEveryIteration "true")
(ImageSampler "RandomCoordinate")
(BSplineInterpolationOrder 1)
(FinalBSplineInterpolationOrder 3)
(DefaultPixelValue 0)
(ResultImagePixelType "float")
(ResultImageFormat "mha")
EOF
    if [ "$1" = affine ]; then
      printf '(Transform "AffineTransform")\n(AutomaticTransformInitialization "true")\n'
      printf '(AutomaticScalesEstimation "true")\n(MaximumNumberOfIterations 250)\n(WriteResultImage "false")\n'
    else
      printf '(Transform "BSplineTransform")\n(FinalGridSpacingInPhysicalUnits 16)\n(MaximumNumberOfIterations 500)\n'
      printf '(WriteResultImage "true")\n'
    fi
  } > "$file"
  echo "$file"
}

seconds() { # wall seconds of a command, its output discarded
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null 2> "$out/last.err" || { cat "$out/last.err" >&2; return 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

smaller() { awk -v x="$1" -v y="$2" 'BEGIN { print (x < y) ? x : y }'; }

# name fixed moving elastix-metric diffeolens-metric
pairs=(
  "brain test-data/BrainProtonDensitySlice.png test-data/BrainProtonDensitySliceBSplined10.png AdvancedMeanSquares ssd"
  "lung test-data/RatLungSlice1.mha test-data/RatLungSlice2.mha AdvancedNormalizedCorrelation ncc"
)
echo "{"
first=1
for p in "${pairs[@]}"; do
  read -r name fixed moving emetric dmetric <<< "$p"
  affine="$(params affine "$emetric")"
  bspline="$(params bspline "$emetric")"
  best_e=999999 best_d=999999 best_s=999999
  for r in $(seq 1 "$rounds"); do
    echo "elastix.sh: $name, round $r/$rounds" >&2
    rm -rf "$out/$name-elastix" "$out/$name-svf" "$out/$name-shooting"
    mkdir -p "$out/$name-elastix"
    e=$(seconds elastix -f "$root/$fixed" -m "$root/$moving" -p "$affine" -p "$bspline" -out "$out/$name-elastix")
    d=$(seconds "$root/diffeolens" register --fixed "$root/$fixed" --moving "$root/$moving" \
        --metric "$dmetric" --out "$out/$name-svf")
    s=$(seconds "$root/diffeolens" register --fixed "$root/$fixed" --moving "$root/$moving" \
        --metric "$dmetric" --method shooting --out "$out/$name-shooting")
    best_e=$(smaller "$e" "$best_e")
    best_d=$(smaller "$d" "$best_d")
    best_s=$(smaller "$s" "$best_s")
  done
  scores=$(cd "$out" && java -cp "$root/target/diffeolens.jar" org.diffeolens.bench.Agreement "$root/$fixed" \
      "$name-elastix/result.1.mha" "$name-svf/warped.nii.gz" "$name-shooting/warped.nii.gz")
  [ $first = 1 ] || echo ","
  first=0
  printf '"%s": {"fixed": "%s", "moving": "%s", "wallSeconds": {"elastix": %.3f, "diffeolens svf": %.3f, "diffeolens shooting": %.3f}, "scores": %s}' \
    "$name" "$fixed" "$moving" "$best_e" "$best_d" "$best_s" "$scores"
done
printf '\n, "elastix": "%s", "java": "%s"}\n' "$(elastix --version 2>&1 | head -1)" \
  "$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')"
