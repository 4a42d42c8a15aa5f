#!/usr/bin/env bash
# The regression gate on the bundled scenarios: every verdict equals its `expect` and every run,
# verdict and canonical trace equals reports/baseline.json. A change to the model or a scenario
# that flips a verdict or changes a trace fails here; when the change is deliberate, record it:
#   bazel-bin/cli/crashsim check scenarios --baseline reports/baseline.json --update-baseline
# Runs in the runfiles root.
set -euo pipefail
cli/crashsim check scenarios --baseline reports/baseline.json
