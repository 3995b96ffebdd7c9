#!/usr/bin/env python3
"""The first read of each project's candidates (every one a cache miss): 500
projects, 4 keep-alive clients, each request timed; prints p50/p90/p99/max.
Usage: candidates_first_pass.py PORT KEY IDS_FILE [projects] [clients]"""
import http.client
import statistics
import sys
import threading
import time

port, key, ids_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 500
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 4
ids = [line.strip() for line in open(ids_file) if line.strip()][:count]
times, statuses, lock = [], {}, threading.Lock()


def client(mine):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for project in mine:
        start = time.perf_counter()
        conn.request("GET", f"/v1/projects/{project}/candidates?limit=20",
                     headers={"Authorization": f"Bearer {key}"})
        r = conn.getresponse()
        r.read()
        took = (time.perf_counter() - start) * 1000
        with lock:
            times.append(took)
            statuses[r.status] = statuses.get(r.status, 0) + 1


threads = [threading.Thread(target=client, args=(ids[i::clients],)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
times.sort()
q = statistics.quantiles(times, n=100)
print(f"{len(times)} first reads, statuses {statuses}: p50 {q[49]:.1f} ms, p90 {q[89]:.1f} ms, "
      f"p99 {q[98]:.1f} ms, max {times[-1]:.1f} ms")
