#!/usr/bin/env bash
# Issue 12: a cluster scenario's "app" makes each migration's predicted effect on the VM's web
# application an SLA metric (experiments/app_sla.hpp): summary keys and migrations.csv columns
# only with an app, the run itself unchanged, per-VM-type apps, bad app objects (exit 2).
set -u
M=${MIGSIM:?set MIGSIM}
SRC=${MIGSIM_SOURCE_DIR:?set MIGSIM_SOURCE_DIR}
. "$(dirname "$0")/../support/cli_checks.sh"
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
# The default cluster, smaller: 80 hosts, 105 VMs, 8 hours.
mk() {  # OUT PYTHON-EDIT-OF-s
  python3 - "$SRC/scenarios/default-cluster.json" "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["duration_s"] = 28800
for t in s["host_types"]: t["count"] = 40
s["workload"]["vms"] = 105
s["policy"]["admission"]["max_concurrent_total"] = 10
exec(sys.argv[3])
json.dump(s, open(sys.argv[2], "w"))
PY
}
APP='{"arrival_rps": 50, "service_ms": 4, "slo_ms": 100, "switchover_ms": 50, "syn_retry_s": 1}'
mk "$T/plain.json" 'pass'
mk "$T/app.json" "s['app'] = json.loads('$APP')"
mk "$T/typed.json" "s['vm_types'][0]['app'] = json.loads('$APP')"
"$M" run "$T/plain.json" --json --quiet >"$T/plain.out" || fail=1
"$M" run "$T/app.json" --json --quiet --out-dir "$T/appdir" >"$T/app.out" || fail=1
"$M" run "$T/typed.json" --json --quiet --out-dir "$T/typeddir" >"$T/typed.out" || fail=1
python3 - "$T/plain.out" "$T/app.out" "$T/typed.out" <<'PY' || fail=1
import json, sys
plain, app, typed = (json.load(open(p)) for p in sys.argv[1:4])
keys = ["app_requests", "app_requests_over_slo", "app_p99_during_migrations_ms"]
assert not any(k in plain for k in keys), plain
# The accounting only watches: everything else is the run without the app.
assert {k: v for k, v in app.items() if k not in keys} == plain, "the app changed the run"
assert plain["migrations"] > 0, plain
assert app["app_requests"] == round(50 * app["simulated_s"] * app["vms"]), app
assert app["app_requests_over_slo"] > 0 and app["app_p99_during_migrations_ms"] > 4, app
# Only the first VM type serves the app: fewer requests, fewer over the SLO.
assert 0 < typed["app_requests"] < app["app_requests"], typed
assert typed["app_requests_over_slo"] <= app["app_requests_over_slo"], typed
print("ok: app summary keys")
PY
check "migrations.csv gains the app columns" \
  "head -1 '$T/appdir/migrations.csv' | grep -q ',cause,app_requests,app_requests_over_slo,app_p99_ms,app_max_stall_ms$'"
check "a stall shows per migration" \
  "python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert r and all(float(x[\"app_max_stall_ms\"]) > 0 for x in r)' '$T/appdir/migrations.csv'"
"$M" run "$T/plain.json" --quiet --out-dir "$T/plainout" >/dev/null || fail=1
check "without app: migrations.csv as before" "head -1 '$T/plainout/migrations.csv' | grep -q ',cause$'"

mk "$T/bad1.json" "s['app'] = {'arrival_rps': 50, 'service_ms': 4}"
check_error "$T/bad1.json: app.slo_ms" "$M" run "$T/bad1.json" --quiet
mk "$T/bad2.json" "s['vm_types'][1]['app'] = {'arrival_rps': 50, 'service_ms': -4, 'slo_ms': 100}"
check_error "$T/bad2.json: vm_types[1].app.service_ms" "$M" run "$T/bad2.json" --quiet
mk "$T/bad3.json" "s['app'] = 5"
check_error "$T/bad3.json: app" "$M" run "$T/bad3.json" --quiet
exit $fail
