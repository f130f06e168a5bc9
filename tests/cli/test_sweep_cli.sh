#!/usr/bin/env bash
# `migsim sweep`: cartesian product, point order independent of --jobs, atomic output, errors.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
SPEC=${SPEC:?set SPEC to scenarios/sweep-example.json}
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$M" sweep "$SPEC" --jobs 1 --out "$tmp/one.jsonl" --quiet; rc=$?
check "sweep exits 0" "[ $rc -eq 0 ]"
check "24 points (4 x 3 x 2)" "[ \$(wc -l < $tmp/one.jsonl) -eq 24 ]"
"$M" sweep "$SPEC" --jobs 2 --out "$tmp/two.jsonl" --quiet
check "same bytes with 2 jobs" "cmp -s $tmp/one.jsonl $tmp/two.jsonl"
check "points in order, last axis fastest" "python3 - $tmp/one.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r['point'] for r in rows] == list(range(24))
assert rows[0]['coordinates'] == {'dirty_pages_per_sec': 2000, 'downtime_limit_ms': 30, 'max_bandwidth_mibps': 128}
assert rows[1]['coordinates']['max_bandwidth_mibps'] == 400 and rows[1]['coordinates']['downtime_limit_ms'] == 30
# more dirtying never makes a migration at the same settings shorter
by = {(r['coordinates']['max_bandwidth_mibps'], r['coordinates']['downtime_limit_ms'], r['coordinates']['dirty_pages_per_sec']): r for r in rows}
for bw in (128, 400, 1000):
    for dl in (30, 300):
        t = [by[(bw, dl, p)]['total_time_ms'] for p in (2000, 10000, 30000, 60000)]
        assert t == sorted(t), (bw, dl, t)
PY"
"$M" sweep "$SPEC" --model all --json --quiet > "$tmp/all.jsonl"
check "--model all gives 3 rows a point" "[ \$(wc -l < $tmp/all.jsonl) -eq 72 ]"

echo '{"ram_mib": 512, "wss_mib": []}' > "$tmp/empty.json"
err=$("$M" sweep "$tmp/empty.json" 2>&1 >/dev/null); rc=$?
check "empty axis: exit 2" "[ $rc -eq 2 ]"
check "empty axis: names the field" "grep -q 'wss_mib' <<<\"\$err\""
echo '{"ram_mib": [512, 256], "wss_mib": 384, "dirty_pages_per_sec": 10}' > "$tmp/bad.json"
err=$("$M" sweep "$tmp/bad.json" --out "$tmp/bad.jsonl" 2>&1 >/dev/null); rc=$?
check "impossible point: exit 2" "[ $rc -eq 2 ]"
check "impossible point: names the point" "grep -q 'point 1' <<<\"\$err\""
check "impossible point: no output file" "[ ! -e $tmp/bad.jsonl ]"
echo '{"ram_mib": 512, "frobnicate": [1, 2]}' > "$tmp/unknown.json"
"$M" sweep "$tmp/unknown.json" >/dev/null 2>&1; rc=$?
check "unknown key: exit 2" "[ $rc -eq 2 ]"
exit $fail
