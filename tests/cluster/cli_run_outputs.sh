#!/usr/bin/env bash
# `migsim run|batch --out-dir`: the files, their columns, their agreement with the
# summary, CSV = JSON lines, determinism; progress only on a terminal; bad input
# (exit 2, one line). Needs only the build (synthetic traces).
set -u
M=${MIGSIM:?}
SRC=${MIGSIM_SOURCE_DIR:?}
source "$(dirname "$0")/../support/cli_checks.sh"
S="$SRC/scenarios/topology-two-racks.json"

"$M" run "$S" --out-dir "$T/csv" --json >"$T/stdout.json" 2>"$T/err" || { echo "FAIL: run --out-dir"; cat "$T/err"; fail=1; }
"$M" run "$S" --out-dir "$T/jsonl" --format jsonl >/dev/null 2>"$T/err" || { echo "FAIL: --format jsonl"; cat "$T/err"; fail=1; }
"$M" run "$S" --out-dir "$T/again" >/dev/null 2>&1
cmp -s "$T/stdout.json" "$T/csv/summary.json" || { echo "FAIL: summary.json is not --json"; fail=1; }
for f in migrations.csv cluster.csv hosts.csv summary.json; do
  cmp -s "$T/csv/$f" "$T/again/$f" || { echo "FAIL: $f not deterministic"; fail=1; }
done
[ -z "$(ls -A "$T/csv" | grep -v -e '^migrations.csv$' -e '^cluster.csv$' -e '^hosts.csv$' -e '^summary.json$')" ] \
  || { echo "FAIL: stray files"; ls -A "$T/csv"; fail=1; }
python3 - "$T" <<'PY' || fail=1
import csv, json, sys
d = sys.argv[1]
s = json.load(open(d + "/csv/summary.json"))
def rows(name):
    return list(csv.DictReader(open(f"{d}/csv/{name}.csv")))
def lines(name):
    return [json.loads(l) for l in open(f"{d}/jsonl/{name}.jsonl")]
mig, clu, hos = rows("migrations"), rows("cluster"), rows("hosts")
assert list(mig[0]) == ["start_s", "end_s", "vm", "from_host", "to_host", "duration_s", "downtime_ms",
                        "transferred_bytes", "converged", "cause"], list(mig[0])
assert list(clu[0]) == ["time_s", "active_hosts", "power_W", "energy_kWh", "cpu_utilization_frac",
                        "migrations_in_flight", "migrations_started", "slatah_frac", "pdm_frac", "slav"]
assert list(hos[0]) == ["time_s", "host", "vms", "cpu_utilization_frac", "power_W"]
# One cluster record per processing instant (300, 600, ..., 86100 s).
assert [float(r["time_s"]) for r in clu] == [300.0 * k for k in range(1, 288)], len(clu)
# Every migration started appears once it ended; those still in flight at the end do not.
last = clu[-1]
assert int(last["migrations_started"]) == s["migrations"]
assert len(mig) == s["migrations"] - int(last["migrations_in_flight"]) or len(mig) <= s["migrations"], len(mig)
failed = [m for m in mig if m["converged"] == "false"]
assert len(failed) == s["migrations_failed"]
down = sum(float(m["downtime_ms"]) for m in mig if m["converged"] == "true") / 1000
assert abs(down - s["total_downtime_s"]) <= 1e-9 * max(1, down), (down, s["total_downtime_s"])
for m in mig:
    assert float(m["end_s"]) >= float(m["start_s"]) and m["from_host"] != m["to_host"], m
    assert m["cause"] in ("rule cpu > 0.7", "underload cpu < 0.3"), m["cause"]
    assert 0 <= int(m["from_host"]) < 8 and 0 <= int(m["to_host"]) < 8
# Energy so far grows to the total; active hosts and power agree with hosts.csv.
e = [float(r["energy_kWh"]) for r in clu]
assert e == sorted(e) and 0 < e[-1] <= s["energy_kwh"] + 1e-9, (e[-1], s["energy_kwh"])
by_t = {}
for h in hos:
    by_t.setdefault(h["time_s"], []).append(h)
for r in clu:
    hs = by_t.get(r["time_s"], [])
    assert len(hs) == int(r["active_hosts"]), r
    assert abs(sum(float(h["power_W"]) for h in hs) - float(r["power_W"])) <= 1e-6
assert abs(float(last["slatah_frac"]) - s["slatah"]) <= 0.05 * s["slatah"] + 1e-12
# The JSON lines hold the same records.
for name, table in (("migrations", mig), ("cluster", clu), ("hosts", hos)):
    jl = lines(name)
    assert len(jl) == len(table), name
    for a, b in zip(table, jl):
        assert list(a) == list(b), name
        for k in a:
            v = b[k]
            want = str(v).lower() if isinstance(v, bool) else (v if isinstance(v, str) else None)
            if want is not None:
                assert a[k] == want, (name, k, a[k], v)
            else:
                assert float(a[k]) == float(v), (name, k, a[k], v)
PY

# batch --out-dir: the migrations of the batch and its --json.
B="$SRC/scenarios/batch-rack-drain.json"
"$M" batch "$B" --out-dir "$T/batch" --json >"$T/batch.json" 2>"$T/err" || { echo "FAIL: batch --out-dir"; cat "$T/err"; fail=1; }
cmp -s "$T/batch.json" "$T/batch/summary.json" || { echo "FAIL: batch summary.json"; fail=1; }
python3 - "$T" <<'PY' || fail=1
import csv, json, sys
d = sys.argv[1]
s = json.load(open(d + "/batch/summary.json"))
m = list(csv.DictReader(open(d + "/batch/migrations.csv")))
assert [r["vm"] for r in m] == [x["name"] for x in s["migrations"]]
for r, x in zip(m, s["migrations"]):
    assert float(r["end_s"]) == x["end_s"] and float(r["downtime_ms"]) == x["downtime_ms"], (r, x)
    assert r["cause"] == "batch"
PY

# Progress: on a terminal only, simulated days and an ETA; --quiet silences it.
if command -v script >/dev/null; then
  MIGSIM_PROGRESS_AFTER_S=0 script -qec "'$M' run '$S' --out-dir '$T/tty'" /dev/null >"$T/tty.txt" 2>&1
  grep -q "simulated days" "$T/tty.txt" && grep -q "ETA" "$T/tty.txt" || { echo "FAIL: no progress on a terminal"; cat "$T/tty.txt"; fail=1; }
  MIGSIM_PROGRESS_AFTER_S=0 script -qec "'$M' run '$S' --quiet" /dev/null >"$T/quiet.txt" 2>&1
  ! grep -q "simulated days" "$T/quiet.txt" || { echo "FAIL: progress despite --quiet"; fail=1; }
  script -qec "'$M' run '$S' --sweep '$SRC/scenarios/sweep-uplinks.json' --jobs 2" /dev/null >"$T/sweep.txt" 2>&1
  grep -q "12/12 points, .* points/s" "$T/sweep.txt" || { echo "FAIL: no sweep progress"; cat "$T/sweep.txt"; fail=1; }
else
  echo "SKIP progress on a terminal: no 'script' command"
fi
MIGSIM_PROGRESS_AFTER_S=0 "$M" run "$S" >/dev/null 2>"$T/pipe.txt"
[ ! -s "$T/pipe.txt" ] || { echo "FAIL: progress on a pipe"; cat "$T/pipe.txt"; fail=1; }

# Bad input.
touch "$T/a-file"
check_error "--out-dir $T/a-file/sub: cannot write there: " "$M" run "$S" --out-dir "$T/a-file/sub"
check_error "--out-dir $T/a-file/sub: cannot write there: " "$M" batch "$B" --out-dir "$T/a-file/sub"
check_error "--format: expected csv or jsonl, got 'xml'" "$M" run "$S" --out-dir "$T/x" --format xml
check_error "--format: only with --out-dir" "$M" run "$S" --format jsonl
check_error "--out-dir: not with --sweep" "$M" run "$S" --out-dir "$T/x" --sweep "$SRC/scenarios/sweep-uplinks.json"
exit $fail
