#!/usr/bin/env python3
"""Writes the units workbooks the console's end-to-end test imports, as an
office would make them with openpyxl or another tool (not as Qingdan
writes them): the columns 单位编码, 单位名称, 上级单位编码 in another
order, a code typed as a number, an empty row.

    python3 tests/interop/openpyxl_units.py tests/data/sheets

writes, in that folder:
- openpyxl-units.xlsx: a county committee and 29 townships and
  departments under it (30 units);
- openpyxl-units-bad.xlsx: the same with one unit's name left empty (its
  cell is named by the refusal) and one unit under a parent that is not
  in the workbook or registered.
"""
import sys
from pathlib import Path

from openpyxl import Workbook

OUT = Path(sys.argv[1])

COUNTY = ("510824-000", "中共苍溪县委员会")
PLACES = [
    "陵江镇", "云峰镇", "东青镇", "白驿镇", "漓江镇", "文昌镇", "元坝镇", "亭子镇",
    "五龙镇", "歧坪镇", "龙王镇", "永宁镇", "唤马镇", "石门乡", "月山乡", "桥溪乡",
    "彭店乡", "岳东镇", "三川镇", "浙水乡", "运山镇", "百利镇", "鸳溪镇", "白鹤乡",
]
OFFICES = ["县财政局", "县教育局", "县卫生健康局", "县自然资源局", "县住房城乡建设局"]


def units():
    rows = [(COUNTY[0], COUNTY[1], None)]
    for n, place in enumerate(PLACES, start=1):
        rows.append((f"510824-{100 + n}", f"{place}党委", COUNTY[0]))
    for n, office in enumerate(OFFICES, start=1):
        rows.append((f"510824-{200 + n}", f"{office}党组", COUNTY[0]))
    assert len(rows) == 30
    return rows


def write(name, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "单位"
    # Another order than the documented one; the name first.
    sheet.append(["单位名称", "上级单位编码", "单位编码"])
    for i, (code, unit, parent) in enumerate(rows):
        if i == 3:
            sheet.append([None, None, None])  # an empty row is skipped
        sheet.append([unit, parent, code])
    book.save(OUT / name)


write("openpyxl-units.xlsx", units())
bad = units()
bad[5] = (bad[5][0], None, bad[5][2])  # no name: row 8 (after the empty row)
bad[9] = (bad[9][0], bad[9][1], "510824-999")  # a parent nobody registered
write("openpyxl-units-bad.xlsx", bad)
