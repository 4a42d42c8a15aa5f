# Shared by the shell tests of cli/ (sourced; they run in the runfiles root): the binary, a
# scratch directory, and failures counted rather than fatal, so one run reports every problem.
crashsim="cli/crashsim"
out="${TEST_TMPDIR:?}"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# Ends the test: exit 1 when something failed, else print `$1` (what passed).
finish() {
  if ((failures > 0)); then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "$1"
}
