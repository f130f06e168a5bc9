#!/usr/bin/env bash
# `migsim run` contract: JSON keys, the bundled default scenario, and bad input
# (exit 2, one line naming file/line/field). Needs only the build (synthetic traces).
set -u
M=${MIGSIM:?}
SRC=${MIGSIM_SOURCE_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check_error() {  # expected-substring command...
  local want=$1; shift
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL (exit $rc, want 2): $*"; cat "$T/err"; fail=1; return; fi
  if ! grep -qF -- "$want" "$T/err"; then echo "FAIL (message lacks '$want'): $*"; cat "$T/err"; fail=1; fi
  if [ "$(wc -l <"$T/err")" -ne 1 ]; then echo "FAIL (not one line): $*"; cat "$T/err"; fail=1; fi
}

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
printf '{"name": "x",' >"$T/broken.json"
check_error "broken.json:1" "$M" run "$T/broken.json" --traces "$T/tr" --policy thr-mmt
check_error "missing.json" "$M" run "$T/missing.json" --traces "$T/tr" --policy thr-mmt
exit $fail
