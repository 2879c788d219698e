"""Single-thread numpy float32 matmul throughput, the reference the analog MVM kernel is compared against.

Usage: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/numpy_matmul.py R C T [R C T ...]
Computes y[T x C] = x[T x R] @ W[C x R].T (the kernel's orientation) and prints one JSON object:
{"numpy": version, "blas": name, "results": [{"rows": R, "cols": C, "tokens": T, "gflops": ..., "seconds": ...}]}.
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def blas_name() -> str:
    """The BLAS shared library actually loaded (Debian's numpy links libblas.so.3, an alternatives link)."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line})
        return ", ".join(os.path.realpath(p) for p in libs) or "unknown"
    except OSError:
        return "unknown"


def measure(rows: int, cols: int, tokens: int, min_seconds: float = 0.5) -> dict:
    rng = np.random.default_rng(1)
    w = rng.standard_normal((cols, rows), dtype=np.float32)
    x = rng.standard_normal((tokens, rows), dtype=np.float32)
    y = np.empty((tokens, cols), dtype=np.float32)
    np.matmul(x, w.T, out=y)  # warm-up
    reps = 0
    t0 = time.perf_counter()
    while True:
        np.matmul(x, w.T, out=y)
        reps += 1
        dt = time.perf_counter() - t0
        if dt >= min_seconds and reps >= 3:
            break
    flops = 2.0 * rows * cols * tokens * reps
    return {"rows": rows, "cols": cols, "tokens": tokens, "gflops": flops / dt / 1e9, "seconds": dt / reps}


def main() -> None:
    args = [int(a) for a in sys.argv[1:]]
    if len(args) == 0 or len(args) % 3 != 0:
        raise SystemExit("usage: numpy_matmul.py R C T [R C T ...]")
    shapes = [tuple(args[i : i + 3]) for i in range(0, len(args), 3)]
    out = {"numpy": np.__version__, "blas": blas_name(), "results": [measure(*s) for s in shapes]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
