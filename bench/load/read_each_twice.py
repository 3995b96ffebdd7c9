"""GET /v1/trainees/{id} for every id in a file, twice, over one connection:
the first pass misses the document cache, the second hits it. Exits 1 on any
answer but 200."""
import http.client
import sys

port, key_file, ids_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
key = open(key_file).read().strip()
ids = [line.strip() for line in open(ids_file) if line.strip()]
conn = http.client.HTTPConnection("127.0.0.1", port)
bad = 0
for _ in range(2):
    for trainee in ids:
        conn.request("GET", "/v1/trainees/" + trainee, headers={"Authorization": "Bearer " + key})
        answer = conn.getresponse()
        answer.read()
        bad += answer.status != 200
if bad:
    sys.exit(f"{bad} reads were not 200")
