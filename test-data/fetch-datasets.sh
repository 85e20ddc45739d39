#!/usr/bin/env bash
# Makes sure the training data sets are present and intact under test-data/datasets/ (git-ignored):
#   fashion-mnist/*.gz  from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/)
#   digits/digits.csv.gz from Debian's python3-sklearn (sklearn/datasets/data/)
#   sklearn/{diabetes_data_raw,diabetes_target}.csv.gz, sklearn/wine_data.csv from the same package
# An installed package is linked; otherwise the .deb is taken with 'apt-get download' and
# unpacked with 'dpkg -x' (no root needed). Every file is then checked against DATASETS.sha256.
# DATASETS_FORCE_DOWNLOAD=1 takes the .deb even when the package is installed (to test that path).
# The nn tests and the CLI's default data location read only what this script leaves there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/datasets"
mkdir -p "$out/fashion-mnist" "$out/digits" "$out/sklearn"

# package | path of the directory inside the package | target folder | files
sources=(
  "dataset-fashion-mnist|usr/share/datasets/fashion-mnist|fashion-mnist|train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"
  "python3-sklearn|usr/lib/python3/dist-packages/sklearn/datasets/data|digits|digits.csv.gz"
  "python3-sklearn|usr/lib/python3/dist-packages/sklearn/datasets/data|sklearn|diabetes_data_raw.csv.gz diabetes_target.csv.gz wine_data.csv"
)

verified() { # $1 = path relative to $out
  local want
  want=$(awk -v f="$1" '$2 == f { print $1 }' "$here/DATASETS.sha256")
  [ -n "$want" ] && [ -f "$out/$1" ] && [ "$(sha256sum "$out/$1" | cut -d' ' -f1)" = "$want" ]
}

work=""
cleanup() { if [ -n "$work" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

for entry in "${sources[@]}"; do
  IFS='|' read -r package dir target files <<< "$entry"
  missing=()
  for f in $files; do
    verified "$target/$f" || missing+=("$f")
  done
  [ ${#missing[@]} -eq 0 ] && continue
  if [ -d "/$dir" ] && [ -z "${DATASETS_FORCE_DOWNLOAD:-}" ]; then
    src="/$dir"
  else
    echo "datasets: fetching ${missing[*]} from Debian package $package" >&2
    [ -n "$work" ] || work=$(mktemp -d)
    ( cd "$work" && apt-get download "$package" >/dev/null 2>&1 ) || {
      echo "datasets: 'apt-get download $package' failed; run 'apt-get update' first" >&2; exit 1; }
    dpkg -x "$work"/${package}_*.deb "$work/$package"
    src="$work/$package/$dir"
  fi
  for f in "${missing[@]}"; do
    [ -f "$src/$f" ] || { echo "datasets: $package has no $dir/$f" >&2; exit 1; }
    rm -f "$out/$target/$f"
    if [ "$src" = "/$dir" ]; then
      ln -s "$src/$f" "$out/$target/$f"
    else
      cp "$src/$f" "$out/$target/$f"
    fi
  done
done

( cd "$out" && sha256sum --quiet -c "$here/DATASETS.sha256" ) || {
  echo "datasets: checksum mismatch (see above); delete test-data/datasets/ and run again" >&2; exit 1; }
echo "datasets: $(wc -l < "$here/DATASETS.sha256") files present and verified in test-data/datasets/"
