#!/usr/bin/env bash
# The import's registered-email lookup (store::organization_emails), both ways,
# in one psql session: a file's emails probed against the unique key, against
# reading every email of the organization. Run inside a throw-away cluster:
#   pg_virtualenv -t -v 15 -o fsync=off bench/load/email_lookup.sh
set -euo pipefail
sql=$(mktemp)
trap 'rm -f "$sql"' EXIT
python3 - "$sql" <<'PY'
import json, sys
probe = ("SELECT count(*) FROM tp WHERE organization_id = '%s' AND (lower(email) COLLATE \"C\") "
         "IN (SELECT value COLLATE \"C\" FROM jsonb_array_elements_text('%s'::jsonb));\n")
big, empty = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"
new = json.dumps(["new%d@example.com" % i for i in range(100000)])
old = json.dumps(["user%d@example.com" % i for i in range(100000)])
with open(sys.argv[1], "w") as f:
    f.write("""CREATE TABLE tp (trainee_id uuid, organization_id uuid, email text);
CREATE UNIQUE INDEX tp_key ON tp (organization_id, (lower(email) COLLATE "C"));
INSERT INTO tp SELECT gen_random_uuid(), '%s', 'user' || g || '@example.com'
  FROM generate_series(1, 270000) g;
ANALYZE tp;
\\timing on
\\echo one email probed
""" % big)
    f.write(probe % (big, '["user5@example.com"]'))
    f.write("\\echo every email of the organization read\n")
    f.write("SELECT count(*) FROM (SELECT lower(email) FROM tp WHERE organization_id = '%s') x;\n" % big)
    for label, org, arr in (("100k probed, empty organization", empty, new),
                            ("100k probed, 270k organization", big, old)):
        f.write("\\echo %s\n" % label)
        f.write(probe % (org, arr))
        f.write(probe % (org, arr))
PY
psql -q -X -f "$sql" | grep -E '^(one|every|100k)|^Time'
