#!/usr/bin/env bash
# A REAL QEMU migration whose guest corrupts one page before it checks its memory
# (validation/matrix/ci-guest-memory.json, corrupt_guest_memory): QEMU says completed, the
# record says failed with "guest memory corrupted", the dataset reader leaves it out.
# Skips (exit 77) only when QEMU cannot boot the validation guest at all.
set -u
source "$(dirname "$0")/real_qemu_preamble.sh"
echo "$probe"
mkdir -p "$T/work"
"$M" validate record "$SRC/validation/matrix/ci-guest-memory.json" --out "$T/gm.jsonl" \
    --work-root "$T/work" 2>"$T/rec.log" >"$T/rec.out" || {
  echo "FAIL: validate record exited $?"; cat "$T/rec.log"; exit 1; }
grep -q "FAILED: guest memory corrupted" "$T/rec.log" || { echo "FAIL: no FAILED line"; cat "$T/rec.log"; exit 1; }
grep -q "^recorded 1 migrations into .* (1 failed)$" "$T/rec.out" || { echo "FAIL: summary"; cat "$T/rec.out"; exit 1; }
python3 - "$T/gm.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, f"expected 1 record, got {len(recs)}"
r = recs[0]
assert r["qemu"]["status"] == "completed", r["qemu"]["status"]
assert r["outcome"] == "failed", r["outcome"]
assert r["failure_reason"] == "guest memory corrupted", r["failure_reason"]
g = r["guest_memory"]
pages = round(r["config"]["fill_mib"] * 256)
assert g["verified"] is False and g["where"] == "dst", g
assert g["pages"] == pages and g["bad"] == 1 and g["stale"] == 0, g
assert g["first_bad"] == pages // 2, g
assert r["guest_alive_after"]["alive"], r["guest_alive_after"]
print(f"ok: QEMU completed, the guest found page {g['first_bad']} of {g['pages']} bad, record failed")
PY
[ $? -eq 0 ] || exit 1
out=$("$M" validate report "$T/gm.jsonl" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "no records" || { echo "FAIL: report of a failed-only dataset: rc $rc: $out"; exit 1; }
if pgrep -f "$T/work" >/dev/null; then echo "FAIL: QEMU left running"; pgrep -af "$T/work"; exit 1; fi
[ -z "$(ls -A "$T/work")" ] || { echo "FAIL: work folder left behind: $(ls "$T/work")"; exit 1; }
echo "ok: a failed-only dataset is refused by the report (exit 2), no QEMU or work folder left"
