#!/usr/bin/env bash
# Side-by-side epoch time of the default Fashion-MNIST residual network in diffeolens (ND4J) and in
# PyTorch (Debian's python3-torch): the identical architecture (bench/train_torch.py), the same
# data, batch size 128, Adam 2e-3 with cosine annealing, and the same number of threads. Rounds
# alternate the order (ND4J first, then PyTorch first, ...) because this machine's load varies.
# Prints one JSON object on stdout; progress goes to stderr.
#
#   bench/train_bench.sh [--epochs E] [--rounds R] [--threads T]
#
# OMP_WAIT_POLICY (default PASSIVE here, see docs/nd4j-speed.md) is passed to both processes;
# set it in the environment to compare another policy.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
epochs=1 rounds=1 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) epochs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "usage: $0 [--epochs E] [--rounds R] [--threads T]" >&2; exit 2 ;;
  esac
done
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
py=/usr/bin/python3   # Debian's interpreter: the one that sees python3-torch

test-data/fetch-datasets.sh >&2
"$py" -c 'import torch' 2>/dev/null || {
  echo "bench: python3-torch is missing: apt-get install python3-torch" >&2; exit 1; }
mvn -q -B -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="target/classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=test-data/datasets/fashion-mnist

run_nd4j() { # $1 = round
  java -Xmx8g -cp "$cp" org.diffeolens.cli.TrainCommand --dataset fashion-mnist --data-dir "$data" \
    --epochs "$epochs" --threads "$threads" --quiet --out "$work/nd4j-$1" >&2
  cp "$work/nd4j-$1/summary.json" "$work/nd4j-$1.json"
}
run_torch() {
  "$py" bench/train_torch.py --data "$data" --epochs "$epochs" --threads "$threads" > "$work/torch-$1.json"
}
for r in $(seq 1 "$rounds"); do
  cat /proc/loadavg > "$work/load-$r-before"
  if [ $((r % 2)) -eq 1 ]; then
    echo "bench: round $r: ND4J, then PyTorch" >&2; run_nd4j "$r"; run_torch "$r"
  else
    echo "bench: round $r: PyTorch, then ND4J" >&2; run_torch "$r"; run_nd4j "$r"
  fi
  cat /proc/loadavg > "$work/load-$r-after"
done

"$py" - "$work" "$rounds" "$epochs" "$threads" <<'PY'
import json, os, statistics, sys
work, rounds, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def side(prefix):
    runs = [json.load(open(os.path.join(work, f'{prefix}-{r}.json'))) for r in range(1, rounds + 1)]
    per_epoch = [e['seconds'] for run in runs for e in run['epochs']]
    cpu = [e.get('cpuSeconds') for run in runs for e in run['epochs']]
    return {'epochSeconds': per_epoch, 'epochCpuSeconds': cpu,
            'bestEpochSeconds': min(per_epoch), 'medianEpochSeconds': statistics.median(per_epoch),
            'testAccuracy': [run['epochs'][-1]['testAccuracy'] for run in runs],
            'trainLoss': [run['epochs'][-1]['trainLoss'] for run in runs],
            'parameters': runs[0].get('parameters', runs[0].get('network', {}).get('parameters'))}
nd4j, torch = side('nd4j'), side('torch')
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
load = [open(os.path.join(work, f'load-{r}-{w}')).read().split()[:3] for r in range(1, rounds + 1)
        for w in ('before', 'after')]
print(json.dumps({
    'benchmark': 'default Fashion-MNIST residual network (conv 3x3/2 stem, 3 blocks conv3x3 + channel norm + relu, '
                 'width 32 at 14x14, dense head), Adam 2e-3 cosine, batch 128, float32',
    'epochs': epochs, 'rounds': rounds, 'threads': threads, 'cores': os.cpu_count(), 'cpu': cpu,
    'OMP_WAIT_POLICY': os.environ.get('OMP_WAIT_POLICY'),
    'nd4j': dict(nd4j, framework='diffeolens on ND4J 1.0.0-M2.1 (nd4j-native linux-x86_64)'),
    'pytorch': dict(torch, framework='PyTorch (Debian python3-torch)'),
    'ratioBest': nd4j['bestEpochSeconds'] / torch['bestEpochSeconds'],
    'ratioMedian': nd4j['medianEpochSeconds'] / torch['medianEpochSeconds'],
    'ratioCpuMedian': statistics.median(nd4j['epochCpuSeconds']) / statistics.median(torch['epochCpuSeconds']),
    'loadAverage': load}, indent=2))
PY
