#!/usr/bin/env bash
# Start-up: `migsim` does not link libvirt; the libvirt commands live in migsim-live,
# beside it, and `migsim <command>` execs it (help, errors and exit codes unchanged).
set -u
M=${MIGSIM:?set MIGSIM to the migsim binary}
L=${MIGSIM_LIVE:?set MIGSIM_LIVE to the migsim-live binary}
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

needed=$(readelf -d "$M" | grep NEEDED)
check "migsim has NEEDED entries (readelf works)" "[ -n \"\$needed\" ]"
check "migsim does not link libvirt" "! grep -qi virt <<<\"\$needed\""
check "migsim-live links libvirt" "readelf -d \"\$L\" | grep NEEDED | grep -q libvirt"
check "migsim-live is beside migsim" "[ \"\$(dirname \"\$M\")\" -ef \"\$(dirname \"\$L\")\" ]"

top=$("$M" --help); rc=$?
check "migsim --help exits 0" "[ $rc -eq 0 ]"
for c in predict batch run sweep validate calibrate replay live-migrate capture control; do
  check "migsim --help lists $c" "grep -qE '^ +$c ' <<<\"\$top\""
done
# Every command of migsim-live is listed by migsim, with the same one-line description.
while IFS= read -r line; do
  check "migsim --help has: $line" "grep -qxF -- \"\$line\" <<<\"\$top\""
done < <("$L" --help | grep -E '^  (capture|control|live-migrate) ')

for c in capture control live-migrate; do
  out=$("$M" $c --help); rc=$?
  check "migsim $c --help exits 0" "[ $rc -eq 0 ]"
  check "migsim $c --help is $c's own help" "grep -q 'migsim $c' <<<\"\$out\" && grep -q -- '--' <<<\"\$out\""
  check "migsim $c --help = migsim-live $c --help" "[ \"\$out\" = \"\$(\"\$L\" $c --help)\" ]"
done
check "capture --help shows --connect" "\"\$M\" capture --help | grep -q -- '--connect'"

# A bad flag of a dispatched command: one line, exit 2, named as before.
err=$("$M" capture --connect qemu+tcp://127.0.0.1:1/system --out "$tmp/t.jsonl" --frobnicate 2>&1 >/dev/null); rc=$?
check "dispatched bad flag: exit 2" "[ $rc -eq 2 ]"
check "dispatched bad flag: one line" "[ \$(printf '%s\n' \"\$err\" | wc -l) -eq 1 ]"
check "dispatched bad flag: 'migsim capture: error:'" "grep -q '^migsim capture: error: .*frobnicate' <<<\"\$err\""

# migsim-live missing: a clear one-line error, exit 2; the other commands still work.
cp "$M" "$tmp/migsim"
err=$("$tmp/migsim" capture --help 2>&1 >/dev/null); rc=$?
check "no migsim-live: exit 2" "[ $rc -eq 2 ]"
check "no migsim-live: one line" "[ \$(printf '%s\n' \"\$err\" | wc -l) -eq 1 ]"
check "no migsim-live: names it" "grep -q 'migsim capture: error: .*$tmp/migsim-live' <<<\"\$err\""
"$tmp/migsim" predict --ram-mib 512 --json >/dev/null; rc=$?
check "no migsim-live: predict still runs" "[ $rc -eq 0 ]"
# Reached through a symlink, migsim still finds the real sibling.
ln -s "$M" "$tmp/link-migsim"
"$tmp/link-migsim" capture --help >/dev/null; rc=$?
check "through a symlink: capture --help exits 0" "[ $rc -eq 0 ]"
exit $fail
