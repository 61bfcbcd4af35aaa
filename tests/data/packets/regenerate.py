#!/usr/bin/env python3
"""Regenerates the packet cases in this folder with the qingdan CLI.

Run from the repository root after `cargo build -p qingdan-cli`:
    python3 tests/data/packets/regenerate.py
then `UPDATE_EXPECT=1 cargo test -p qingdan-core` and read the diff.
Each case is a real packet, signed by the test keys in tests/data/keys,
then broken in one way.
"""
import base64
import copy
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
QINGDAN = os.path.join(ROOT, "target", "debug", "qingdan")
KEYS = os.path.join(ROOT, "tests", "data", "keys")
TEMPLATE = os.path.join(HERE, "inputs", "template.json")
RESPONSES = os.path.join(ROOT, "tests", "data", "examples", "jiandu-zeren-2026.json")


def run(*args):
    return subprocess.run([QINGDAN, *args], check=True, capture_output=True).stdout


def key(name):
    return os.path.join(KEYS, name + ".pem")


def new_packet(signers, responses=RESPONSES, kind="self-assessment"):
    args = ["packet", "new", "-t", TEMPLATE, "-r", responses, "--kind", kind,
            "--unit", "510824-101", "--unit-name", "某某镇党委", "--period", "2026"]
    for role, name, k in signers:
        args += ["--signer", f"{role}:{name}:{os.path.join(KEYS, k + '.pub.pem')}"]
    return json.loads(run(*args))


SIGNERS = [("principal", "张三", "principal"), ("supervisory", "李四", "supervisory")]


def sign(packet, *key_names):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "p.json")
        with open(path, "w") as f:
            json.dump(packet, f, ensure_ascii=False)
        for k in key_names:
            run("sign", "--key", key(k), path, "-o", path)
        with open(path) as f:
            return json.load(f)


def write(name, packet):
    text = packet if isinstance(packet, (bytes, str)) else json.dumps(packet, ensure_ascii=False, indent=2) + "\n"
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(os.path.join(HERE, name + ".json"), mode) as f:
        f.write(text)


def resigned(packet, change):
    p = copy.deepcopy(packet)
    p["signatures"] = []
    change(p["payload"])
    return sign(p, "principal", "supervisory")


base = new_packet(SIGNERS)
valid = sign(base, "principal", "supervisory")
write("valid", valid)

incomplete = new_packet(SIGNERS, responses=os.path.join(HERE, "inputs", "incomplete-responses.json"))
write("valid-incomplete", sign(incomplete, "principal", "supervisory"))

p = copy.deepcopy(valid)
p["payload"]["unit"]["name"] = "某某镇党委（改）"
write("tampered-payload", p)

other = sign(new_packet(SIGNERS), "principal", "supervisory")
p = copy.deepcopy(valid)
p["signatures"][1] = other["signatures"][1]
write("signature-over-another-payload", p)

p = copy.deepcopy(valid)
sig = base64.urlsafe_b64decode(p["signatures"][0]["signature"] + "==")[:63]
p["signatures"][0]["signature"] = base64.urlsafe_b64encode(sig).decode().rstrip("=")
write("truncated-signature", p)

write("missing-cosigner", sign(base, "principal"))

p = copy.deepcopy(valid)
outsider = sign(new_packet([("principal", "王五", "outsider"), ("supervisory", "李四", "supervisory")]), "outsider")
p["signatures"].append(outsider["signatures"][0])
write("extra-unlisted-signature", p)

dup = new_packet([("principal", "张三", "principal"), ("supervisory", "李四", "principal")])
write("duplicate-signer", sign(dup, "principal"))

p = copy.deepcopy(valid)
p["signatures"].append(copy.deepcopy(p["signatures"][0]))
write("duplicate-signature", p)

write("wrong-template-digest", resigned(valid, lambda pl: pl["template"].update(sha256="0" * 64)))
write("score-mismatch", resigned(valid, lambda pl: pl["score"].update(total="99.00")))
write("item-score-mismatch", resigned(valid, lambda pl: pl["score"]["items"][0].update(score="3.00")))
# Refused when read, before any signature is looked at, so not re-signed.
p = copy.deepcopy(valid)
p["payload"]["format"] = "qingdan.packet/2"
write("unknown-format", p)
write("role-not-in-template", resigned(valid, lambda pl: pl["signers"][1].update(role="inspector")))
p = copy.deepcopy(valid)
p["payload"]["period"] = "2026-13"
write("bad-period", p)

p = copy.deepcopy(valid)
p["payload"]["responses"]["1.2"]["answer"] = 3.0
write("float-in-payload", p)

text = json.dumps(valid, ensure_ascii=False, indent=2)
write("duplicate-json-keys", text.replace('"period": "2026",', '"period": "2026",\n    "period": "2025",', 1) + "\n")

raw = (json.dumps(valid, ensure_ascii=False, indent=2) + "\n").encode()
write("invalid-utf8", raw.replace("某某镇党委".encode(), b"\xff\xfe", 1))

p = copy.deepcopy(valid)
p["payload"]["responses"]["1.2"]["answer"] = 9007199254740993
write("big-integer", p)

p = copy.deepcopy(valid)
p["signatures"] = [p["signatures"][0]] * 17
write("too-many-signers", p)

nested = copy.deepcopy(valid)
nested["payload"]["note"] = "NESTED"
write("deeply-nested", json.dumps(nested, ensure_ascii=False).replace('"NESTED"', "[" * 100000 + "]" * 100000))
print("regenerated")
