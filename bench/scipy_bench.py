#!/usr/bin/python3
"""The engine's three primitives in scipy, as the reference for `diffeolens bench`.

Same sizes and operators as the Java benchmark (org.diffeolens.bench.Primitives):
  kernel    out = irfftn(rfftn(v_c) * K) per component, K = 1/(gamma + alpha mu)^order with
            mu(k) = sum_d (2 - 2 cos(2 pi k_d / N_d)) / h_d^2 (the discrete Laplacian's eigenvalues),
            scipy.fft with `workers`, in float64 (the engine's precision) and float32;
  gradient  numpy.gradient of an N^3 scalar field (central differences, one-sided at the border);
  warp      scipy.ndimage.map_coordinates(order=1) of an N^3 image at x + u(x), u a smooth displacement.
Prints one JSON object. Run with Debian's /usr/bin/python3 (python3-scipy, python3-numpy).
"""
import argparse
import json
import os
import platform
import statistics
import time

import numpy as np
import scipy
import scipy.fft
import scipy.ndimage


def timed(op, warmup, repeat):
    for _ in range(warmup):
        op()
    runs = []
    c0 = time.process_time()
    for _ in range(repeat):
        t0 = time.perf_counter()
        op()
        runs.append((time.perf_counter() - t0) * 1e3)
    # cpuMs: CPU time of the whole process (all threads) per run, averaged, as the Java benchmark reports it
    cpu = (time.process_time() - c0) * 1e3 / repeat
    return {"medianMs": round(statistics.median(runs), 3), "minMs": round(min(runs), 3),
            "maxMs": round(max(runs), 3), "cpuMs": round(cpu, 3), "runs": repeat}


def multiplier(shape, spacing, alpha, gamma, order, dtype):
    """K on the half spectrum of rfftn (last axis halved)."""
    mu = 0
    for d, (n, h) in enumerate(zip(shape, spacing)):
        k = np.arange(n // 2 + 1 if d == len(shape) - 1 else n)
        e = (2 - 2 * np.cos(2 * np.pi * k / n)) / (h * h)
        mu = np.add.outer(mu, e) if d else e
    return ((gamma + alpha * mu) ** -order).astype(dtype)


def kernel(n, workers, dtype, warmup, repeat, alpha=9.0, gamma=1.0, order=2.0):
    shape = (n, n, n)
    rng = np.random.default_rng(1)
    v = [(rng.random(shape) - 0.5).astype(dtype) for _ in range(3)]
    m = multiplier(shape, (1.0, 1.0, 1.0), alpha, gamma, order, dtype)
    out = [None] * 3

    def apply():
        for c in range(3):
            out[c] = scipy.fft.irfftn(scipy.fft.rfftn(v[c], workers=workers) * m, s=shape, workers=workers)

    r = timed(apply, warmup, repeat)
    r.update({"size": list(shape), "components": 3, "precision": np.dtype(dtype).name,
              "alpha": alpha, "gamma": gamma, "order": order,
              "operation": "scipy.fft.rfftn/irfftn workers=%d" % workers})
    return r


def gradient(n, warmup, repeat):
    rng = np.random.default_rng(2)
    f = rng.random((n, n, n)) - 0.5
    r = timed(lambda: np.gradient(f), warmup, repeat)
    r.update({"size": [n, n, n], "precision": "float64", "operation": "numpy.gradient"})
    return r


def warp(n, warmup, repeat):
    """Displacement: the Java benchmark's three Gaussian bumps of 4 voxels (Phantoms.deformation)."""
    rng = np.random.default_rng(3)
    f = rng.random((n, n, n)) - 0.5
    z, y, x = np.meshgrid(np.arange(n, dtype=float), np.arange(n, dtype=float), np.arange(n, dtype=float),
                          indexing="ij")
    centres = [(0.35, 0.4, 0.45), (0.65, 0.55, 0.5), (0.45, 0.7, 0.6)]
    pushes = [(1, 0.5, -0.3), (-0.6, 0.8, 0.4), (0.3, -0.9, 0.6)]
    width = n / 6.0
    ux = np.zeros_like(x)
    uy = np.zeros_like(x)
    uz = np.zeros_like(x)
    for (cx, cy, cz), (px, py, pz) in zip(centres, pushes):
        bump = 4 * np.exp(-((x - cx * n) ** 2 + (y - cy * n) ** 2 + (z - cz * n) ** 2) / (2 * width * width))
        ux += bump * px
        uy += bump * py
        uz += bump * pz
    coords = np.stack([z + uz, y + uy, x + ux])
    r = timed(lambda: scipy.ndimage.map_coordinates(f, coords, order=1, mode="nearest"), warmup, repeat)
    r.update({"size": [n, n, n], "precision": "float64",
              "operation": "scipy.ndimage.map_coordinates order=1 (single-threaded)"})
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--only", default="kernel,gradient,warp")
    a = ap.parse_args()
    only = a.only.split(",")
    out = {"machine": {"cores": os.cpu_count(), "workers": a.workers, "python": platform.python_version(),
                       "numpy": np.__version__, "scipy": scipy.__version__}}
    if "kernel" in only:
        out["kernel"] = kernel(a.size, a.workers, np.float64, a.warmup, a.repeat)
        out["kernelFloat32"] = kernel(a.size, a.workers, np.float32, a.warmup, a.repeat)
    if "gradient" in only:
        out["gradient"] = gradient(a.size, a.warmup, a.repeat)
    if "warp" in only:
        out["warp"] = warp(a.size, a.warmup, a.repeat)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
