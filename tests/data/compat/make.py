#!/usr/bin/env python3
"""Makes one version's folder of the compatibility corpus.

    python3 tests/data/compat/make.py QINGDAN OUT_DIR [--inspections all|jiancha-kaohe] [--attachments]

QINGDAN is the `qingdan` binary of the version whose packets these are.
Run it once per released format, with that version's own binary, and
commit the folder; never run it again for a folder that exists: these
packets are what older apps in the field have signed, and the test over
them (`compat.rs`) is the promise that no later version refuses them.

For every bundled list the version has: a self-assessment (when the list
serves one), an inspection with two findings, and a rectification of one
of them. Each is signed by the test keys in tests/data/keys under the names
the intake enrolls them with (see `context.json`). The answers cover every
kind of item: done, partly and not done, counts below and at their target,
deadlines on time, late and not met, choices, ratings, deductions, a bonus,
a triggered veto, N/A and evidence, with notes. With --attachments (a
version that signs files), each self-assessment carries a photo and a PDF
and each inspection a photo of a finding: they are bundles
(`.qingdan.zip`).
"""
import argparse
import json
import os
import struct
import subprocess
import tempfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
KEYS = os.path.join(ROOT, "tests", "data", "keys")

UNIT = ("510824-101", "某某镇党委")
PERIOD = "2026"
UNIT_SIGNERS = [("principal", "张三", "principal"), ("supervisory", "李四", "supervisory")]
INSPECTORS = [("inspector", "王五", "inspector"), ("inspector", "赵六", "inspector2")]
MEMBER = ("member", "王二", "inspector3")


def answers(template, seed):
    """Answers to every item, varied by the item's place and `seed`."""
    out = {}
    n = seed
    for section in template["sections"]:
        for item in section["items"]:
            n += 1
            rule = item["rule"]
            kind = rule["kind"]
            if item.get("na_allowed") and n % 5 == 0:
                out[item["id"]] = {"na": True}
                if item.get("explain"):
                    out[item["id"]]["note"] = "本年度无此项工作"
                continue
            if kind == "check":
                states = ["done", "partial", "not_done"] if "partial" in rule else ["done", "not_done"]
                answer = states[n % len(states)]
            elif kind == "count":
                target = rule["target"]
                answer = target if n % 2 else max(0, target - 1)
            elif kind == "deadline" and "due" in rule:
                # The checklist fixes the due date from the period (lists
                # of later versions): only when it was done.
                answer = {"done": [None, "2026-06-20", "2027-01-20"][n % 3]}
            elif kind == "deadline":
                reference = "from" if "within_days" in rule else "due"
                done = [None, "2026-06-20", "2026-07-20"][n % 3]
                answer = {reference: "2026-06-30", "done": done}
            elif kind == "choice":
                answer = rule["options"][n % len(rule["options"])]["id"]
            elif kind == "scale":
                answer = rule["min"] + n % (rule["max"] - rule["min"] + 1)
            elif kind in ("deduction", "bonus"):
                answer = n % 3
            elif kind == "veto":
                answer = seed % 2 == 1 and n % 7 == 0
            elif kind == "text":
                answer = "见会议纪要第%d号" % n
            elif kind == "number":
                answer = n % 10
            elif kind == "date":
                answer = "2026-06-01"
            else:
                raise SystemExit("unknown kind %s" % kind)
            response = {"answer": answer}
            if n % 4 == 0:
                response["note"] = "佐证材料第%d号" % n
            elif item.get("explain") or rule.get("explain"):
                response["note"] = "原因见说明第%d号" % n
            out[item["id"]] = response
    return out


def findings(template):
    scored = [i for s in template["sections"] for i in s["items"] if i["rule"]["kind"] in ("check", "count", "deadline")]
    return [
        {"id": "1", "item": scored[0]["id"], "problem": "会议记录不全", "deadline": "2027-01-31", "responsible": "李四"},
        {"id": "2", "item": scored[1]["id"], "problem": "未按期报送书面报告", "deadline": "2027-02-28", "responsible": "张三"},
    ]


def png(width, height, seed):
    """A real PNG image of width x height, its colours from `seed`."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    rows = b"".join(b"\0" + bytes((x * 7 + y * 3 + seed) % 256 for x in range(width * 3))
                    for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def payload_of(path):
    """The payload of a packet file or a bundle's packet."""
    if path.endswith(".qingdan.zip"):
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read("packet.json"))["payload"]
    with open(path) as f:
        return json.load(f)["payload"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("qingdan")
    parser.add_argument("out")
    parser.add_argument("--inspections", choices=["all", "jiancha-kaohe"], default="all",
                        help="which lists the version takes inspections on")
    parser.add_argument("--attachments", action="store_true",
                        help="files on items and findings, as bundles")
    args = parser.parse_args()
    qingdan = os.path.abspath(args.qingdan)
    out = os.path.abspath(args.out)
    if os.path.exists(out):
        raise SystemExit("%s exists: a version's packets are never made again" % out)
    os.makedirs(out)

    def run(*a):
        done = subprocess.run([qingdan, *a], capture_output=True)
        if done.returncode != 0:
            raise SystemExit("%s: %s" % (" ".join(a), done.stderr.decode()))
        return done.stdout

    def signer_args(signers):
        return [x for role, name, key in signers
                for x in ("--signer", "%s:%s:%s" % (role, name, os.path.join(KEYS, key + ".pub.pem")))]

    def sign(path, signers):
        for _, _, key in signers:
            run("sign", "--key", os.path.join(KEYS, key + ".pem"), path, "-o", path)

    made = []
    with tempfile.TemporaryDirectory() as tmp:
        photo_path = os.path.join(tmp, "谈话记录.png")
        with open(photo_path, "wb") as f:
            f.write(png(48, 32, 5))
        plan_path = os.path.join(tmp, "工作计划.pdf")
        with open(plan_path, "wb") as f:
            f.write(PDF)
        extension = ".qingdan.zip" if args.attachments else ".json"
        ids = [line.split("\t")[0] for line in run("template", "bundled").decode().splitlines() if line]
        for seed, list_id in enumerate(ids):
            template_path = os.path.join(tmp, list_id + ".json")
            with open(template_path, "wb") as f:
                f.write(run("template", "bundled", list_id))
            with open(template_path) as f:
                template = json.load(f)
            responses_path = os.path.join(tmp, list_id + "-responses.json")
            with open(responses_path, "w") as f:
                json.dump(answers(template, seed), f, ensure_ascii=False)
            common = ["packet", "new", "-t", template_path, "-r", responses_path,
                      "--unit", UNIT[0], "--unit-name", UNIT[1], "--period", PERIOD]
            unit_signers = UNIT_SIGNERS
            if any(s["role"] == "member" for s in template.get("signers", [])):
                # 一岗双责 of later versions: the member assessed signs too.
                unit_signers = UNIT_SIGNERS + [MEMBER]
            if template.get("subject") == "person":
                # A list about a person (later versions): who is assessed,
                # and signs their own self-assessment.
                name = unit_signers[-1][1]
                common += ["--subject-name", name, "--subject-post",
                           "党委副书记" if name == MEMBER[1] else "党委书记"]
            inspection_only = template["responsibility"] == "inspection"
            items = [i["id"] for section in template["sections"] for i in section["items"]]
            if not inspection_only:
                path = os.path.join(out, list_id + "-self-assessment" + extension)
                files = (["--attach", "%s=%s" % (items[0], photo_path),
                          "--attach", "%s=%s" % (items[-1], plan_path)] if args.attachments else [])
                run(*common, "--kind", "self-assessment", *signer_args(unit_signers), *files, "-o", path)
                sign(path, unit_signers)
                made.append(path)
            if args.inspections == "jiancha-kaohe" and not inspection_only:
                continue
            findings_path = os.path.join(tmp, list_id + "-findings.json")
            with open(findings_path, "w") as f:
                json.dump(findings(template), f, ensure_ascii=False)
            inspectors = INSPECTORS if inspection_only else INSPECTORS[:1]
            inspection = os.path.join(out, list_id + "-inspection" + extension)
            files = (["--attach", "%s=%s" % (findings(template)[0]["item"], photo_path)]
                     if args.attachments else [])
            run(*common, "--kind", "inspection", *signer_args(inspectors), "--findings", findings_path,
                *files, "-o", inspection)
            sign(inspection, inspectors)
            made.append(inspection)
            rectified_path = os.path.join(tmp, list_id + "-rectified.json")
            with open(rectified_path, "w") as f:
                json.dump([{"finding": "1", "status": "done", "action": "已补齐会议记录", "completed_on": "2026-11-20"},
                           {"finding": "2", "status": "in-progress", "action": "正在整理报告"}], f, ensure_ascii=False)
            rectification = os.path.join(out, list_id + "-rectification.json")
            run("packet", "rectify", "--inspection", inspection, "--rectifications", rectified_path,
                *signer_args(unit_signers), "-o", rectification)
            sign(rectification, unit_signers)
            made.append(rectification)

    # What the intake must know to take them: the unit, and each key
    # enrolled under its signer's name (an inspector's for every unit).
    keys = {}
    for path in made:
        for s in payload_of(path)["signers"]:
            unit = "*" if s["role"] == "inspector" else UNIT[0]
            keys[(unit, s["role"], s["public_key"])] = s["name"]
    context = {
        "unit": {"code": UNIT[0], "name": UNIT[1]},
        "generator": run("--version").decode().strip(),
        "enrollments": [{"unit": u, "role": r, "public_key": k, "name": n}
                        for (u, r, k), n in sorted(keys.items())],
    }
    with open(os.path.join(out, "context.json"), "w") as f:
        f.write(json.dumps(context, ensure_ascii=False, indent=2) + "\n")
    print("made %d packets in %s" % (len(made), out))


if __name__ == "__main__":
    main()
