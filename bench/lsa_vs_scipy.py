#!/usr/bin/env python3
"""Times kakehashi's assignment solver and SciPy's linear_sum_assignment on the
same score-derived 2000 x 2000 matrix, in one run, alternating the two.

    ../shared/tools/with-scipy python3 bench/lsa_vs_scipy.py build/bench/bench/lsa_tool [rounds]
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

tool = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
n = 2000
ours, theirs = [], []
with tempfile.NamedTemporaryFile(suffix=".f64") as f:
    for _ in range(rounds):
        out = json.loads(subprocess.check_output([tool, f.name, "1", str(n)]))
        ours.append(out["median_seconds"])
        ours_total = out["total"]
        w = np.fromfile(f.name, dtype=np.float64).reshape(n, n)
        start = time.perf_counter()
        rows, cols = linear_sum_assignment(w, maximize=True)
        theirs.append(time.perf_counter() - start)
        scipy_total = float(w[rows, cols].sum())
print(json.dumps({
    "n": n,
    "rounds": rounds,
    "kakehashi_median_s": round(statistics.median(ours), 4),
    "scipy_median_s": round(statistics.median(theirs), 4),
    "scipy_over_kakehashi": round(statistics.median(theirs) / statistics.median(ours), 2),
    "kakehashi_total": round(ours_total, 9),
    "scipy_total": round(scipy_total, 9),
    "same_total": abs(ours_total - scipy_total) < 1e-6,
}))
