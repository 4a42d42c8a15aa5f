#!/bin/sh
# Stands in for Bazel's downloaded coverage tools, which the offline build does not carry.
echo "crashsim: bazel coverage is not supported by the offline build (no coverage tools)" >&2
exit 1
