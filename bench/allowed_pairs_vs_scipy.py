#!/usr/bin/env python3
"""max_score honours refusals and is optimal over the allowed pairs (issue 15):
allowed_pairs_tool solves a demo-sized round (5,000 trainees, 200 projects,
one eligible pair in ten refused by its trainee) with kakehashi's max_score
over the allowed pairs; SciPy's min_weight_full_bipartite_matching solves the
same allowed pairs (seat-expanded, one "unassigned" column per trainee, as in
max_score_vs_scipy.py). Both totals must agree, and no assigned pair may be
refused. SciPy over every eligible pair (refusals ignored) is printed too:
the price of the refusals.

    ../shared/tools/with-scipy python3 bench/allowed_pairs_vs_scipy.py build/bench/bench/allowed_pairs_tool [seed]
"""
import json
import subprocess
import sys
import tempfile

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

tool = sys.argv[1]
seed = sys.argv[2] if len(sys.argv) > 2 else "15"
with tempfile.NamedTemporaryFile(suffix=".bin") as f:
    ours = json.loads(subprocess.check_output([tool, f.name, seed]))
    raw = open(f.name, "rb").read()
n_t, n_p, n_e, n_a = (int(x) for x in np.frombuffer(raw, dtype=np.int64, count=4))
off = 32
caps = np.frombuffer(raw, dtype=np.int64, count=n_p, offset=off)
off += 8 * n_p
edges = np.frombuffer(raw, dtype=np.dtype([("t", "<i8"), ("p", "<i8"), ("s", "<f8"), ("r", "<i8")]),
                      count=n_e, offset=off)
off += 32 * n_e
assigned = np.frombuffer(raw, dtype=np.dtype([("t", "<i8"), ("p", "<i8")]), count=n_a, offset=off)


def best_total(rec):
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
    ri, ci = min_weight_full_bipartite_matching(m, maximize=True)
    return float(np.asarray(m[ri, ci]).sum()) - len(rows_of)


allowed = edges[edges["r"] == 0]
refused = set(zip(edges["t"][edges["r"] == 1].tolist(), edges["p"][edges["r"] == 1].tolist()))
assigned_refused = sum((int(t), int(p)) in refused for t, p in zip(assigned["t"], assigned["p"]))
scipy_allowed = best_total(allowed)
scipy_all = best_total(edges)
print(json.dumps({"ours": ours, "scipy_allowed_total": round(scipy_allowed, 9),
                  "scipy_all_pairs_total": round(scipy_all, 9),
                  "assigned_refused_pairs": assigned_refused,
                  "same_total": abs(scipy_allowed - ours["total"]) < 1e-6}))
sys.exit(0 if assigned_refused == 0 and abs(scipy_allowed - ours["total"]) < 1e-6 else 1)
