#!/usr/bin/env bash
# Makes sure the real test images are present and intact: checks every file in SHA256SUMS and,
# for any missing or damaged one, takes it again from Debian's insighttoolkit5-examples package
# (apt-get download + dpkg -x; no root needed for that part). Tests and .ci/run call this first.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

package=insighttoolkit5-examples
data_dir=usr/share/doc/insighttoolkit5-examples/examples/Data

missing=()
while read -r sum name; do
  if [ ! -f "$name" ] || [ "$(sha256sum "$name" | cut -d' ' -f1)" != "$sum" ]; then
    missing+=("$name")
  fi
done < SHA256SUMS

if [ ${#missing[@]} -gt 0 ]; then
  echo "test-data: fetching ${#missing[@]} file(s) from Debian package $package: ${missing[*]}" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  ( cd "$work" && apt-get download "$package" >/dev/null 2>&1 ) || {
    echo "test-data: 'apt-get download $package' failed; run 'apt-get update' first" >&2; exit 1; }
  dpkg -x "$work"/${package}_*.deb "$work/x"
  for name in "${missing[@]}"; do
    cp "$work/x/$data_dir/$name" "$here/$name"
  done
  sha256sum --quiet -c SHA256SUMS || { echo "test-data: checksum mismatch after fetching" >&2; exit 1; }
fi
echo "test-data: $(wc -l < SHA256SUMS) files present and verified"
