#!/usr/bin/env bash
# `migsim run` contract: JSON keys, the bundled default scenario, and bad input
# (exit 2, one line naming file/line/field). Needs only the build (synthetic traces).
set -u
M=${MIGSIM:?}
SRC=${MIGSIM_SOURCE_DIR:?}
source "$(dirname "$0")/../support/cli_checks.sh"

# A small synthetic scenario in CloudSim semantics, every CloudSim policy name.
python3 - "$SRC/scenarios/cloudsim-planetlab.json" "$T/small.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["host_types"][0]["count"] = 10
s["host_types"][1]["count"] = 10
s["workload"] = {"source": "synthetic", "vms": 30, "seed": 3, "samples": 288, "interval_s": 300}
json.dump(s, open(sys.argv[2], "w"))
PY
for p in npa dvfs thr-mmt thr-mc thr-rs thr-mu iqr-mmt mad-mu lr-mc lrr-rs; do
  if ! "$M" run "$T/small.json" --policy $p --json >"$T/$p.json" 2>"$T/err"; then
    echo "FAIL: run --policy $p"; cat "$T/err"; fail=1; continue
  fi
  python3 - "$T/$p.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
for k in ["energy_kwh", "migrations", "slatah", "pdm", "slav", "esv", "host_shutdowns", "hosts", "vms"]:
    assert k in d, k
assert d["hosts"] == 20 and d["vms"] == 30, d
assert abs(d["slav"] - d["slatah"] * d["pdm"]) <= 1e-15 + 1e-9 * d["slav"]
PY
done
# Same inputs, byte-identical output.
"$M" run "$T/small.json" --policy thr-rs --json --seed 5 >"$T/a" && "$M" run "$T/small.json" --policy thr-rs --json --seed 5 >"$T/b"
cmp -s "$T/a" "$T/b" || { echo "FAIL: not deterministic"; fail=1; }
# The bundled default (synthetic, rule policy, migsim mode) runs and prints a summary.
"$M" run "$SRC/scenarios/default-cluster.json" >"$T/default" 2>"$T/err" || { echo "FAIL: default scenario"; cat "$T/err"; fail=1; }
grep -q "energy" "$T/default" || { echo "FAIL: default summary"; fail=1; }

# Bad input.
check_error "no-such-dir: trace directory does not exist" "$M" run "$SRC/scenarios/cloudsim-planetlab.json" --traces "$T/no-such-dir" --policy thr-mmt
mkdir -p "$T/tr"; for i in 1 2; do seq 1 288 | sed 's/.*/5/' >"$T/tr/vm$i"; done
sed -i '17s/.*/abc/' "$T/tr/vm2"
check_error "vm2:17" "$M" run "$SRC/scenarios/cloudsim-planetlab.json" --traces "$T/tr" --policy thr-mmt
seq 1 100 | sed 's/.*/5/' >"$T/tr/vm2"
check_error "vm2: has 100 samples, expected 288" "$M" run "$SRC/scenarios/cloudsim-planetlab.json" --traces "$T/tr" --policy thr-mmt
seq 1 288 | sed 's/.*/5/' >"$T/tr/vm2"
check_error "unknown policy 'thr-xyz'" "$M" run "$SRC/scenarios/cloudsim-planetlab.json" --traces "$T/tr" --policy thr-xyz
check_error "--param" "$M" run "$SRC/scenarios/cloudsim-planetlab.json" --traces "$T/tr" --policy thr-mmt --param abc
check_error "--traces: required" "$M" run "$SRC/scenarios/cloudsim-planetlab.json" --policy thr-mmt
python3 - "$SRC/scenarios/cloudsim-planetlab.json" "$T" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); d = sys.argv[2]
a = dict(s); a["colour"] = "blue"; json.dump(a, open(d + "/unknown.json", "w"))
b = json.loads(json.dumps(s)); b["host_types"][0]["pes"] = "two"; json.dump(b, open(d + "/type.json", "w"))
c = json.loads(json.dumps(s)); c["host_types"][1]["power_model"] = "hp-dl380"; json.dump(c, open(d + "/power.json", "w"))
e = json.loads(json.dumps(s)); e["vm_types"][2]["ram_mib"] = -5; json.dump(e, open(d + "/neg.json", "w"))
PY
check_error "colour" "$M" run "$T/unknown.json" --traces "$T/tr" --policy thr-mmt
check_error "host_types[0].pes" "$M" run "$T/type.json" --traces "$T/tr" --policy thr-mmt
check_error "hp-dl380" "$M" run "$T/power.json" --traces "$T/tr" --policy thr-mmt
check_error "vm_types[2].ram_mib" "$M" run "$T/neg.json" --traces "$T/tr" --policy thr-mmt
# migration.model must be a model of the registry with a cluster timer (geometric has none).
python3 - "$SRC/scenarios/default-cluster.json" "$T/geometric.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s.setdefault("migration", {})["model"] = "geometric"
json.dump(s, open(sys.argv[2], "w"))
PY
check_error 'migration.model: unknown value "geometric" (expected one of: ' \
  "$M" run "$T/geometric.json"
printf '{"name": "x",' >"$T/broken.json"
check_error "broken.json:1" "$M" run "$T/broken.json" --traces "$T/tr" --policy thr-mmt
check_error "missing.json" "$M" run "$T/missing.json" --traces "$T/tr" --policy thr-mmt

# run --sweep: the cartesian product of JSON-pointer axes, in point order whatever --jobs is.
TR=$SRC/scenarios/topology-two-racks.json
SW=$SRC/scenarios/sweep-uplinks.json
"$M" run "$TR" --sweep "$SW" --jobs 1 --json --quiet >"$T/s1" || { echo "FAIL: run --sweep"; fail=1; }
"$M" run "$TR" --sweep "$SW" --jobs 2 --json --quiet --out "$T/s2o" >"$T/s2" || { echo "FAIL: run --sweep --jobs 2"; fail=1; }
cmp -s "$T/s1" "$T/s2" || { echo "FAIL: --sweep output depends on --jobs"; fail=1; }
cmp -s "$T/s1" "$T/s2o" || { echo "FAIL: --sweep --out differs from stdout"; fail=1; }
"$M" run "$TR" --json >"$T/plain.json"
python3 - "$T/s1" "$T/plain.json" <<'PY' || fail=1
import json, sys
pts = [json.loads(l) for l in open(sys.argv[1])]
plain = json.load(open(sys.argv[2]))
assert len(pts) == 12 and [p["point"] for p in pts] == list(range(12)), len(pts)
# Axes in key order, the last varying fastest.
c = [p["coordinates"] for p in pts]
assert c[0] == {"/network/links/2/capacity_mbps": 1000, "/network/links/3/capacity_mbps": 1000, "/policy/rules/0/when": "cpu > 0.7"}, c[0]
assert c[1]["/policy/rules/0/when"] == "cpu > 0.8" and c[2]["/network/links/3/capacity_mbps"] == 8000, c[:3]
assert c[11] == {"/network/links/2/capacity_mbps": 8000, "/network/links/3/capacity_mbps": 8000, "/policy/rules/0/when": "cpu > 0.8"}, c[11]
# Point 0 is the bundled scenario itself; 8 Gbit/s uplinks take the cross-rack bottleneck away.
# (Migrations in flight are re-rated when others start or end: 30.77 s; 42.11 s with the rate fixed at the start.)
r0, r10 = pts[0]["result"], pts[10]["result"]
for k in ("energy_kwh", "migrations", "mean_migration_s", "total_downtime_s", "slav"):
    assert r0[k] == plain[k], (k, r0[k], plain[k])
assert abs(r0["mean_migration_s"] - 30.769) < 0.01 and abs(r10["mean_migration_s"] - 11.246) < 0.01, (r0["mean_migration_s"], r10["mean_migration_s"])
PY
printf '{"/network/links/2/capacty_mbps": [1000]}' >"$T/ax-typo.json"
check_error 'network.links[2].capacty_mbps: unknown key' "$M" run "$TR" --sweep "$T/ax-typo.json" --quiet
printf '{"/netwrk/links": [1]}' >"$T/ax-nofield.json"
check_error '"/netwrk/links": no such field' "$M" run "$TR" --sweep "$T/ax-nofield.json" --quiet
# An optional setting the scenario leaves out can be an axis.
printf '{"/migration/rerate_in_flight": [false, true]}' >"$T/ax-rerate.json"
"$M" run "$TR" --sweep "$T/ax-rerate.json" --json --quiet >"$T/rr" || { echo "FAIL: sweep over an optional key"; fail=1; }
python3 - "$T/rr" <<'PY' || fail=1
import json, sys
a, b = [json.loads(l)["result"] for l in open(sys.argv[1])]
assert abs(a["mean_migration_s"] - 42.112) < 0.01, a["mean_migration_s"]
assert b["mean_migration_s"] < a["mean_migration_s"], (a["mean_migration_s"], b["mean_migration_s"])  # freed shares reused
PY
printf '{"/network/links/2/capacity_mbps": []}' >"$T/ax-empty.json"
check_error "non-empty list" "$M" run "$TR" --sweep "$T/ax-empty.json" --quiet
printf '{"/network/links/2/capacity_mbps": [1000, -5]}' >"$T/ax-neg.json"
check_error 'sweep point 1 {"/network/links/2/capacity_mbps":-5}' "$M" run "$TR" --sweep "$T/ax-neg.json" --quiet
check_error "--jobs: only with --sweep" "$M" run "$TR" --jobs 2
# --evacuate: every VM off one host, within the admission limits (2 per host in flight).
"$M" run "$TR" --evacuate host:2 --json >"$T/evac.json" || { echo "FAIL: --evacuate"; fail=1; }
python3 - "$T/evac.json" <<'PY' || fail=1
import json, sys
e = json.load(open(sys.argv[1]))
assert e["evacuate"] == "host:2" and e["not_evacuated"] == [] and e["converged_all"], e
ms = e["migrations"]
assert len(ms) == 3 and all(m["from"] == "host:2" and m["to"] != "host:2" for m in ms), ms
assert abs(e["makespan_s"] - max(m["end_s"] for m in ms)) < 1e-12
for m in ms:  # never more than 2 in flight out of host 2
    t = m["start_s"]
    assert sum(1 for o in ms if o["start_s"] <= t < o["end_s"]) <= 2, ms
assert any(m["start_s"] > 0 for m in ms), ms  # the third waited for a slot
PY
check_error '--evacuate: unknown host "host:8"' "$M" run "$TR" --evacuate host:8
check_error '--evacuate: expected "host:N", got "rack-a"' "$M" run "$TR" --evacuate rack-a
exit $fail
