#!/usr/bin/env bash
# Installs the Debian 12 packages that crashsim builds and tests with, if any is missing. Safe to
# run again; silent when everything is present. Runs as root (CI) or through sudo.
set -euo pipefail

# The one list of system packages (third_party/README.md says why each is here).
packages=(
  bazel-bootstrap     # Bazel 4.2
  bazel-platforms     # @platforms
  g++                 # the C++20 compiler
  libboost-graph-dev  # persist DAG
  libfmt-dev          # formatting
  nlohmann-json3-dev  # scenario and report JSON
  doctest-dev         # unit tests
  graphviz            # checks the DAG's DOT output
  python3-jsonschema  # validates reports against reports/report.schema.json
  chromium            # renders the HTML report in tests
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  sudo=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
