#!/usr/bin/env python3
"""Regenerates the trust cases in this folder with the qingdan CLI.

Run from the repository root after `cargo build -p qingdan-cli`:
    python3 tests/data/trust/regenerate.py [CASE ...]
then `UPDATE_EXPECT=1 cargo test -p qingdan-core` and read the diff. With
case names, only those folders are written (packet ids are fresh UUIDs,
so the others would change for nothing).

Each case is a folder: `packet.json`, a real packet signed by the test keys
in tests/data/keys (for an attack, made the way an attacker would: the
payload written by hand, then signed); `context.json`, what the intake
knows when it arrives (the checklist, when it arrives, the keys enrolled
and revoked, the inspection a rectification answers, and the status and
code the intake answers); and `expected`, what the core says.
"""
import base64
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
QINGDAN = os.path.join(ROOT, "target", "debug", "qingdan")
KEYS = os.path.join(ROOT, "tests", "data", "keys")
RESPONSES = os.path.join(ROOT, "tests", "data", "examples", "jiandu-zeren-2026.json")
RESPONSES_V2 = os.path.join(ROOT, "tests", "data", "examples", "jiandu-zeren-v2-2026.json")
ONLY = set(sys.argv[1:])

UNIT = "510824-101"
OTHER_UNIT = "510824-102"
CREATED = "2026-11-23T08:30:00Z"
ARRIVES = "2026-11-24T09:00:00Z"
ZHANG = ("principal", "张三", "principal")
LI = ("supervisory", "李四", "supervisory")
INSPECTORS = [("inspector", "王五", "inspector"), ("inspector", "赵六", "inspector2"),
              ("inspector", "孙七", "inspector3")]
FINDINGS = [
    {"id": "1", "item": "1.1", "problem": "未按要求开展专项监督检查", "deadline": "2027-01-31", "responsible": "李四"},
    {"id": "2", "item": "2.1", "problem": "问题线索台账不全", "deadline": "2027-02-28", "responsible": "李四"},
]


def run(*args):
    return subprocess.run([QINGDAN, *args], check=True, capture_output=True).stdout


def bundled(template_id, tmp, version=1):
    # Most cases answer v1 of the lists (the example responses are v1's),
    # which stays bundled.
    path = os.path.join(tmp, f"{template_id}@{version}.json")
    with open(path, "wb") as f:
        f.write(run("template", "bundled", f"{template_id}@{version}"))
    return path


def pub(key):
    return os.path.join(KEYS, key + ".pub.pem")


def new_packet(template, signers, kind="self-assessment", unit=UNIT, findings=None, tmp=None,
               responses=RESPONSES, subject=None):
    args = ["packet", "new", "-t", template, "-r", responses, "--kind", kind,
            "--unit", unit, "--unit-name", "某某镇党委", "--period", "2026"]
    if subject is not None:
        args += ["--subject-name", subject["name"], "--subject-post", subject["post"]]
    for role, name, key in signers:
        args += ["--signer", f"{role}:{name}:{pub(key)}"]
    if findings is not None:
        path = os.path.join(tmp, "findings.json")
        with open(path, "w") as f:
            json.dump(findings, f, ensure_ascii=False)
        args += ["--findings", path]
    return fixed(json.loads(run(*args)))


def fixed(packet):
    """The same time in every case, so the cases regenerate alike."""
    packet["payload"]["created_at"] = CREATED
    return packet


def sign(packet, *keys, tmp):
    path = os.path.join(tmp, "p.json")
    packet = copy.deepcopy(packet)
    packet["signatures"] = []
    with open(path, "w") as f:
        json.dump(packet, f, ensure_ascii=False)
    for key in keys:
        run("sign", "--key", os.path.join(KEYS, key + ".pem"), path, "-o", path)
    with open(path) as f:
        return json.load(f)


def by_hand(packet, change, *keys, tmp):
    """An attacker's packet: the payload changed by hand, then signed."""
    packet = copy.deepcopy(packet)
    change(packet["payload"])
    return sign(packet, *keys, tmp=tmp)


def rectify(inspection, answers, tmp, unit=None):
    path = os.path.join(tmp, "i.json")
    with open(path, "w") as f:
        json.dump(inspection, f, ensure_ascii=False)
    answers_path = os.path.join(tmp, "r.json")
    with open(answers_path, "w") as f:
        json.dump(answers, f, ensure_ascii=False)
    args = ["packet", "rectify", "--inspection", path, "--rectifications", answers_path]
    for role, name, key in (ZHANG, LI):
        args += ["--signer", f"{role}:{name}:{pub(key)}"]
    return fixed(json.loads(run(*args)))


def public_key(key):
    """The base64url public key of a test key (the last 32 bytes of its SPKI)."""
    with open(pub(key)) as f:
        der = base64.b64decode("".join(l for l in f if not l.startswith("-----")))
    return base64.urlsafe_b64encode(der[-32:]).decode().rstrip("=")


def enrolled(unit, role, key, name):
    return {"unit": unit, "role": role, "key": key, "public_key": public_key(key), "name": name}


def revoked(key, at):
    return {"key": key, "public_key": public_key(key), "at": at}


UNIT_KEYS = [enrolled(UNIT, "principal", "principal", "张三"),
             enrolled(UNIT, "supervisory", "supervisory", "李四")]
INSPECTOR_KEYS = [enrolled("*", "inspector", "inspector", "王五"),
                  enrolled("*", "inspector", "inspector2", "赵六"),
                  enrolled(UNIT, "inspector", "inspector3", "孙七")]


def write(name, packet, context, inspection=None):
    if ONLY and name not in ONLY:
        return
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    context = {"template": "jiandu-zeren", "received_at": ARRIVES, "revoked": [], **context}
    if inspection is not None:
        context["inspection"] = "inspection.json"
        with open(os.path.join(folder, "inspection.json"), "w") as f:
            f.write(json.dumps(inspection, ensure_ascii=False, indent=2) + "\n")
    with open(os.path.join(folder, "packet.json"), "w") as f:
        f.write(json.dumps(packet, ensure_ascii=False, indent=2) + "\n")
    with open(os.path.join(folder, "context.json"), "w") as f:
        f.write(json.dumps(context, ensure_ascii=False, indent=2) + "\n")


def accepted(status=201):
    return {"status": status, "code": None}


def refused(status, code):
    return {"status": status, "code": code}


with tempfile.TemporaryDirectory() as tmp:
    jiandu = bundled("jiandu-zeren", tmp)
    kaohe = bundled("jiancha-kaohe", tmp)

    own = sign(new_packet(jiandu, [ZHANG, LI], tmp=tmp), "principal", "supervisory", tmp=tmp)
    write("self-assessment", own, {"enrollments": UNIT_KEYS, "http": accepted()})

    # The inspectors' team of three scores a self-assessment list: two
    # enrolled for every unit, one for this unit.
    team = new_packet(jiandu, INSPECTORS, kind="inspection", findings=FINDINGS, tmp=tmp)
    inspection = sign(team, "inspector", "inspector2", "inspector3", tmp=tmp)
    write("three-inspectors", inspection, {"enrollments": INSPECTOR_KEYS, "http": accepted()})

    # A unit's own principal and supervisory file an "inspection" of it.
    write("unit-signed-inspection",
          by_hand(own, lambda p: p.update(kind="inspection"), "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS, "http": refused(422, "roles")})

    # An inspector signs a unit's self-assessment as one of its signers.
    write("inspector-signs-self-assessment",
          by_hand(own, lambda p: p["signers"][1].update(role="inspector", name="王五",
                                                        public_key=inspection["payload"]["signers"][0]["public_key"]),
                  "principal", "inspector", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS, "http": refused(422, "roles")})

    # A key enrolled for every unit (as an old intake allowed) signs a
    # unit's own self-assessment as its principal.
    write("all-units-key-signs-self-assessment", own,
          {"enrollments": [enrolled("*", "principal", "principal", "张三"), UNIT_KEYS[1]],
           "http": refused(403, "key-all-units")})

    # The unit's principal, who also holds an inspector's key for every
    # unit, co-signs the inspection of their own unit.
    cosigned = new_packet(jiandu, [INSPECTORS[0], ("inspector", "张三", "principal")],
                          kind="inspection", findings=FINDINGS, tmp=tmp)
    write("inspection-cosigned-by-unit-key", sign(cosigned, "inspector", "principal", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS + [enrolled("*", "inspector", "principal", "张三")],
           "http": refused(403, "inspected-unit-key")})

    # Unit 101 answers, as if its own, the findings of unit 102's inspection.
    other = new_packet(jiandu, INSPECTORS[:1], kind="inspection", unit=OTHER_UNIT,
                       findings=FINDINGS, tmp=tmp)
    other = sign(other, "inspector", tmp=tmp)
    answer = [{"finding": "1", "status": "done", "action": "已开展专项检查", "completed_on": "2026-11-20"}]
    theirs = rectify(other, answer, tmp)
    write("rectification-of-another-units-inspection",
          by_hand(theirs, lambda p: p["unit"].update(code=UNIT), "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS, "http": refused(422, "other-inspection")},
          inspection=other)

    mine = rectify(inspection, answer, tmp)
    write("rectification", sign(mine, "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS, "http": accepted()}, inspection=inspection)

    write("rectification-of-unknown-finding",
          by_hand(mine, lambda p: p["rectifications"][0].update(finding="9"), "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS, "http": refused(422, "unknown-finding")},
          inspection=inspection)

    write("rectification-without-its-inspection", sign(mine, "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS, "http": refused(422, "unknown-inspection")})

    write("completed-after-arrival",
          by_hand(mine, lambda p: p["rectifications"][0].update(completed_on="2099-01-01"),
                  "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS + INSPECTOR_KEYS, "http": refused(422, "completed-in-future")},
          inspection=inspection)

    write("created-in-future",
          by_hand(own, lambda p: p.update(created_at="2099-12-31T23:59:59Z"), "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS, "http": refused(422, "created-in-future")})

    write("revoked-key", own,
          {"enrollments": UNIT_KEYS, "revoked": [revoked("principal", "2026-11-24T08:00:00Z")],
           "http": refused(403, "key-revoked")})

    # Revoked after the packet arrived: what was received before stays valid.
    write("revoked-after-arrival", own,
          {"enrollments": UNIT_KEYS, "revoked": [revoked("principal", "2999-01-01T00:00:00Z")],
           "http": accepted()})

    write("signer-name",
          by_hand(own, lambda p: p["signers"][0].update(name="假名字"), "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS, "http": refused(403, "signer-name")})

    write("key-not-enrolled", own,
          {"enrollments": UNIT_KEYS[1:] + [enrolled(OTHER_UNIT, "principal", "principal", "张三")],
           "http": refused(403, "key-not-enrolled")})

    # A self-assessment of the inspectors' score sheet (检查考核评分表),
    # which the CLI will not make.
    kaohe_ref = {"id": "jiancha-kaohe", "version": json.load(open(kaohe))["version"],
                 "sha256": hashlib.sha256(run("canonical", kaohe)).hexdigest()}
    write("self-assessment-of-inspection-list",
          by_hand(own, lambda p: p.update(template=kaohe_ref), "principal", "supervisory", tmp=tmp),
          {"template": "jiancha-kaohe", "enrollments": UNIT_KEYS, "http": refused(422, "kind")})

    # 一岗双责 (v2) is about a person: each packet names the member
    # assessed, who signs it beside the principal and the supervisory.
    yigang = bundled("yigang-shuangze", tmp, version=2)
    member = ("member", "周八", "outsider")
    person_keys = UNIT_KEYS + [enrolled(UNIT, "member", "outsider", "周八")]
    none = os.path.join(tmp, "none.json")
    with open(none, "w") as f:
        f.write("{}")
    zhou = {"name": "周八", "post": "党委副书记"}
    about = sign(new_packet(yigang, [ZHANG, LI, member], responses=none, subject=zhou, tmp=tmp),
                 "principal", "supervisory", "outsider", tmp=tmp)
    write("person-self-assessment", about,
          {"template": "yigang-shuangze", "enrollments": person_keys, "http": accepted()})

    # Another member's list, filed without them: signed by 周八 in the
    # member's place.
    write("person-not-a-signer",
          by_hand(about, lambda p: p["subject"].update(name="吴九", post="党委委员"),
                  "principal", "supervisory", "outsider", tmp=tmp),
          {"template": "yigang-shuangze", "enrollments": person_keys,
           "http": refused(422, "subject-not-signer")})

    # A list about a person that names nobody: a row of no one.
    write("person-list-without-subject",
          by_hand(about, lambda p: p.pop("subject"), "principal", "supervisory", "outsider", tmp=tmp),
          {"template": "yigang-shuangze", "enrollments": person_keys, "http": refused(422, "subject")})

    # v2 of 监督责任 wants a triggered veto explained: the packet is
    # written by hand with 9.1 triggered and no note, and signed.
    jiandu2 = bundled("jiandu-zeren", tmp, version=2)
    own2 = sign(new_packet(jiandu2, [ZHANG, LI], responses=RESPONSES_V2, tmp=tmp),
                "principal", "supervisory", tmp=tmp)
    write("unexplained-veto",
          by_hand(own2, lambda p: p["responses"].update({"9.1": {"answer": True}}),
                  "principal", "supervisory", tmp=tmp),
          {"enrollments": UNIT_KEYS, "http": refused(422, "unexplained")})
print("regenerated")
