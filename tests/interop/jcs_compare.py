#!/usr/bin/env python3
"""Compares Qingdan's canonical JSON with an independent RFC 8785
implementation (the `rfc8785` package from PyPI), byte for byte.

Run by `cargo xtask test` in a virtual environment that has rfc8785:
    python3 tests/interop/jcs_compare.py target/debug/qingdan
It checks every bundled template, the RFC 8785 vectors, the packets in
tests/data/packets, and packets it makes now for every bundled template
(empty, and with answers whose notes hold awkward Unicode).
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

import rfc8785

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QINGDAN = os.path.abspath(sys.argv[1])
KEYS = os.path.join(ROOT, "tests", "data", "keys")
AWKWARD = "引号\"反斜杠\\ 制表\t 换行\n 控制\u0001 分隔\u2028 表情😀 欧元€ \ud7ff"

checked = 0
failures = []


def qingdan(*args):
    return subprocess.run([QINGDAN, *args], check=True, capture_output=True).stdout


def compare(label, path, payload=False):
    global checked
    ours = qingdan("canonical", *(["--payload"] if payload else []), path)
    with open(path, encoding="utf-8") as f:
        value = json.load(f)
    theirs = rfc8785.dumps(value["payload"] if payload else value)
    checked += 1
    if ours != theirs:
        failures.append(f"{label}: canonical bytes differ\n  qingdan: {ours[:200]!r}\n  rfc8785: {theirs[:200]!r}")


# Every bundled list at every version: the latest, and earlier ones in v1/ ….
TEMPLATES = sorted(glob.glob(os.path.join(ROOT, "crates", "qingdan-core", "templates", "*.json"))
                   + glob.glob(os.path.join(ROOT, "crates", "qingdan-core", "templates", "v*", "*.json")))


def answers_for(template):
    """Answers of every kind, with awkward notes."""
    out = {}
    for section in template["sections"]:
        for item in section["items"]:
            rule = item["rule"]
            kind = rule["kind"]
            answer = {
                "check": "done",
                "count": 3, "deduction": 1, "bonus": 1,
                "deadline": ({"done": "2027-02-02"} if "due" in rule else
                             {("from" if "within_days" in rule else "due"): "2026-01-31", "done": "2026-02-02"}),
                "scale": rule.get("max"),
                "veto": False,
                "text": AWKWARD,
                "number": "12.50",
                "date": "2026-03-02",
            }.get(kind)
            if kind == "choice":
                answer = rule["options"][0]["id"]
            if answer is not None:
                out[item["id"]] = {"answer": answer, "note": AWKWARD}
    return out


for path in TEMPLATES:
    compare(os.path.basename(path), path)

for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "vectors", "jcs", "input", "*.json"))):
    compare("vector " + os.path.basename(path), path)

for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "packets", "valid*.json"))):
    compare("packet " + os.path.basename(path), path, payload=True)

with tempfile.TemporaryDirectory() as tmp:
    for path in TEMPLATES:
        with open(path, encoding="utf-8") as f:
            template = json.load(f)
        inspection = template["responsibility"] == "inspection"
        signers = ([f"inspector:王五:{KEYS}/inspector.pub.pem"] if inspection else
                   [f"principal:张三:{KEYS}/principal.pub.pem", f"supervisory:李四:{KEYS}/supervisory.pub.pem"])
        # A list about a person names them, and they sign: the member where
        # the list has that role, else the principal.
        subject = []
        if template.get("subject") == "person":
            roles = [s["role"] for s in template["signers"]]
            name = "周八" if "member" in roles else "张三"
            if "member" in roles:
                signers.append(f"member:周八:{KEYS}/outsider.pub.pem")
            subject = ["--subject-name", name, "--subject-post", AWKWARD]
        for label, answers in (("empty", {}), ("answered", answers_for(template))):
            responses = os.path.join(tmp, f"{template['id']}-v{template['version']}-{label}.responses.json")
            with open(responses, "w", encoding="utf-8") as f:
                json.dump(answers, f, ensure_ascii=False)
            packet = os.path.join(tmp, f"{template['id']}-v{template['version']}-{label}.packet.json")
            args = ["packet", "new", "-t", path, "-r", responses,
                    "--kind", "inspection" if inspection else "self-assessment",
                    "--unit", "510824-101", "--unit-name", AWKWARD, "--period", "2026", "-o", packet]
            for s in signers:
                args += ["--signer", s]
            args += subject
            qingdan(*args)
            compare(f"new packet {template['id']} v{template['version']} ({label})", packet, payload=True)

for failure in failures:
    print(failure)
print(f"{checked - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
