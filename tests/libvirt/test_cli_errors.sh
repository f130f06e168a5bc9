#!/usr/bin/env bash
# Bad input for the libvirt commands: one clear error line, the right exit code,
# no output file left behind. Needs no lab (an unreachable URI is a closed
# loopback port).
set -uo pipefail
: "${MIGSIM:?set MIGSIM to the migsim binary}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect CODE PATTERN -- command...
  local code=$1 pat=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ] || ! grep -q -- "$pat" <<<"$out"; then
    echo "FAIL: $* -> exit $rc (want $code), output: $out (want /$pat/)"; fail=1
  else
    echo "ok: exit $rc: $(head -1 <<<"$out")"
  fi
}
dead=qemu+tcp://127.0.0.1:1/system
expect 1 "cannot connect to '$dead'" -- "$MIGSIM" capture --connect "$dead" --out "$tmp/t.jsonl" --duration 1
[ ! -e "$tmp/t.jsonl" ] && [ ! -e "$tmp/t.jsonl.partial" ] || { echo "FAIL: capture left a file"; fail=1; }
expect 2 "interval" -- "$MIGSIM" capture --connect "$dead" --out "$tmp/t.jsonl" --interval 10ms
expect 2 "job-interval" -- "$MIGSIM" capture --connect "$dead" --out "$tmp/t.jsonl" --job-interval 2s
expect 2 "interval: expected a number" -- "$MIGSIM" capture --connect "$dead" --out "$tmp/t.jsonl" --interval abc
expect 1 "cannot connect" -- "$MIGSIM" live-migrate g1 --from "$dead" --to qemu+tcp://127.0.0.1:2/system
expect 2 "bandwidth" -- "$MIGSIM" live-migrate g1 --from "$dead" --to qemu+tcp://127.0.0.1:2/system --bandwidth -5
expect 2 "same URI" -- "$MIGSIM" live-migrate g1 --from "$dead" --to "$dead"
expect 2 "stall-timeout" -- "$MIGSIM" live-migrate g1 --from "$dead" --to qemu+tcp://127.0.0.1:2/system --stall-timeout -1
expect 2 "stall-timeout" -- "$MIGSIM" live-migrate g1 --from "$dead" --to qemu+tcp://127.0.0.1:2/system --stall-timeout abc
# replay: missing file, malformed lines, non-monotonic time, missing fields
expect 2 "cannot open" -- "$MIGSIM" replay "$tmp/none.jsonl"
hdr='{"type":"header","format":"migsim-libvirt-trace","version":1,"interval_s":1,"hosts":[{"name":"a","uri":"u"}]}'
s0='{"type":"sample","t":0,"host":"a","domain":"g","stats":{"cpu.time":1e9,"balloon.current":262144,"balloon.maximum":262144,"vcpu.current":1,"state.state":1}}'
s1='{"type":"sample","t":2,"host":"a","domain":"g","stats":{"cpu.time":2e9,"balloon.current":262144,"balloon.maximum":262144,"vcpu.current":1,"state.state":1}}'
s2='{"type":"sample","t":1,"host":"a","domain":"g","stats":{"cpu.time":3e9,"balloon.current":262144,"balloon.maximum":262144,"vcpu.current":1,"state.state":1}}'
printf '%s\n%s\n%s\n%s\n' "$hdr" "$s0" "$s1" "$s2" >"$tmp/back.jsonl"
expect 2 "back.jsonl:4: field 't': non-monotonic" -- "$MIGSIM" replay "$tmp/back.jsonl"
printf '%s\n{"type":"sample","t":0,"host":"a","domain":"g","stats":{"balloon.current":1}}\n' "$hdr" >"$tmp/nocpu.jsonl"
expect 2 "nocpu.jsonl:2: missing field 'stats.cpu.time'" -- "$MIGSIM" replay "$tmp/nocpu.jsonl"
printf '%s\n%s' "$hdr" "$s0" >"$tmp/trunc.jsonl"
expect 2 "truncated last line" -- "$MIGSIM" replay "$tmp/trunc.jsonl"
printf '{"type":"sample"}\n' >"$tmp/nohdr.jsonl"
expect 2 "header" -- "$MIGSIM" replay "$tmp/nohdr.jsonl"
# control: bad policy files
echo '{"type":"rules","rules":[{"when":"cpu >> 0.8"}]}' >"$tmp/bad-rule.json"
expect 2 "bad-rule.json" -- "$MIGSIM" control --policy "$tmp/bad-rule.json" --connect "$dead" --dry-run
echo '{"type":"rules","rules":[{"when":"cpu > 0.8"}],"bogus":1}' >"$tmp/bogus.json"
expect 2 "bogus" -- "$MIGSIM" control --policy "$tmp/bogus.json" --connect "$dead" --dry-run
expect 2 "cannot open" -- "$MIGSIM" control --policy "$tmp/missing.json" --connect "$dead" --dry-run
expect 2 "host-ram-mib" -- "$MIGSIM" control --policy "$tmp/missing.json" --connect "$dead" --dry-run --host-ram-mib -5
expect 2 "host-ram-mib" -- "$MIGSIM" control --policy "$tmp/missing.json" --connect "$dead" --dry-run --host-ram-mib 1e12
expect 2 "stall-timeout: must be >= 0" -- "$MIGSIM" control --policy "$tmp/missing.json" --connect "$dead" --dry-run --stall-timeout -1
expect 2 "stall-timeout" -- "$MIGSIM" control --policy "$tmp/missing.json" --connect "$dead" --dry-run --stall-timeout soon
exit $fail
