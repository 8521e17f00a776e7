"""How fast is the dispatch bulletin on the current database (issue 3's performance targets).

Times, for the campaign's root unit after one warm-up run each:
- the progress engine alone (for reference, it is inside everything else);
- the 三大三少 diagnostics (engine included);
- the bulletin document, rendered as JSON (diagnostics included): the figure
  the target "diagnostics + bulletin JSON ≤ 1 s" is about;
- the Word (.docx) and Excel (.xlsx) files rendered from that document;
and counts the queries of one bulletin. Targets: on a province-scale database
(more than ``PREFECTURE_UNITS`` units) JSON ≤ 1 s and each file ≤ 5 s; on a
prefecture such as the demo every format ≤ 1 s.

Read-only: it never publishes, so it may run on any database. Not a test: a
missed target is reported, not raised, and the exit status is left alone.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Above this many units the database is a province (the demo prefecture has ~30).
PREFECTURE_UNITS = 500
TARGETS_MS = {
    "province": {"json": 1000.0, "docx": 5000.0, "xlsx": 5000.0},
    "prefecture": {"json": 1000.0, "docx": 1000.0, "xlsx": 1000.0},
}


def _timed(fn: Callable, repeat: int) -> tuple[list[float], object]:
    result = fn()  # warm-up: SQLite's page cache, Django's and python-docx's caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def _line(label: str, times: list[float]) -> str:
    # The fastest run is shown too: on shared cores it is the least disturbed one.
    # Numbers first: Chinese labels do not line up in a terminal's columns.
    return f"  中位数 {statistics.median(times):7.1f} ms，最快 {min(times):7.1f} ms  {label}"


def run_dispatch_benchmarks(repeat: int = 5) -> int:
    """Print the timings and whether the targets are met; 0, or 2 when there is no campaign."""
    from zhaoshang.bench.run import _as_of, _campaign
    from zhaoshang.dispatch.bulletin import build_bulletin
    from zhaoshang.dispatch.diagnostics import diagnose
    from zhaoshang.dispatch.render import render
    from zhaoshang.engine.progress import campaign_root, compute
    from zhaoshang.org.models import Unit

    repeat = max(1, repeat)
    campaign = _campaign()
    if campaign is None:
        print("数据库中没有专项行动。请先运行 zhaoshang generate（基准数据）或 zhaoshang demo。")
        return 2
    as_of = _as_of(campaign)
    root = campaign_root(campaign)
    units = Unit.objects.count()
    scale = "province" if units > PREFECTURE_UNITS else "prefecture"
    print()
    print(f"调度通报（{campaign.code}，截至 {as_of}，根单位 {root.name}，单位 {units:,} 个）")

    engine, _ = _timed(lambda: compute(campaign, as_of, root), repeat)
    diagnostics, _ = _timed(lambda: diagnose(campaign, as_of, root), repeat)

    def bulletin_json() -> tuple[dict, bytes]:
        document = build_bulletin(campaign, as_of)
        return document, render(document, "json")

    json_times, (document, data) = _timed(bulletin_json, repeat)
    with CaptureQueriesContext(connection) as queries:
        build_bulletin(campaign, as_of)
    # The files are rendered from the document alone (as for a published issue).
    file_repeat = min(repeat, 3)
    docx_times, docx = _timed(lambda: render(document, "docx"), file_repeat)
    xlsx_times, xlsx = _timed(lambda: render(document, "xlsx"), file_repeat)

    counted = document["unit"]["indicators"]["contract_projects"]["achieved"]
    print(
        f"  下级单位 {len(document['children'])} 个，计入项目 {counted:,} 个；"
        f"JSON {len(data) / 1e6:.1f} MB，Word {len(docx) / 1e6:.2f} MB，"
        f"Excel {len(xlsx) / 1e6:.2f} MB"
    )
    print(_line("引擎 compute()", engine))
    print(_line("三大三少诊断（含引擎）", diagnostics))
    print(_line("通报 JSON（含诊断）", json_times) + f"   查询 {len(queries)} 条")
    print(_line("Word .docx（由通报生成）", docx_times))
    print(_line("Excel .xlsx（由通报生成）", xlsx_times))

    targets = TARGETS_MS[scale]
    results = {
        "json": statistics.median(json_times),
        "docx": statistics.median(docx_times),
        "xlsx": statistics.median(xlsx_times),
    }
    met = all(results[k] <= targets[k] for k in targets)
    label = "省级规模" if scale == "province" else "州级规模"
    limits = "，".join(f"{k} ≤ {targets[k] / 1000:g} s" for k in targets)
    print(f"  目标（{label}：{limits}）：{'达标' if met else '未达标'}")
    return 0
