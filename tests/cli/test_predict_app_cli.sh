#!/usr/bin/env bash
# `migsim predict --app APP.json`: the "app" contract (issue 12), the text block, bad APP.json
# files (exit 2, one line naming file, field and value), and predict unchanged without --app.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
APP=${APP:?set APP to scenarios/web-app.json}
. "$(dirname "$0")/../support/cli_checks.sh"
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
args=(--ram-mib 512 --nonzero-mib 139 --wss-mib 64 --dirty-pages-per-sec 5000 --max-bandwidth-mibps 100
      --downtime-limit-ms 300)

out=$("$M" predict "${args[@]}" --app "$APP" --json); rc=$?
check "predict --app --json exits 0" "[ $rc -eq 0 ]"
printf '%s' "$out" >"$T/app.json"
python3 - "$T/app.json" "$APP" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1])); app = json.load(open(sys.argv[2]))
a = d["app"]
assert sorted(a) == sorted(["p50_ms", "p99_ms", "max_stall_ms", "requests", "requests_over_slo", "windows"]), sorted(a)
w = a["windows"]
assert all(sorted(x) == ["p50_ms", "p99_ms", "t_s", "throughput_rps"] for x in w), w[0]
# The time axis: warm-up, the migration, the drain; 0.1 s windows from 0.
span = app["warmup_s"] + d["total_time_ms"] / 1000 + app["switchover_ms"] / 1000 + app["drain_s"]
assert abs(len(w) * 0.1 - span) < 0.1 + 1e-9, (len(w), span)
assert abs(w[1]["t_s"] - 0.1) < 1e-12
assert a["requests"] == round(span * app["arrival_rps"]) or abs(a["requests"] - span * app["arrival_rps"]) <= 1, a["requests"]
# The pause shows: the longest stall is at least the downtime, the requests sent in it are slow.
assert a["max_stall_ms"] >= d["downtime_ms"], (a["max_stall_ms"], d["downtime_ms"])
assert a["p99_ms"] > a["p50_ms"] and a["requests_over_slo"] > 0, a
# Before the migration the service is undisturbed.
assert abs(w[5]["p50_ms"] - app["service_ms"]) < 1e-6, w[5]
assert abs(w[5]["throughput_rps"] - app["arrival_rps"]) < 1e-6, w[5]
print("ok: app contract")
PY
again=$("$M" predict "${args[@]}" --app "$APP" --json)
check "deterministic" "[ \"\$out\" = \"\$again\" ]"
plain=$("$M" predict "${args[@]}" --json)
check "without --app: no app key" "! grep -q '\"app\"' <<<\"\$plain\""
check "with --app: the prediction itself unchanged" \
  "[ \"\$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop(\"app\"); print(json.dumps(d, indent=2))' \"$T/app.json\")\" = \"\$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]), indent=2))' \"\$plain\")\" ]"
base=$("$M" predict "${args[@]}" --app "$APP" --app-model downtime-only --json)
check "downtime-only stalls less than queue with SYN retries" \
  "python3 -c 'import json,sys; a=json.loads(sys.argv[1])[\"app\"]; b=json.loads(sys.argv[2])[\"app\"]; assert b[\"max_stall_ms\"] < a[\"max_stall_ms\"]' \"\$out\" \"\$base\""
table=$("$M" predict "${args[@]}" --app "$APP")
check "text has the app block" "grep -q 'longest stall' <<<\"\$table\" && grep -q 'p99 migrating' <<<\"\$table\""
all=$("$M" predict "${args[@]}" --app "$APP" --model all --json)
check "--model all: app in each baseline" \
  "python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert \"app\" in d and all(\"app\" in b for b in d[\"baselines\"].values())' \"\$all\""

echo '{"arrival_rps": 50, "service_ms": 4}' >"$T/noslo.json"
check_error "$T/noslo.json: slo_ms" "$M" predict "${args[@]}" --app "$T/noslo.json"
echo '{"arrival_rps": -50, "service_ms": 4, "slo_ms": 100}' >"$T/neg.json"
check_error "$T/neg.json: arrival_rps" "$M" predict "${args[@]}" --app "$T/neg.json"
check_error "-50" "$M" predict "${args[@]}" --app "$T/neg.json"
echo '{"arrival_rps": 50, "service_ms": 4, "slo_ms": 100, "servers": 0}' >"$T/srv.json"
check_error "$T/srv.json: servers" "$M" predict "${args[@]}" --app "$T/srv.json"
echo '{"arrival_rps": 50, "service_ms": 4, "slo_ms": 100, "sloo_ms": 3}' >"$T/typo.json"
check_error "sloo_ms" "$M" predict "${args[@]}" --app "$T/typo.json"
echo '{"arrival_rps": 50, "service_ms": 4, "slo_ms": 100, "arrivals": "bursty"}' >"$T/arr.json"
check_error "bursty" "$M" predict "${args[@]}" --app "$T/arr.json"
echo '{"arrival_rps": 50,' >"$T/broken.json"
check_error "$T/broken.json" "$M" predict "${args[@]}" --app "$T/broken.json"
check_error "$T/missing.json" "$M" predict "${args[@]}" --app "$T/missing.json"
check_error "--app-model" "$M" predict "${args[@]}" --app "$APP" --app-model nope
check_error "--app" "$M" predict --batch "$(dirname "$APP")/typical-vms.json" --app "$APP"
exit $fail
