# Sourced by the CLI contract scripts: $T a temporary folder removed on exit, $fail
# (exit status to return), and check_error WANT CMD...: CMD must exit 2 with one line
# on stderr containing WANT.
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
