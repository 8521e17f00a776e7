"""`zhaoshang bench --only import`: a 项目 sheet validated and committed, beside its floor.

For each size (1,000, 10,000 and 50,000 rows by default) a 项目 sheet is
written, then, in a database that already holds its units and enterprises:

- **import**: ``load_workbook`` of the file (read, validate the whole file,
  write every project with its stage events, relations and history rows);
- **floor**: the fastest reader (python-calamine) and an unvalidated
  ``bulk_create`` of the same projects, without history.

Each run happens inside an outer transaction that is rolled back, so the
database is left as it was and every run starts from the same state (the
import's own transaction becomes a savepoint: the final commit's fsync is
not in the figures). Peak memory is the peak of Python's allocations
(tracemalloc) in a separate pass, so tracing does not slow the timed one.
Then the export of the same number of projects is timed.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

SIZES = (1_000, 10_000, 50_000)
PREFIX = "BENCH-IMP"
HEADER = [
    "项目编号*",
    "项目名称*",
    "责任单位编码*",
    "责任人",
    "投资方",
    "所属行业",
    "计划总投资(万元)",
    "合同投资额(万元)",
    "项目阶段*",
    "签约日期",
    "合同签订日期",
]
TARGET_SECONDS, TARGET_RATIO, TARGET_MB = 3.0, 4.0, 250


class _Rollback(Exception):
    pass


def _world():
    """Units and enterprises the sheet refers to (created once, kept)."""
    from zhaoshang.ledger.models import Enterprise
    from zhaoshang.ledger.services import do_save_enterprise
    from zhaoshang.org.models import Unit, UnitKind
    from zhaoshang.org.services import do_save_unit

    root = Unit.objects.filter(code=f"{PREFIX}-0").first()
    if root is None:
        root, _c, _ch = do_save_unit(
            f"{PREFIX}-0", name="基准导入州", kind=UnitKind.PREFECTURE, parent=None
        )
    counties = []
    for i in range(1, 11):
        code = f"{PREFIX}-{i}"
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            unit, _c, _ch = do_save_unit(
                code, name=f"基准导入县{i}", kind=UnitKind.COUNTY, parent=root
            )
        counties.append(unit)
    names = [f"基准导入企业{i:03d}有限公司" for i in range(200)]
    have = set(Enterprise.objects.filter(name__in=names).values_list("name", flat=True))
    for name in names:
        if name not in have:
            do_save_enterprise(name=name, owner_unit=root)
    return counties, names


def _write_sheet(path: Path, rows: int, counties, names) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("项目")
    ws.write_row(0, 0, HEADER)
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    from datetime import datetime

    signed, contract = datetime(2026, 10, 10), datetime(2026, 10, 20)
    for i in range(rows):
        unit = counties[i % len(counties)].code
        values = [
            f"{PREFIX}-{i:06d}",
            f"基准导入项目{i}",
            unit,
            f"责任人{i % 20}",
            names[i % len(names)],
            "C34",
            2000 + i % 100,
            1000 + i % 500,
            "合同",
        ]
        ws.write_row(i + 1, 0, values)
        ws.write_datetime(i + 1, 9, signed, date_format)
        ws.write_datetime(i + 1, 10, contract, date_format)
    book.close()


def _rolled_back(fn):
    """Run ``fn`` in a transaction that is undone afterwards; return (seconds, CPU seconds).

    CPU seconds (this process's own, database work included for SQLite, which
    runs in-process) are what the figures compare on a machine others share:
    wall time there mostly measures the neighbours.
    """
    started, cpu = time.perf_counter(), time.process_time()
    try:
        with transaction.atomic():
            fn()
            elapsed = time.perf_counter() - started, time.process_time() - cpu
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _import(path: Path):
    from zhaoshang.workbook.loader import load_workbook

    result = load_workbook(path)
    if result.errors:
        raise RuntimeError("基准导入出错：" + "；".join(result.errors[:3]))
    return result


def _floor(path: Path, units: dict[str, int]):
    from python_calamine import CalamineWorkbook

    from zhaoshang.ledger.models import Project

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("项目").to_python()
    objs = [
        Project(
            code=r[0],
            name=r[1],
            responsible_unit_id=units[r[2]],
            planned_investment=Decimal(str(r[6])),
            contract_amount=Decimal(str(r[7])),
            stage=4,
        )
        for r in grid[1:]
    ]
    Project.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _export(rows: int, path: Path) -> float:
    from zhaoshang.ledger.models import Project
    from zhaoshang.workbook.export import write_workbook
    from zhaoshang.workbook.sheets.projects import ProjectsSheet

    projects = Project.objects.filter(code__startswith=PREFIX).order_by("code")[:rows]
    started, cpu = time.perf_counter(), time.process_time()
    write_workbook(str(path), [(ProjectsSheet, Project.objects.filter(pk__in=projects))])
    return time.perf_counter() - started, time.process_time() - cpu


def _peak_mb(fn) -> float:
    tracemalloc.start()
    try:
        _rolled_back(fn)
        return tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def run_import_benchmarks(repeat: int = 3, sizes=SIZES) -> int:
    """Print the import, floor and export figures; 0 when the 10,000-row targets are met."""
    print(f"导入基准（数据库：{connection.vendor}）：每项 {repeat} 次取中位数，每次在回滚的事务中")
    counties, names = _world()
    units = {u.code: u.pk for u in counties}
    met = None  # measured only when 10,000 rows are among the sizes
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            path = Path(folder) / f"项目-{rows}.xlsx"
            _write_sheet(path, rows, counties, names)
            runs = max(1, repeat if rows <= 10_000 else 1)
            imports = [_rolled_back(lambda path=path: _import(path)) for _ in range(runs)]
            floors = [_rolled_back(lambda path=path: _floor(path, units)) for _ in range(runs)]
            t_import = statistics.median(t for t, _c in imports)
            t_floor = statistics.median(t for t, _c in floors)
            c_import = statistics.median(c for _t, c in imports)
            c_floor = statistics.median(c for _t, c in floors)
            ratio = t_import / t_floor if t_floor else float("inf")
            line = (
                f"  {rows:>6,} 行：导入 {t_import:6.2f} s（CPU {c_import:.2f} s，"
                f"{t_import / rows * 1000:.2f} ms/行），下限 {t_floor:5.2f} s（CPU {c_floor:.2f} s），"
                f"比值 {ratio:4.1f}（CPU {c_import / c_floor if c_floor else 0:.1f}），"
                f"负载 {os.getloadavg()[0]:.1f}"
            )
            if rows == 10_000:
                peak_import = _peak_mb(lambda path=path: _import(path))
                peak_floor = _peak_mb(lambda path=path: _floor(path, units))
                line += f"；峰值内存 导入 {peak_import:.0f} MB，下限 {peak_floor:.0f} MB"
                met = (
                    t_import <= TARGET_SECONDS
                    and ratio <= TARGET_RATIO
                    and peak_import <= TARGET_MB
                )
            print(line, flush=True)
        # Export: the projects of one import written back, timed on the committed rows.
        largest = max(sizes)
        path = Path(folder) / f"项目-{largest}.xlsx"
        with transaction.atomic():
            _import(path)
            for rows in sizes:
                seconds, cpu = _export(rows, Path(folder) / f"导出-{rows}.xlsx")
                print(
                    f"  导出 {rows:>6,} 个项目：{seconds:5.2f} s（CPU {cpu:.2f} s），"
                    f"负载 {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            transaction.set_rollback(True)
    verdict = "未测（行数中没有 10,000）" if met is None else ("达标" if met else "未达标")
    print(
        f"目标（10,000 行 ≤ {TARGET_SECONDS:.0f} s、≤ {TARGET_RATIO:.0f} × 下限、"
        f"峰值 ≤ {TARGET_MB} MB）：{verdict}"
    )
    return 0
