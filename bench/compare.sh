#!/usr/bin/env bash
# Runs the Java primitives (diffeolens bench) and the same primitives in scipy on the same sizes,
# and prints one JSON object with both and the ratios Java / scipy (median and min wall times, and
# process CPU time per run: the work, which the load of other processes on a shared machine inflates less).
# Usage: bench/compare.sh [--size N] [--repeat N] [--threads N] [--rounds R]
#   --rounds R alternates the two R times and keeps each one's best median (this machine is shared:
#   alternating puts both under the same load).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
size=128 repeat=15 threads=2 rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for r in $(seq 1 "$rounds"); do
  echo "compare.sh: round $r/$rounds: java" >&2
  "$root/diffeolens" bench --only kernel,gradient,warp --size "$size" --repeat "$repeat" --threads "$threads" \
    > "$tmp/java.$r.json"
  echo "compare.sh: round $r/$rounds: scipy" >&2
  /usr/bin/python3 "$here/scipy_bench.py" --size "$size" --repeat "$repeat" --workers "$threads" > "$tmp/scipy.$r.json"
done
/usr/bin/python3 - "$tmp" "$rounds" <<'PY'
import json, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
def best(prefix):
    runs = [json.load(open("%s/%s.%d.json" % (tmp, prefix, r))) for r in range(1, rounds + 1)]
    out = runs[0]
    for key in out:
        if isinstance(out[key], dict) and "medianMs" in out[key]:
            out[key] = min((r[key] for r in runs), key=lambda b: b["medianMs"])
    return out
java, scipy = best("java"), best("scipy")
ratios = {}
for name, ref in (("kernel", "kernel"), ("kernelVsFloat32", "kernelFloat32"), ("gradient", "gradient"), ("warp", "warp")):
    j = java["kernel" if name == "kernelVsFloat32" else name]
    s = scipy[ref]
    ratios[name] = {"median": round(j["medianMs"] / s["medianMs"], 3), "min": round(j["minMs"] / s["minMs"], 3),
                    "cpu": round(j["cpuMs"] / s["cpuMs"], 3)}
print(json.dumps({"rounds": rounds, "java": java, "scipy": scipy, "javaOverScipy": ratios}, indent=2))
PY
