#!/usr/bin/env bash
# `migsim validate` CLI: the report's JSON contract on a hand-made dataset, its
# arithmetic cross-checked against the per-case output, and bad input (exit 2,
# one line naming file/case/field), QEMU missing or failing (exit 1, naming the
# case) with the dataset left exactly as it was.
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
SRC=${SRC:?set SRC to the source tree}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi; }
TINY=$SRC/tests/validation/data/tiny-dataset.jsonl

out=$("$M" validate report "$TINY" --json --cases-json "$T/cases.json"); rc=$?
check "report --json exits 0" "[ $rc -eq 0 ]"
check "report --json: exact keys and consistent numbers" "python3 - \"\$out\" '$T/cases.json' <<'PY'
import json, sys, statistics
d = json.loads(sys.argv[1]); cases = json.load(open(sys.argv[2]))['cases']
keys = {'cases', 'convergence_correct', 'total_time_mape_pct', 'bytes_mape_pct', 'downtime_median_abs_err_ms',
        'downtime_median_rel_err_pct'}
assert set(d) == keys | {'baselines'}, sorted(d)
assert set(d['baselines']) == {'geometric', 'cloudsim', 'ram_over_bw'}, sorted(d['baselines'])
for b in d['baselines'].values(): assert set(b) == keys, sorted(b)
def score(model):
    rows = [c for c in cases if c['split'] != 'train']
    ok = sum(c['measured']['converged'] == c['predicted'][model]['converged'] for c in rows)
    both = [c for c in rows if c['measured']['converged'] and c['predicted'][model]['converged']]
    mape = lambda k: 100 * sum(abs(c['predicted'][model][k] - c['measured'][k]) / c['measured'][k] for c in both) / len(both)
    dt = statistics.median(abs(c['predicted'][model]['downtime_ms'] - c['measured']['downtime_ms']) for c in both)
    rel = statistics.median(100 * abs(c['predicted'][model]['downtime_ms'] - c['measured']['downtime_ms'])
                            / c['measured']['downtime_ms'] for c in both if c['measured']['downtime_ms'] > 0)
    return len(rows), ok, mape('total_time_ms'), mape('transferred_bytes'), dt, rel
for name, s in [('qemu-precopy', d)] + list(d['baselines'].items()):
    n, ok, t, b, dt, rel = score(name)
    assert s['cases'] == n == 2 and s['convergence_correct'] == ok, (name, s, n, ok)
    assert abs(s['total_time_mape_pct'] - t) < 0.01 and abs(s['bytes_mape_pct'] - b) < 0.01, (name, s, t, b)
    assert abs(s['downtime_median_abs_err_ms'] - dt) < 0.01, (name, s, dt)
    assert abs(s['downtime_median_rel_err_pct'] - rel) < 0.01, (name, s, rel)
PY"
again=$("$M" validate report "$TINY" --json)
check "report is deterministic" "[ \"\$out\" = \"\$again\" ]"
table=$("$M" validate report "$TINY")
check "table has the confusion matrix" "grep -q 'confusion matrix' <<<\"\$table\""
check "table lists every case" "grep -q hand-converged <<<\"\$table\" && grep -q hand-not-converged <<<\"\$table\""
check "table names the baselines" "grep -q geometric <<<\"\$table\" && grep -q cloudsim <<<\"\$table\""
"$M" validate tune "$TINY" --out "$T/profile.json" >/dev/null
check "tuned profile usable by predict" "'$M' predict --ram-mib 512 --profile '$T/profile.json' --json >/dev/null"
# The same runs as if booted with pti=on: the TLB size is then not observable, so not fitted.
sed 's/"config": {/"config": {"pti": true, /' "$TINY" >"$T/tiny-pti.jsonl"
"$M" validate tune "$T/tiny-pti.jsonl" --out "$T/profile-pti.json" >/dev/null
check "pti-only training: no TCG TLB size fitted" "python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))[\"profile\"]; assert p[\"tcg_tlb_entries\"] == 0, p' '$T/profile-pti.json'"

bad() {  # name, expected exit code, expected texts (|-separated), args...
  local name=$1 want_rc=$2 want=$3; shift 3
  err=$("$M" validate "$@" 2>&1 >/dev/null); rc=$?
  check "$name: exit $want_rc (got $rc)" "[ $rc -eq $want_rc ]"
  check "$name: one line" "[ \$(printf '%s\n' \"\$err\" | wc -l) -eq 1 ]"
  IFS='|' read -ra parts <<<"$want"
  for w in "${parts[@]}"; do check "$name: names '$w'" "grep -qF -- \"$w\" <<<\"\$err\""; done
}
matrix() { printf '%s' "$2" >"$T/$1"; echo "$T/$1"; }
m_unknown=$(matrix unknown.json '{"cases": [{"name": "k1", "ram_mib": 512, "colour": "red"}]}')
bad "unknown matrix key" 2 "unknown.json|cases[0]|colour" record "$m_unknown" --out "$T/ds.jsonl"
m_fill=$(matrix fill.json '{"cases": [{"name": "toobig", "ram_mib": 256, "fill_mib": 300}]}')
bad "fill larger than RAM" 2 "fill.json|toobig|fill_mib" record "$m_fill" --out "$T/ds.jsonl"
m_ok=$(matrix ok.json '{"cases": [{"name": "c1", "ram_mib": 256, "fill_mib": 16, "horizon_s": 3}]}')
bad "output folder missing" 2 "--out|$T/nope" record "$m_ok" --out "$T/nope/ds.jsonl"
bad "matrix missing" 2 "$T/none.json" record "$T/none.json"
bad "dataset missing" 2 "$T/none.jsonl" report "$T/none.jsonl"
printf '%s\n{broken\n' "$(head -n 1 "$TINY")" >"$T/broken.jsonl"
bad "broken dataset line" 2 "broken.jsonl:2" report "$T/broken.jsonl"
bad "unknown case for --only" 2 "--only|zz" record "$m_ok" --only zz --out "$T/ds.jsonl"

# migsim calibrate: a profile fitted on every record, written atomically and usable by
# predict; the cross-validation object; bad input exits 2 on one line.
cj=$("$M" calibrate "$TINY" --out "$T/cal.json" --json); rc=$?
check "calibrate exits 0" "[ $rc -eq 0 ]"
check "calibrate --json: keys, 3 held-out cases per model" "python3 - \"\$cj\" '$T/cal.json' <<'PY'
import json, sys
d = json.loads(sys.argv[1]); prof = json.load(open(sys.argv[2]))
assert set(d) == {'profile_file', 'migrations', 'configurations', 'folds', 'profile', 'fit', 'cross_validation'}, sorted(d)
assert d['migrations'] == 3 and d['configurations'] == 3 and d['folds'] == 3
assert set(d['cross_validation']) == {'qemu-precopy', 'geometric', 'cloudsim', 'ram_over_bw'}
assert all(v['cases'] == 3 for v in d['cross_validation'].values())
assert prof['format'] == 'migsim-host-profile/1' and prof['profile'] == d['profile']
assert d['fit']['training_cases'] == 3  # every record, whatever its split
PY"
check "calibrated profile feeds predict" "'$M' predict --ram-mib 256 --profile '$T/cal.json' --json >/dev/null"
cerr=$("$M" calibrate "$TINY" --out "$T/cal2.json" --folds 1 2>&1 >/dev/null); rc=$?
check "calibrate --folds 1: exit 2 naming the flag" "[ $rc -eq 2 ] && grep -qF -- '--folds' <<<\"\$cerr\""
cerr=$("$M" calibrate "$TINY" --out "$T/cal2.json" --folds 4 2>&1 >/dev/null); rc=$?
check "calibrate: more folds than configurations is exit 2" "[ $rc -eq 2 ] && grep -qF 'configuration' <<<\"\$cerr\""
check "calibrate: nothing written on error" "[ ! -e '$T/cal2.json' ]"

# QEMU missing, or a "QEMU" that fails at once: exit 1 naming the case; the
# dataset keeps exactly its previous content.
cp "$TINY" "$T/keep.jsonl"
mkdir -p "$T/work"  # its own work root: the real-migration test may run at the same time
bad "QEMU missing" 1 "c1|QEMU missing|/nonexistent/qemu" record "$m_ok" --qemu /nonexistent/qemu --out "$T/keep.jsonl" --work-root "$T/work"
bad "QEMU failing" 1 "case 'c1'|QEMU" record "$m_ok" --qemu /bin/false --out "$T/keep.jsonl" --work-root "$T/work"
# The same on a machine whose guest image is not built yet (a fresh clone): record
# builds it first, and stderr still carries the one error line only.
mkdir -p "$T/fresh-image"
bad "QEMU failing, image built first" 1 "case 'c1'|QEMU" record "$m_ok" --qemu /bin/false --out "$T/keep.jsonl" --work-root "$T/work" --image-dir "$T/fresh-image"
check "image built by record" "[ -f '$T/fresh-image/image.env' ]"
check "dataset untouched after failures" "cmp -s '$TINY' '$T/keep.jsonl'"
check "no work folders left behind" "[ -z \"\$(ls -A '$T/work')\" ]"
exit $fail
