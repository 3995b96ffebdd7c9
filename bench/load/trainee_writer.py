#!/usr/bin/env python3
"""Changes trainee profiles at a steady rate through the API, until killed:
each write sets a random trainee's skills to a random Python level (which moves
it in or out of projects' candidate lists), or its city (which changes its card
only). Usage: trainee_writer.py PORT KEY IDS_FILE [writes_per_second]"""
import json
import random
import sys
import time
import urllib.request

port, key, ids_file = sys.argv[1], sys.argv[2], sys.argv[3]
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
ids = [line.strip() for line in open(ids_file) if line.strip()]
rng = random.Random(7)
done = failed = 0
next_at = time.monotonic()
while True:
    trainee = rng.choice(ids)
    if rng.random() < 0.7:
        body = {"skills": [{"skill": "python", "level": rng.randint(1, 5)},
                           {"skill": "sql", "level": rng.randint(1, 5)}]}
    else:
        body = {"city": rng.choice(["Dhaka", "Chattogram", "Khulna", "Sylhet"])}
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/trainees/{trainee}", method="PATCH",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/merge-patch+json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            done += r.status == 200
    except Exception as e:  # noqa: BLE001 - counted and reported
        failed += 1
        if failed <= 3:
            print(f"write failed: {e}", file=sys.stderr, flush=True)
    next_at += 1.0 / rate
    time.sleep(max(0.0, next_at - time.monotonic()))
