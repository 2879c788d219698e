"""Single-thread numpy float32 matmul throughput: the reference the linear-layer kernels are compared against.

Run by bench/numerics.bench.ts as a persistent process (interleaved with the TypeScript kernels, shape by
shape, so both see the same machine load):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
      /usr/bin/python3 bench/numpy_matmul.py --serve
First line out: {"numpy": version, "python": path, "blas": threadpoolctl's view of the BLAS that runs}.
Then for each input line "R C T SECONDS": computes y[T x C] = x[T x R] @ W[C x R].T (the kernels'
orientation) repeatedly for at least SECONDS of this thread's CPU time and prints
{"rows": R, "cols": C, "tokens": T, "gflops": ..., "gflopsWall": ..., "seconds": ...}.
CPU time (time.thread_time) rather than wall time: on a machine shared with other jobs, wall time counts
the time the thread waited for a core.
Exits non-zero, with the reason on stderr, when numpy is missing or its BLAS is not a single-thread OpenBLAS.
"""
import json
import os
import sys
import time

try:
    import numpy as np
except ImportError as e:  # pragma: no cover
    sys.exit(f"numpy is not importable by {sys.executable}: {e} (apt-get install -y python3-numpy libopenblas0)")


def blas_info() -> dict:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        sys.exit(f"threadpoolctl is not importable by {sys.executable} (apt-get install -y python3-threadpoolctl)")
    blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if not blas:
        sys.exit("threadpoolctl finds no BLAS loaded by numpy")
    b = blas[0]
    if b.get("internal_api") != "openblas":
        sys.exit(f"numpy's BLAS is {b.get('internal_api')} ({b.get('filepath')}), not OpenBLAS: "
                 "apt-get install -y libopenblas0 (and select it with update-alternatives)")
    if b.get("num_threads") != 1:
        sys.exit(f"OpenBLAS runs {b.get('num_threads')} threads; set OPENBLAS_NUM_THREADS=1")
    return {k: b.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}


def measure(rows: int, cols: int, tokens: int, min_seconds: float) -> dict:
    rng = np.random.default_rng(1)
    w = rng.standard_normal((cols, rows), dtype=np.float32)
    x = rng.standard_normal((tokens, rows), dtype=np.float32)
    y = np.empty((tokens, cols), dtype=np.float32)
    np.matmul(x, w.T, out=y)  # warm-up
    # the clock is read once per batch of calls lasting about 2 ms (bench/numerics.bench.ts does the same), so
    # that reading it does not weigh on calls of a few microseconds
    c1 = time.thread_time()
    np.matmul(x, w.T, out=y)
    batch = max(1, int(0.002 / max(time.thread_time() - c1, 1e-7)))
    reps = 0
    c0 = time.thread_time()
    t0 = time.perf_counter()
    while True:
        for _ in range(batch):
            np.matmul(x, w.T, out=y)
        reps += batch
        dc = time.thread_time() - c0
        if dc >= min_seconds and reps >= 3:
            break
    dt = time.perf_counter() - t0
    flops = 2.0 * rows * cols * tokens * reps
    return {"rows": rows, "cols": cols, "tokens": tokens, "gflops": flops / dc / 1e9, "gflopsWall": flops / dt / 1e9,
            "seconds": dc / reps}


def main() -> None:
    if sys.argv[1:] != ["--serve"]:
        raise SystemExit("usage: numpy_matmul.py --serve   (then lines 'R C T SECONDS' on stdin)")
    header = {"numpy": np.__version__, "python": sys.executable, "blas": blas_info(),
              "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}}
    print(json.dumps(header), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        r, c, t, s = line.split()
        print(json.dumps(measure(int(r), int(c), int(t), float(s))), flush=True)


if __name__ == "__main__":
    main()
