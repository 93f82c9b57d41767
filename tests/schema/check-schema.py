#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that config-schema/ and veil's parser agree on every fixture.

Each file under tests/data/spec/valid must pass both; each file under
tests/data/spec/invalid must fail the parser, and fail the schema too unless
it is listed in SCHEMA_CANNOT with the reason.  Exit 0 when they agree,
1 when not or when the jsonschema module is missing.
"""
import argparse
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("error: the python3 jsonschema module is missing (apt-get install -y python3-jsonschema)")
    sys.exit(1)

# Rules JSON Schema cannot state; the parser must still reject these.
SCHEMA_CANNOT = {
    "duplicate-namespace": "uniqueness of one member across array items",
    "duplicate-rlimit": "uniqueness of one member across array items",
    "rlimit-soft-above-hard": "comparing two members",
    "type-uid-exponent": "JSON Schema counts 1e3 as the integer 1000",
}

BASE = "https://schemas.veil.invalid/config/"


def load_schemas(schema_dir):
    docs = {}
    for name in sorted(os.listdir(schema_dir)):
        if name.endswith(".json"):
            with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
                doc = json.load(f)
            if doc.get("$id") != BASE + name:
                sys.exit(f"{name}: $id must be {BASE + name}")
            docs[doc["$id"]] = doc
    return docs


def make_validator(docs):
    root = docs[BASE + "config.schema.json"]
    cls = jsonschema.Draft202012Validator
    cls.check_schema(root)
    try:  # jsonschema >= 4.18
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (uri, Resource.from_contents(doc)) for uri, doc in docs.items())
        return cls(root, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver(BASE + "config.schema.json", root, store=docs)
        return cls(root, resolver=resolver)


def schema_verdict(validator, path):
    """(ok, reason) for one file."""
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        return False, f"not JSON: {e}"
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errors:
        return True, ""
    e = errors[0]
    where = "".join(f"[{p!r}]" for p in e.absolute_path)
    return False, f"{where}: {e.message[:200]}"


def parser_verdict(spec_check, path):
    p = subprocess.run([spec_check, path], capture_output=True, text=True, timeout=60)
    return p.returncode == 0, p.stdout.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec-check", required=True)
    ap.add_argument("--schema-dir", required=True)
    ap.add_argument("--data", required=True, help="tests/data/spec")
    args = ap.parse_args()

    validator = make_validator(load_schemas(args.schema_dir))
    problems = []
    counted = {"valid": 0, "invalid": 0}
    for kind in ("valid", "invalid"):
        d = os.path.join(args.data, kind)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json"):
                continue
            stem = name[:-5]
            path = os.path.join(d, name)
            s_ok, s_why = schema_verdict(validator, path)
            p_ok, p_why = parser_verdict(args.spec_check, path)
            counted[kind] += 1
            if kind == "valid":
                if not s_ok:
                    problems.append(f"valid/{name}: schema rejects it: {s_why}")
                if not p_ok:
                    problems.append(f"valid/{name}: parser rejects it: {p_why}")
                continue
            if p_ok:
                problems.append(f"invalid/{name}: parser accepts it")
            if stem in SCHEMA_CANNOT:
                if not s_ok:
                    problems.append(f"invalid/{name}: listed as beyond the schema, but the "
                                    f"schema rejects it ({s_why}): drop it from SCHEMA_CANNOT")
            elif s_ok:
                problems.append(f"invalid/{name}: schema accepts it, parser says: {p_why}")
    for stem in SCHEMA_CANNOT:
        if not os.path.exists(os.path.join(args.data, "invalid", stem + ".json")):
            problems.append(f"SCHEMA_CANNOT names a missing fixture: {stem}")
    for p in problems:
        print(p)
    print(f"{counted['valid']} valid and {counted['invalid']} invalid fixtures, "
          f"{len(SCHEMA_CANNOT)} beyond the schema, {len(problems)} disagreements")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
