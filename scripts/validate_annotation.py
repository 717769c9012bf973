#!/usr/bin/env python3
# Kept in the repository so CI needs nothing outside it; the schemas it reads are in
# tests/w3c-annotation/ (w3c/web-annotation-tests, see SOURCE.txt and license.md).
"""Validate Web Annotation JSON against the W3C web-annotation-tests JSON Schemas
(draft-04) the way the WPT JSONtest.js harness does: register every
definitions/*.json under its bare "id", then evaluate each assertion listed in a
.test file, honouring expectedResult / assertionType / compareWith.

usage: validate_annotation.py [--lenient] SCHEMA_ROOT TESTFILE ANNOTATION.json [...]
  --lenient  strip trailing commas before parsing (several of the suite's
             own tools/samples/incorrect/*.json have them)
"""
import json, sys, pathlib, re
from jsonschema import Draft4Validator, FormatChecker

# Ajv (the validator the WPT harness used) checks "uri" with a regex in its
# default "fast" mode; python-jsonschema would silently skip "uri" unless the
# rfc3987 package is installed, so register an equivalent check here.
# "date-time" is checked by jsonschema itself when rfc3339-validator is present.
FORMATS = FormatChecker()
_URI = re.compile(r"^(?:[a-z][a-z0-9+\-.]*:)(?:/?/)?[^\s]*$", re.I)
@FORMATS.checks("uri")
def _is_uri(v):
    return not isinstance(v, str) or bool(_URI.match(v))
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

args = sys.argv[1:]
LENIENT = args[:1] == ["--lenient"]
if LENIENT: args = args[1:]
root = pathlib.Path(args[0])
defs = []
for p in sorted((root / "definitions").glob("*.json")):
    s = json.loads(p.read_text())
    defs.append((s["id"], Resource(contents=s, specification=DRAFT4)))
REGISTRY = Registry().with_resources(defs)

def load_assertion(a):
    if isinstance(a, str):
        d = json.loads((root / a).read_text()); d["assertionFile"] = a; return d
    if isinstance(a, dict) and "assertionFile" in a:
        d = json.loads((root / a["assertionFile"]).read_text())
        d.update({k: v for k, v in a.items() if k != "assertionFile"}); return d
    return a

def run(assertions, doc, out, depth=0):
    results = []
    for a in assertions:
        if isinstance(a, list):
            results.append(all(run(a, doc, out, depth + 1))); continue
        a = load_assertion(a)
        exp = a.get("expectedResult", "valid")
        kind = a.get("assertionType", "must")
        if "assertions" in a and "compareWith" in a:
            sub = run(a["assertions"], doc, out, depth + 1)
            ok = any(sub) if a["compareWith"] == "or" else all(sub)
        else:
            schema = {k: v for k, v in a.items() if k not in ("assertionFile",)}
            v = Draft4Validator(schema, registry=REGISTRY, format_checker=FORMATS)
            valid = v.is_valid(doc)
            ok = (valid and exp == "valid") or (not valid and exp == "invalid")
        results.append(ok)
        out.append((depth, kind, ok, a.get("assertionFile", "inline"), a.get("title", "")[:90]))
    return results

test = json.loads(pathlib.Path(args[1]).read_text())
rc = 0
for f in args[2:]:
    try:
        txt = pathlib.Path(f).read_text()
        if LENIENT: txt = re.sub(r",(\s*[}\]])", r"\1", txt)
        doc = json.loads(txt)
    except Exception as e:
        print(f"{f}: NOT JSON ({e})"); rc = 1; continue
    out = []
    run(test["assertions"], doc, out)
    must_fail = [o for o in out if o[1] == "must" and not o[2]]
    print(f"{f}: {len(out)} assertions, {sum(1 for o in out if o[2])} pass, MUST-failures={len(must_fail)}")
    for d, kind, ok, name, title in must_fail:
        print(f"   FAIL[{kind}] {name}: {title}")
    rc |= bool(must_fail)
sys.exit(rc)
