"""Validates crashsim JSON reports against reports/report.schema.json (JSON Schema draft 2020-12)
with Debian's python3-jsonschema, the one Python dependency of the tests.

Usage: python3 cli/validate_report.py SCHEMA REPORT...   exits 1 and names each problem.
"""
import json
import sys

from jsonschema import Draft202012Validator


def main():
    schema_path, reports = sys.argv[1], sys.argv[2:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    failed = False
    for path in reports:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        for error in sorted(validator.iter_errors(report), key=lambda e: list(e.path))[:20]:
            where = "/" + "/".join(str(p) for p in error.path)
            print(f"FAIL: {path}: {where}: {error.message}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
