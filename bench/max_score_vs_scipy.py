#!/usr/bin/env python3
"""Solves the same sparse max-score round as kakehashi's flow with SciPy's
scipy.sparse.csgraph.min_weight_full_bipartite_matching (LAPJVsp), and checks
that both reach the same total. max_score_tool writes the instance (100k x 2k,
each project's best 10 x headcount + 20 candidates, no organization cap: SciPy
has no caps) and times kakehashi's old and new flows in the same run.

    ../shared/tools/with-scipy python3 bench/max_score_vs_scipy.py build/bench/bench/max_score_tool [rounds]

The matching problem is the seat-expanded graph: one column per seat (a project
of capacity c is c columns with the same weights) plus one "unassigned" column
per trainee, so that a full matching of the trainees always exists. Weights are
score + 1 (1 for unassigned), so no weight is zero and the optimum's weight is
(trainees with an edge) + the best total score.
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

tool = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
with tempfile.NamedTemporaryFile(suffix=".bin") as f:
    ours = json.loads(subprocess.check_output([tool, str(rounds), "0", f.name]))
    raw = open(f.name, "rb").read()
header = np.frombuffer(raw, dtype=np.int64, count=3)
n_t, n_p, n_e = (int(x) for x in header)
caps = np.frombuffer(raw, dtype=np.int64, count=n_p, offset=24)
rec = np.frombuffer(raw, dtype=np.dtype([("t", "<i8"), ("p", "<i8"), ("s", "<f8")]),
                    count=n_e, offset=24 + 8 * n_p)
# Rows: trainees with an edge. Columns: usable seats, then one per row.
rows_of = np.unique(rec["t"])
row = np.searchsorted(rows_of, rec["t"])
degree = np.bincount(rec["p"], minlength=n_p)
seats = np.minimum(np.maximum(caps, 0), degree)
first = np.concatenate(([0], np.cumsum(seats)[:-1]))
n_seats = int(seats.sum())
r_idx, c_idx, w = [], [], []
for k in range(int(seats.max())):
    has = seats[rec["p"]] > k
    r_idx.append(row[has])
    c_idx.append(first[rec["p"][has]] + k)
    w.append(rec["s"][has] + 1.0)
r_idx.append(np.arange(len(rows_of)))
c_idx.append(n_seats + np.arange(len(rows_of)))
w.append(np.ones(len(rows_of)))
m = csr_matrix((np.concatenate(w), (np.concatenate(r_idx), np.concatenate(c_idx))),
               shape=(len(rows_of), n_seats + len(rows_of)))
times = []
for _ in range(rounds):
    start = time.perf_counter()
    ri, ci = min_weight_full_bipartite_matching(m, maximize=True)
    times.append(time.perf_counter() - start)
total = float(np.asarray(m[ri, ci]).sum()) - len(rows_of)
print(json.dumps({
    "trainees_with_edges": int(len(rows_of)), "edges": n_e, "seat_expanded_nonzeros": int(m.nnz),
    "rounds": rounds,
    "kakehashi_old_median_s": ours["old_median_s"],
    "kakehashi_new_median_s": ours["new_median_s"],
    "scipy_median_s": round(statistics.median(times), 4),
    "scipy_over_new": round(statistics.median(times) / ours["new_median_s"], 2),
    "kakehashi_total": ours["new_total"], "old_total": ours["old_total"],
    "scipy_total": round(total, 9),
    "same_total": abs(total - ours["new_total"]) < 1e-6 and abs(ours["old_total"] - ours["new_total"]) < 1e-6,
}))
