#!/usr/bin/env python3
"""Imports a checklist workbook that another program wrote: openpyxl, as a
script or another office tool would, in the documented layout
(crates/qingdan-sheet/README.md) but not as Qingdan writes it: only the
Checklist, Items and Options sheets (so the default signers and bands
apply), English sheet names, headers in another order and in both
languages, numbers as real numbers and some as text, real boolean cells,
an empty row.

Run by `cargo xtask test` in a virtual environment that has openpyxl:
    python3 tests/interop/openpyxl_workbook.py target/debug/qingdan target/interop/openpyxl.xlsx
The second argument is where the workbook is written.
"""
import json
import subprocess
import sys

from openpyxl import Workbook

QINGDAN = sys.argv[1]
OUT = sys.argv[2]


def workbook(points_of_1_2):
    book = Workbook()
    checklist = book.active
    checklist.title = "Checklist"
    for row in [
        ("Field", "Value"),
        ("id", "town-inspection"),
        ("version", 3),
        ("title", "某镇党风廉政建设检查考核表"),
        ("title_en", "Town inspection"),
        ("responsibility", "检查考核"),
        ("period", "quarterly"),
    ]:
        checklist.append(row)

    items = book.create_sheet("Items")
    items.append(["类型", "item_id", "小项", "Section ID", "section", "分值", "Partial",
                  "目标", "单位", "per", "cap", "可不适用", "required", "显示条件", "否决效果"])
    items.append(["check", "1.1", "制定年度工作计划", 1, "研究部署", 3, "1.5"])
    items.append(["count", "1.2", "专题研究", 1, None, points_of_1_2, None, 4, "次"])
    items.append([])
    items.append(["选择", "2.1", "检查覆盖面", "2", "检查考核"])
    items.append(["扣分", "2.2", "违规问题", 2, None, 10, None, None, "起", "0.5", None, True])
    items.append(["加分", "2.3", "创新做法", 2, None, None, None, None, "项", 1, 2, None, False,
                  "2.1 in full, most"])
    items.append(["veto", "2.4", "一案双查", 2, None, None, None, None, None, None, None, None,
                  None, None, "至多 合格"])

    options = book.create_sheet("Options")
    options.append(["points", "item_id", "value", "label"])
    options.append([4, "2.1", "full", "全面覆盖"])
    options.append([2.5, "2.1", "most", "大部分"])
    options.append(["0", "2.1", "none", "未开展"])
    book.save(OUT)


def qingdan(*args):
    return subprocess.run([QINGDAN, *args], capture_output=True)


failures = []


def check(label, holds):
    """Notes a failure when `holds()` is false or the member it reads is missing."""
    try:
        ok = holds()
    except (KeyError, IndexError, TypeError):
        ok = False
    if not ok:
        failures.append(label)


workbook(4.5)
out = qingdan("template", "import", OUT)
if out.returncode != 0:
    sys.exit(f"qingdan template import failed:\n{out.stderr.decode()}")
doc = json.loads(out.stdout)
items = {item["id"]: item
         for section in doc.get("sections", []) for item in section.get("items", [])}
check("title", lambda: doc["title"] == {"zh": "某镇党风廉政建设检查考核表", "en": "Town inspection"})
check("version", lambda: doc["version"] == 3)
check("period", lambda: doc["period"] == "quarterly" and doc["responsibility"] == "inspection")
check("sections", lambda: [s["id"] for s in doc["sections"]] == ["1", "2"])
check("item count", lambda: len(items) == 6)
check("a float's points", lambda: items["1.2"]["rule"] == {
    "kind": "count", "points": "4.5", "target": 4, "unit": {"zh": "次"}})
check("points as text", lambda: items["1.1"]["rule"]["partial"] == "1.5")
check("an option", lambda: items["2.1"]["rule"]["options"][1] == {
    "id": "most", "label": {"zh": "大部分"}, "points": "2.5"})
check("a boolean cell",
      lambda: items["2.2"].get("na_allowed") is True and items["2.3"].get("required") is False)
check("a condition", lambda: items["2.3"]["show_if"] == {"item": "2.1", "any_of": ["full", "most"]})
check("a veto cap by label", lambda: items["2.4"]["rule"]["effect"] == {"cap_grade": "pass"})
check("default signers", lambda: [s["role"] for s in doc["signers"]] == ["inspector"])
check("default bands", lambda: [b["id"] for b in doc["bands"]] == ["excellent", "good", "pass", "fail"])

# The same workbook with a mistake: refused, the cell named.
workbook("四点五")
out = qingdan("template", "import", OUT)
check("a bad cell exits 1", lambda: out.returncode == 1)
check("a bad cell is named",
      lambda: f'{OUT}: Items!F3: points "四点五" is not a number' in out.stderr.decode())

if failures:
    sys.exit("openpyxl workbook import failed: " + ", ".join(failures)
             + f"\n{json.dumps(doc, ensure_ascii=False)}")
print(f"openpyxl workbook import: ok ({len(items)} items, defaults for signers and bands)")
