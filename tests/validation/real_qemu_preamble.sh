# Sourced by the real-QEMU tests (test_real_*.sh): checks MIGSIM and SRC, makes a scratch
# folder $T removed on exit, and skips (exit 77) when QEMU cannot boot the validation guest.
# `require_netns PREFIX` also skips when network namespaces cannot be made; `leftovers` counts
# the harness's namespaces (msim-*), to compare before and after.
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
