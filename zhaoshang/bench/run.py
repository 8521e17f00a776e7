"""`zhaoshang bench`: how fast is the progress engine, against the best one SQL query can do.

The engine's root progress (every child of the campaign's root, all indicators)
is timed over N runs after a warm-up, and so is ONE hand-written SQL aggregate
computing, per child, the figures the engine derives from counted projects:
contract amount, number of projects, park and industrial projects. Counting
follows domain.md exactly as the engine does (contract date within
[start, min(end, as-of)], not dropped as of the day, responsible unit in the
child's subtree by the materialized path). Both must give the same figures,
or the comparison means nothing: the run prints OK or MISMATCH and exits 1 on
a mismatch. Top-500 enterprises and funds in place, which the engine also
computes (in queries of their own), are checked by two more SQL queries that
are not timed.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

TARGET_MS = 150.0
TARGET_RATIO = 1.5


def _tables() -> dict[str, str]:
    from zhaoshang.ledger.models import EnterpriseTag, FundsEntry, Project
    from zhaoshang.org.models import Unit

    q = connection.ops.quote_name
    return {
        "unit": q(Unit._meta.db_table),
        "project": q(Project._meta.db_table),
        "investors": q(Project.investors.through._meta.db_table),
        "tag": q(EnterpriseTag._meta.db_table),
        "funds": q(FundsEntry._meta.db_table),
        "on": q("on"),
    }


# Both statements below find the child of the root a unit belongs to from its
# materialized path: the path's prefix up to the first "/" after the root's
# path is the child's path ("/1/" + "7/42/" → "/1/7/"), matched on the path
# index. Of the shapes tried on the generated province (a LIKE join of every
# child against every unit; the prefix on each project row; the prefix on
# per-unit groups) the last was fastest on SQLite, so it is the floor.
CHILD_PATH = "substr(u.path, 1, %(len)s + {strpos}(substr(u.path, %(len)s + 1), '/'))"

COUNTED = """
    p.contract_on >= %(start)s AND p.contract_on <= %(last)s
    AND (p.dropped_on IS NULL OR p.dropped_on > %(as_of)s)
"""

# The floor: per child of the root, the four figures of counted projects
# (contract amount in cents, projects, park projects, industrial projects).
FLOOR_SQL = """
WITH per_unit AS (
    SELECT p.responsible_unit_id AS unit_id,
           SUM(CAST(ROUND(p.contract_amount * 100) AS BIGINT)) AS cents,
           COUNT(*) AS n,
           SUM(CASE WHEN p.park_id IS NOT NULL THEN 1 ELSE 0 END) AS n_park,
           SUM(CASE WHEN p.is_industrial THEN 1 ELSE 0 END) AS n_industrial
    FROM {project} p
    WHERE {counted}
    GROUP BY p.responsible_unit_id
), per_child AS (
    SELECT {child_path} AS child_path,
           SUM(k.cents) AS cents, SUM(k.n) AS n, SUM(k.n_park) AS n_park,
           SUM(k.n_industrial) AS n_industrial
    FROM per_unit k JOIN {unit} u ON u.id = k.unit_id
    WHERE u.path LIKE %(root_path)s AND u.path <> %(root)s
    GROUP BY 1
)
SELECT c.id, r.cents, r.n, r.n_park, r.n_industrial
FROM per_child r JOIN {unit} c ON c.path = r.child_path
"""

# Every figure the engine derives from the ledger (the four above, distinct
# top-500 investors and funds in place) in one statement: the fair comparison
# for the whole of compute(), which needs three queries for them.
FULL_SQL = """
WITH counted AS (
    SELECT p.id, p.responsible_unit_id, p.contract_amount, p.park_id, p.is_industrial
    FROM {project} p
    WHERE {counted}
), child_of AS (
    SELECT u.id AS unit_id, c.id AS child_id
    FROM {unit} u JOIN {unit} c ON c.path = {child_path}
    WHERE u.path LIKE %(root_path)s AND u.path <> %(root)s
), per_child AS (
    SELECT co.child_id,
           SUM(CAST(ROUND(k.contract_amount * 100) AS BIGINT)) AS cents,
           COUNT(*) AS n,
           SUM(CASE WHEN k.park_id IS NOT NULL THEN 1 ELSE 0 END) AS n_park,
           SUM(CASE WHEN k.is_industrial THEN 1 ELSE 0 END) AS n_industrial
    FROM counted k JOIN child_of co ON co.unit_id = k.responsible_unit_id
    GROUP BY co.child_id
), top500 AS (
    SELECT co.child_id, COUNT(DISTINCT pi.enterprise_id) AS n
    FROM counted k
    JOIN child_of co ON co.unit_id = k.responsible_unit_id
    JOIN {investors} pi ON pi.project_id = k.id
    WHERE pi.enterprise_id IN (SELECT t.enterprise_id FROM {tag} t WHERE t.name = %(tag)s)
    GROUP BY co.child_id
), funds AS (
    SELECT co.child_id, SUM(CAST(ROUND(f.amount * 100) AS BIGINT)) AS cents
    FROM counted k
    JOIN child_of co ON co.unit_id = k.responsible_unit_id
    JOIN {funds} f ON f.project_id = k.id
    WHERE f.{on} <= %(as_of)s
    GROUP BY co.child_id
)
SELECT pc.child_id, pc.cents, pc.n, pc.n_park, pc.n_industrial,
       COALESCE(t.n, 0), COALESCE(f.cents, 0)
FROM per_child pc
LEFT JOIN top500 t ON t.child_id = pc.child_id
LEFT JOIN funds f ON f.child_id = pc.child_id
"""


def _sql(template: str) -> str:
    # SQLite has instr(), PostgreSQL strpos(); both take (text, substring).
    strpos = "instr" if connection.vendor == "sqlite" else "strpos"
    return template.format(
        child_path=CHILD_PATH.format(strpos=strpos),
        counted=COUNTED,
        **_tables(),
    )


def _params(root, start: date, last: date, as_of: date) -> dict:
    from zhaoshang.ledger.models import TOP500_TAG

    return {
        "start": start,
        "last": last,
        "as_of": as_of,
        "len": len(root.path),
        "root": root.path,
        "root_path": root.path + "%",
        "tag": TOP500_TAG,
    }


def sql_floor(root, start: date, last: date, as_of: date) -> dict[int, tuple]:
    """Per child of the root: (amount 万元, projects, park projects, industrial projects)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(FLOOR_SQL), _params(root, start, last, as_of))
        return {
            row[0]: (
                Decimal(row[1] or 0) / 100,
                int(row[2] or 0),
                int(row[3] or 0),
                int(row[4] or 0),
            )
            for row in cursor.fetchall()
        }


def sql_full(root, start: date, last: date, as_of: date) -> dict[int, tuple]:
    """Per child: the four floor figures, then top-500 enterprises and funds in place (万元)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(FULL_SQL), _params(root, start, last, as_of))
        return {
            row[0]: (
                Decimal(row[1] or 0) / 100,
                int(row[2] or 0),
                int(row[3] or 0),
                int(row[4] or 0),
                int(row[5]),
                Decimal(row[6] or 0) / 100,
            )
            for row in cursor.fetchall()
        }


class QueryRecorder:
    """An execute wrapper keeping each query of one compute() with its parameters."""

    def __init__(self):
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)

    def replay(self) -> list[tuple[float, int, str]]:
        """Each query run again on its own, rows fetched: (ms, rows, SQL), slowest first.

        Timing execute() alone would mislead on SQLite, where most of a
        query's work happens while its rows are fetched.
        """
        timed = []
        with connection.cursor() as cursor:
            for sql, params in self.queries:
                started = time.perf_counter()
                cursor.execute(sql, params)
                rows = len(cursor.fetchall())
                timed.append(((time.perf_counter() - started) * 1000, rows, " ".join(sql.split())))
        return sorted(timed, key=lambda q: -q[0])


def _timed_side_by_side(fns, repeat: int) -> tuple[list[list[float]], list[object]]:
    """Time several computations in turn, round after round.

    Interleaving puts every contender under the same load at the same moment,
    so a busy neighbour on a shared machine slows all of them alike.
    """
    results = [fn() for fn in fns]  # warm-up: fills SQLite's page cache and Django's caches
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            started = time.perf_counter()
            results[i] = fn()
            times[i].append((time.perf_counter() - started) * 1000)
    return times, results


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]  # nearest rank


def _campaign():
    from zhaoshang.bench.generate import CAMPAIGN_CODE
    from zhaoshang.campaigns.models import Campaign

    campaign = Campaign.objects.filter(code=CAMPAIGN_CODE).first()
    return campaign or Campaign.objects.order_by("-start", "code").first()


def _as_of(campaign) -> date:
    from zhaoshang.bench.generate import AS_OF, CAMPAIGN_CODE

    if campaign.code == CAMPAIGN_CODE:
        return AS_OF
    return min(max(date.today(), campaign.start), campaign.end)


def _sizes() -> str:
    from zhaoshang.ledger.models import Enterprise, FollowUp, FundsEntry, Project
    from zhaoshang.org.models import Unit

    counts = [
        ("单位", Unit),
        ("项目", Project),
        ("客商", Enterprise),
        ("到位资金", FundsEntry),
        ("跟踪记录", FollowUp),
    ]
    return "，".join(f"{label} {model.objects.count():,}" for label, model in counts)


def _engine_figures(row) -> tuple:
    ind = row.indicators
    return (
        Decimal(ind["contract_amount"].achieved),
        int(ind["contract_projects"].achieved),
        int(ind["park_projects"].achieved),
        int(ind["industrial_projects"].achieved),
        int(ind["top500_enterprises"].achieved),
        Decimal(ind["funds_in_place"].achieved),
    )


def compare(progress, floor: dict, full: dict) -> list[str]:
    """Differences between the engine's child rows and the SQL figures (empty: they agree)."""
    problems = []
    nothing = (Decimal(0), 0, 0, 0, 0, Decimal(0))
    for row in progress.children:
        engine = _engine_figures(row)
        if engine[:4] != floor.get(row.unit_id, nothing[:4]):
            problems.append(
                f"{row.code} {row.name}：引擎 {engine[:4]}，SQL 下限 {floor.get(row.unit_id)}"
            )
        if engine != full.get(row.unit_id, nothing):
            problems.append(
                f"{row.code} {row.name}：引擎 {engine}，SQL 全部指标 {full.get(row.unit_id)}"
            )
    children = {row.unit_id for row in progress.children}
    for label, figures in (("SQL 下限", floor), ("SQL 全部指标", full)):
        extra = set(figures) - children
        if extra:
            problems.append(f"{label}多出单位 {sorted(extra)}")
    return problems


def _planner_statistics() -> str | None:
    """Whether SQLite has planner statistics (ANALYZE); they change query plans a lot."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        has = cursor.fetchone()[0] > 0
    return "已收集（ANALYZE）" if has else "未收集（从未运行 ANALYZE / PRAGMA optimize）"


def _line(label: str, times: list[float]) -> str:
    # The minimum is shown too: on a shared machine it is the least disturbed run.
    return (
        f"{label}：中位数 {statistics.median(times):.1f} ms，P95 {_p95(times):.1f} ms，"
        f"最快 {min(times):.1f} ms"
    )


def run_benchmarks(repeat: int = 20) -> int:
    """Time the engine against the SQL floor on the current database; 0 OK, 1 mismatch, 2 no data."""
    from zhaoshang.engine.progress import campaign_root, compute

    repeat = max(1, repeat)
    campaign = _campaign()
    if campaign is None:
        print("数据库中没有专项行动。请先运行 zhaoshang generate（基准数据）或 zhaoshang demo。")
        return 2
    as_of = _as_of(campaign)
    root = campaign_root(campaign)
    last = min(campaign.end, as_of)
    print(f"数据库：{connection.vendor}，{connection.settings_dict['NAME']}")
    stats = _planner_statistics()
    if stats:
        print(f"SQLite 查询统计信息：{stats}")
    print(f"数据量：{_sizes()}")
    print(f"专项行动：{campaign.code}，截至 {as_of}，根单位 {root.code} {root.name}")

    (engine_times, floor_times, full_times), (progress, floor, full) = _timed_side_by_side(
        [
            lambda: compute(campaign, as_of, root),
            lambda: sql_floor(root, campaign.start, last, as_of),
            lambda: sql_full(root, campaign.start, last, as_of),
        ],
        repeat,
    )
    recorder = QueryRecorder()
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(recorder):
        compute(campaign, as_of, root)

    engine_median = statistics.median(engine_times)
    floor_median, full_median = statistics.median(floor_times), statistics.median(full_times)
    ratio = engine_median / floor_median if floor_median else float("inf")
    full_ratio = engine_median / full_median if full_median else float("inf")
    counted = progress.unit.indicators["contract_projects"].achieved
    print(
        f"下级单位：{len(progress.children)} 个；计入项目 {counted:,} 个；每项 {repeat} 次，另各预热 1 次"
    )
    print(
        _line("引擎 compute()", engine_times)
        + f"，查询 {len(queries)} 条；各条单独重跑（含取回结果）："
    )
    for ms, rows, sql in recorder.replay():
        print(f"    {ms:7.1f} ms {rows:6,} 行  {sql[:100]}")
    print(_line("SQL 下限（单条语句：合同投资额、项目数、园区、工业）", floor_times))
    print(_line("SQL 全部指标（单条语句，另含500强企业数、到位资金）", full_times))
    print(f"比值 引擎/SQL 下限：{ratio:.2f}；引擎/SQL 全部指标：{full_ratio:.2f}")
    problems = compare(progress, floor, full)
    if problems:
        print("结果核对：MISMATCH")
        for line in problems[:20]:
            print("    " + line)
        return 1
    print("结果核对：OK（每个下级单位的六项完成数，引擎与两条 SQL 一致）")
    # The target compares like with like: the SQL computing the same six figures.
    met = engine_median <= TARGET_MS and full_ratio <= TARGET_RATIO
    print(
        f"目标（≤ {TARGET_MS:.0f} ms 且 ≤ {TARGET_RATIO} × 同样六项指标的 SQL）："
        f"{'达标' if met else '未达标'}"
    )
    from zhaoshang.bench.dispatch_bench import run_dispatch_benchmarks  # the bulletin's timings

    run_dispatch_benchmarks(repeat=min(repeat, 5))
    from zhaoshang.bench.ledger_pages import run_ledger_pages  # the ledger pages' timings

    run_ledger_pages(repeat=repeat)
    return 0
