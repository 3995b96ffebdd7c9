#!/usr/bin/env python3
"""Reads the logs bench/all.sh leaves and prints issue #14's table: each row's
figure, and the reference measured in the same run.

    bench/table.py LOG_DIR TRAINEES PROJECTS GROWTH_TRAINEES GROWTH_PROJECTS
"""
import json
import os
import re
import statistics
import sys

logs, n, p, gn, gp = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])


def text(name):
    try:
        with open(os.path.join(logs, name + ".log"), encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_blocks(t):
    """(requests/s, p99 ms) of each wrk summary in order."""
    out = []
    p99 = None  # wrk prints the percentiles before the rate
    for line in t.splitlines():
        m = re.search(r"\b99%\s+([\d.]+)(us|ms|s)\b", line)
        if m:
            p99 = ms(m.group(1), m.group(2))
        m = re.search(r"Requests/sec:\s+([\d.]+)", line)
        if m:
            out.append([float(m.group(1)), p99])
            p99 = None
    return out


def rounds(t):
    return [float(x) for x in re.findall(r"HTTP 20\d, ([\d.]+) s end to end", t)]


def k(x):
    return f"{x // 1000}k" if x % 1000 == 0 else f"{x:,}"


def fmt(x, digits=0):
    return "—" if x is None else f"{x:,.{digits}f}"


rows = []
ceiling = wrk_blocks(text("ceiling"))
match = text("matching")
blocks = wrk_blocks(match)  # healthz, candidates, healthz, candidates
healthz = statistics.median(b[0] for b in blocks[0::2]) if blocks else None
cands = blocks[1::2]
r = rounds(match)
stable, max_score = (r + [None, None])[:2]
stability = re.search(r"stability (\{[^}]*\})", match)
rows.append(("fixed keep-alive reply (`bench/keepalive_reply`), `wrk -t2 -c32`",
             f"{fmt(ceiling[0][0] if ceiling else None)} req/s", "the ceiling of this machine and wrk"))
rows.append(("kakehashi `GET /healthz`", f"{fmt(healthz)} req/s",
             f"{(healthz / ceiling[0][0]):.2f} of the ceiling" if healthz and ceiling else "—"))
rows.append((f"`max_score` round, {k(n)} × {k(p)}, HTTP request to stored matches",
             f"{fmt(max_score, 2)} s", f"`stable` {fmt(stable, 2)} s in the same run"))
rows.append((f"`stable` round, same data", f"{fmt(stable, 2)} s",
             f"stability {stability.group(1) if stability else '—'}"))
lsa = text("lsa")
try:
    j = json.loads(lsa.strip().splitlines()[-1])
    rows.append(("dense assignment 2000 × 2000 (`lsa_vs_scipy.py`)",
                 f"SciPy ÷ ours = {j['scipy_over_kakehashi']}",
                 f"ours {j['kakehashi_median_s']} s, SciPy {j['scipy_median_s']} s, same total: {j['same_total']}"))
except (ValueError, IndexError, KeyError):
    rows.append(("dense assignment 2000 × 2000 (`lsa_vs_scipy.py`)", "—", lsa.strip()[:80] or "—"))
cold = text("cold_reads")
ours = re.search(r"kakehashi cold GET trainee\s+(\d+) req/s\n", cold)
ratio = re.search(r"kakehashi / best peer: ([\d.]+)", cold)
peers = re.findall(r"(express\+pg|fastapi\+asyncpg) GET trainee\s+(\d+) req/s\n", cold)
rows.append(("`GET /v1/trainees/{id}`, every read a cache miss",
             f"{fmt(float(ours.group(1)) if ours else None)} req/s = {ratio.group(1) if ratio else '—'} × the best peer",
             ", ".join(f"{k} {int(v):,}" for k, v in peers) or "—"))
uw = text("under_writes")
writes = [ms(v, u) for v, u in re.findall(r"new, \d+ writes/s: +99%\s+([\d.]+)(us|ms|s)", uw)]
quiet = [ms(v, u) for v, u in re.findall(r"new, no writes: +99%\s+([\d.]+)(us|ms|s)", uw)]
rows.append((f"candidates top-20 at {k(n)}, ~10 trainee writes/s, p99",
             f"{fmt(statistics.median(writes) if writes else None, 1)} ms",
             f"p99 without writes {fmt(statistics.median(quiet) if quiet else None, 1)} ms"))
fp = re.search(r"p50 ([\d.]+) ms, p90 [\d.]+ ms, p99 ([\d.]+) ms", match)
rows.append(("candidates top-20, first pass over 500 projects (cache cold), 4 clients",
             f"p99 {fp.group(2) if fp else '—'} ms", f"p50 {fp.group(1) if fp else '—'} ms; warm p99 "
             f"{fmt(statistics.median(c[1] for c in cands) if cands else None, 1)} ms"))
imp = text("import")
ki = re.search(r"kakehashi import: ([\d.]+) s, ([\d,]+) rows/s", imp)
pc = re.search(r"psql \\copy \(plain table\): ([\d.]+) s, ([\d,]+) rows/s", imp)
if ki and pc:
    a, b = float(ki.group(2).replace(",", "")), float(pc.group(2).replace(",", ""))
    rows.append((f"import of {k(n)} CSV rows", f"{ki.group(1)} s = {a / b:.3f} × the plain copy's rows/s",
                 f"`psql \\copy` into a plain table {pc.group(1)} s"))
else:
    rows.append((f"import of {k(n)} CSV rows", "—", "—"))
g = rounds(text("growth"))
# growth_ab.sh's lines: "<label> <trainees> stable end_to_end_s <s> ...", the sizes alternated.
walls = {}
for size, wall in re.findall(r"^\w+ (\d+) stable end_to_end_s ([\d.]+)", text("growth_median"), re.M):
    walls.setdefault(int(size), []).append(float(wall))
if walls.get(n) and walls.get(gn):
    small, large = statistics.median(walls[n]), statistics.median(walls[gn])
    single = f"; one run each: {g[0]:.2f} s against {stable:.2f} s" if g and stable else ""
    rows.append((f"growth: `stable` at {k(gn)} × {k(gp)} against {k(n)} × {k(p)}",
                 f"{large:.2f} s against {small:.2f} s = {large / small:.2f}× (medians of "
                 f"{len(walls[gn])} and {len(walls[n])}, alternated)",
                 f"`max_score` {fmt(g[1] if g and len(g) > 1 else None, 2)} s against "
                 f"{fmt(max_score, 2)} s{single}"))
elif g and stable:
    rows.append((f"growth: `stable` at {k(gn)} × {k(gp)} against {k(n)} × {k(p)}",
                 f"{g[0]:.2f} s against {stable:.2f} s = {g[0] / stable:.1f}×",
                 f"`max_score` {fmt(g[1] if len(g) > 1 else None, 2)} s against {fmt(max_score, 2)} s"))
else:
    rows.append(("growth", "—", "—"))
mem = re.findall(r"VmHWM:\s*(\d+) kB VmRSS:\s*(\d+) kB", text("memory"))
if mem:
    hwm, rss = mem[-1]
    rows.append((f"service memory at {k(n)} trainees after loading (nothing cached)",
                 f"RSS {int(rss) / 1024:.0f} MiB", f"peak {int(hwm) / 1024:.0f} MiB"))

print("| what | figure | in the same run |")
print("|---|---|---|")
for a, b, c in rows:
    print(f"| {a} | {b} | {c} |")
