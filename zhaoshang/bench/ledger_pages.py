"""`zhaoshang bench` (ledger part): server time of the ledger pages, side by side with
Django admin's changelist for the same model and filter, in one run on one database.

Every page is requested through ``django.test.Client`` (the whole Django stack:
middleware, session, scope, queries, template rendering; no network), after a
warm-up, N times; the median and the 90th percentile are printed with the
number of queries. Measured:

* the ledger list as a prefecture administrator, filtered to their prefecture
  and the stage 合同, 50 rows a page (the target: ≤ 50 ms median on SQLite);
* a project page of that prefecture (the busiest project: most follow-ups);
* Django admin's changelist of Project with the same filter (the
  prefecture's unit ids and the stage, 50 rows a page), as a superuser: the
  ledger list must be at least as fast;
* the list with a pinyin-initials search, and both lists over the whole
  database (a superuser, stage 合同) for comparison.

The generated data set is written with bulk inserts, which skip ``save()``,
so its pinyin search keys are written first when missing (said in the output).
Accounts used for the run (``bench-ledger-…``) are created when absent.
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

LIST_TARGET_MS = 50.0
DETAIL_TARGET_MS = 50.0
ADMIN_USER = "bench-ledger-admin"
SUPER_USER = "bench-ledger-root"


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _measure(client: Client, url: str, repeat: int) -> dict:
    """Median and p90 of ``repeat`` requests after two warm-ups; queries of one request."""
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} 返回 {response.status_code}")
    # Counted with an execute wrapper: Django empties its query log when a request starts.
    executed: list[str] = []

    def count(run, sql, params, many, context):
        executed.append(sql)
        return run(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "url": url,
        "median": statistics.median(times),
        "p90": _percentile(times, 90),
        "queries": len(executed),
        "kb": len(response.content) / 1024,
    }


def _accounts(prefecture):
    from django.contrib.auth import get_user_model

    from zhaoshang.org.models import Membership, Role

    User = get_user_model()
    admin, _created = User.objects.get_or_create(
        username=ADMIN_USER, defaults={"first_name": "基准测试州管理员"}
    )
    Membership.objects.update_or_create(
        user=admin, defaults={"unit": prefecture, "role": Role.ADMIN}
    )
    root, _created = User.objects.get_or_create(
        username=SUPER_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    return admin, root


@contextmanager
def _admin_pages_of(rows: int):
    """The registered ProjectAdmin showing ``rows`` a page for the run (as the ledger does)."""
    from django.contrib import admin

    from zhaoshang.ledger.models import Project

    model_admin = admin.site._registry[Project]
    saved = model_admin.list_per_page
    model_admin.list_per_page = rows
    try:
        yield
    finally:
        model_admin.list_per_page = saved


def run_ledger_pages(repeat: int = 30) -> int:
    """Print the ledger page timings; 0 when measured, 2 when there is no ledger to measure."""
    from zhaoshang.ledger.models import Project, Stage
    from zhaoshang.ledger.services import fill_missing_search_keys
    from zhaoshang.org.models import Unit

    repeat = max(5, repeat)
    print()
    print("—— 台账页面（服务器端耗时，django.test.Client，含中间件、查询与模板渲染）——")
    if not Project.objects.exists():
        print("数据库中没有项目。请先运行 zhaoshang generate。")
        return 2
    started = time.perf_counter()
    fixed = fill_missing_search_keys()
    if fixed:
        print(
            f"补写拼音检索键：{fixed:,} 条（批量生成的数据未经 save()），"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )

    # The prefecture with the most projects, and its busiest project.
    roots = list(Unit.objects.filter(parent__isnull=True))
    prefectures = Unit.objects.filter(parent__in=roots)
    counts = {
        u.pk: Project.objects.filter(responsible_unit__path__startswith=u.path).count()
        for u in prefectures
    }
    if not counts:
        print("没有二级单位（州/市），无法按州管理员测量。")
        return 2
    prefecture = Unit.objects.get(pk=max(counts, key=counts.get))
    busiest = (
        Project.objects.filter(responsible_unit__path__startswith=prefecture.path)
        .annotate(n=Count("follow_ups"))
        .order_by("-n", "code")
        .values_list("code", "n")
        .first()
    )
    admin_user, root_user = _accounts(prefecture)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            analyzed = cursor.fetchone() is not None
        print(f"SQLite 查询统计信息（ANALYZE）：{'已收集' if analyzed else '未收集'}")
    contracted = Project.objects.filter(stage=Stage.CONTRACTED)
    print(
        f"数据：项目 {Project.objects.count():,} 个（合同阶段 {contracted.count():,} 个）；"
        f"州管理员所在单位 {prefecture.code} {prefecture.name}，项目 {counts[prefecture.pk]:,} 个；"
        f"每页重复 {repeat} 次（另预热 2 次）"
    )

    as_admin, as_root = Client(), Client()
    as_admin.force_login(admin_user)
    as_root.force_login(root_user)
    stage = int(Stage.CONTRACTED)
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    subtree = ",".join(
        str(pk)
        for pk in Unit.objects.filter(path__startswith=prefecture.path).values_list("pk", flat=True)
    )
    with override_settings(ALLOWED_HOSTS=hosts, DEBUG=False), _admin_pages_of(50):
        results = [
            (
                "台账列表（州管理员，本州 + 合同阶段）",
                _measure(as_admin, f"/projects/?unit={prefecture.code}&stage={stage}", repeat),
            ),
            (
                "Django admin 项目列表（同一筛选：本州各单位 + 合同阶段）",
                _measure(
                    as_root,
                    f"/admin/ledger/project/?stage__exact={stage}&responsible_unit__in={subtree}",
                    repeat,
                ),
            ),
            (
                f"项目页面（州管理员，{busiest[0]}，跟踪记录 {busiest[1]} 条）",
                _measure(as_admin, f"/projects/{busiest[0]}/", repeat),
            ),
            (
                "台账列表（州管理员，本州 + 拼音首字母搜索 xny）",
                _measure(as_admin, f"/projects/?unit={prefecture.code}&q=xny", repeat),
            ),
            (
                "台账列表（超级用户，全库 + 合同阶段）",
                _measure(as_root, f"/projects/?stage={stage}", repeat),
            ),
            (
                "Django admin 项目列表（超级用户，全库 + 合同阶段）",
                _measure(as_root, f"/admin/ledger/project/?stage__exact={stage}", repeat),
            ),
        ]
        # The follow-up feed shows 50 of every follow-up the user sees (a million for
        # the province): it must not sort or count all of them to show a page.
        feeds = [
            ("跟踪记录动态（州管理员，本州）", _measure(as_admin, "/ledger/follow-ups/", repeat)),
            ("跟踪记录动态（超级用户，全省）", _measure(as_root, "/ledger/follow-ups/", repeat)),
        ]
        results += feeds
    width = max(len(name) for name, _r in results)
    for name, r in results:
        print(
            f"  {name.ljust(width)}  中位数 {r['median']:6.1f} ms  P90 {r['p90']:6.1f} ms  "
            f"查询 {r['queries']:2d} 条  页面 {r['kb']:.0f} KB"
        )
    list_ms, admin_ms = results[0][1]["median"], results[1][1]["median"]
    detail_ms = results[2][1]["median"]
    ratio = list_ms / admin_ms if admin_ms else float("inf")
    whole = results[4][1]["median"] / results[5][1]["median"]
    print(f"  比值 台账列表 / admin 列表：同一筛选 {ratio:.2f}；全库 {whole:.2f}（均为每页 50 行）")
    met = list_ms <= LIST_TARGET_MS and detail_ms <= DETAIL_TARGET_MS and ratio <= 1.0
    print(
        f"  目标（列表与项目页面中位数 ≤ {LIST_TARGET_MS:.0f} ms，列表不慢于 admin）："
        f"{'达标' if met else '未达标'}"
    )
    return 0
