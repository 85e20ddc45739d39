#!/usr/bin/env bash
# Why ND4J's 1024 x 1024 sgemm looked slow here (MEASUREMENTS.md: 35-54 GFLOP/s against numpy's
# 120): bench/Nd4jMatmul.java under each thread setting, with numpy (Debian's OpenBLAS) beside it.
# Prints one JSON object: {"numpy": {...}, "nd4j": [{setting, results}...], "loadAverage": ...}.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mvn -q -B -DskipTests compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >&2
cp="$(cat target/bench-classpath.txt)"
run() { # $1 = label, rest = env assignments and arguments
  local label=$1; shift
  local json
  json=$(env "$@" 2>/dev/null | grep '^{')
  printf '{"setting": "%s", "results": %s}' "$label" "$json"
}
nd4j() { echo java -cp "$cp" bench/Nd4jMatmul.java "$@"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results=(
  "$(run 'default (2 threads, OMP_WAIT_POLICY unset)' $(nd4j))"
  "$(run 'OMP_WAIT_POLICY=PASSIVE' OMP_WAIT_POLICY=PASSIVE $(nd4j))"
  "$(run 'ND4J and BLAS threads set to 1 in-process' $(nd4j 1))"
  "$(run 'OMP_NUM_THREADS=1' OMP_NUM_THREADS=1 $(nd4j))"
)
numpy=$(/usr/bin/python3 - <<'PY'
import json, os, time
import numpy as np
def gf(threads):
    import subprocess, sys
    code = ("import numpy as np, time\n"
            "a=np.random.rand(1024,1024).astype(np.float32); b=a.copy()\n"
            "[a@b for _ in range(5)]\nbest=0\n"
            "for t in range(5):\n s=time.perf_counter()\n for _ in range(20): a@b\n"
            " best=max(best,2*1024**3*20/(time.perf_counter()-s)/1e9)\nprint(round(best,1))")
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    return float(subprocess.check_output([sys.executable, '-c', code], env=env))
print(json.dumps({'threads1': gf(1), 'threads2': gf(2), 'version': np.__version__}))
PY
)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
printf '{\n  "gflops": "single-precision 1024x1024; ND4J variants round-robin, best of 7 x 10 products; numpy best of 5 x 20",\n  "numpy": %s,\n  "nd4j": [\n    %s\n  ],\n  "loadAverage": ["%s", "%s"]\n}\n' \
  "$numpy" "$(IFS=$'\n'; echo "${results[*]}" | paste -sd',' | sed 's/},{"setting"/},\n    {"setting"/g')" "$load_before" "$load_after"
