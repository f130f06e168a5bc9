# Sourced by the real-QEMU tests (test_real_*.sh): checks MIGSIM and SRC, makes a scratch
# folder $T removed on exit, and skips (exit 77) when QEMU cannot boot the validation guest.
# `require_netns PREFIX` also skips when network namespaces cannot be made; `leftovers` counts
# the harness's namespaces (msim-*), to compare before and after; `interrupt_and_check PID
# DATASET LOG` sends Ctrl-C to a recording and checks what it left (sets fail=1 on a failure).
M=${MIGSIM:?set MIGSIM to the migsim binary}
SRC=${SRC:?set SRC to the source tree}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
probe=$("$M" validate probe --timeout-s 120 2>&1); rc=$?
if [ $rc -ne 0 ]; then
  echo "SKIP: QEMU cannot boot the validation guest on this machine: $probe"
  exit 77
fi
require_netns() {
  if ! ip netns add "$1$$-cicheck" 2>"$T/ns.err"; then
    echo "SKIP: cannot create network namespaces here: $(cat "$T/ns.err")"
    exit 77
  fi
  ip netns delete "$1$$-cicheck"
}
leftovers() { ip netns list | grep -c '^msim-' ; }
interrupt_and_check() {
  local pid=$1 dataset=$2 log=$3 rc
  kill -INT "$pid"
  wait "$pid"; rc=$?
  [ $rc -eq 130 ] || { echo "FAIL: the interrupted recording exited $rc, expected 130"; cat "$log"; fail=1; }
  sleep 0.5
  if pgrep -f "$T/work" >/dev/null; then echo "FAIL: QEMU still running after Ctrl-C"; pgrep -af "$T/work"; fail=1; fi
  [ "$(leftovers)" -eq "$before" ] || { echo "FAIL: namespaces left after Ctrl-C: $(ip netns list | grep '^msim-')"; fail=1; }
  cmp -s "$dataset" "$T/before.jsonl" || { echo "FAIL: dataset changed by an interrupted run"; fail=1; }
}
