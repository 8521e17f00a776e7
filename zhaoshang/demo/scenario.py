"""`zhaoshang demo`: load the 黔东南州 scenario through the workbook loader.

The demo has no back door into the tables: it writes a data workbook
(zhaoshang.demo.workbook) and imports it with the same loader users run, so
the demo also exercises the import path. Only what the workbook cannot say
is set afterwards: the zone's "not a GB/T 2260 code" mark (through the unit
service), and the account flags that make demo logins usable at once while
letting `serve` warn that the well-known password is in use.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from zhaoshang.demo.workbook import (
    CAMPAIGN_CODE,
    DEMO_UNIT_CODES,
    DEMO_USERNAMES,
    PROJECT_PREFIX,
    REPORTING_UNITS,
    ZONE_CODE,
    Scenario,
    build_scenario,
    write_workbook,
)


class DemoRefused(Exception):
    """The database holds data the demo must not mix with; the message says what and how."""


class DemoLoadFailed(DemoRefused):
    """The loader rejected the demo workbook: a bug in the demo or the loader.

    A kind of refusal so that `zhaoshang demo` prints the loader's report and
    exits with 2 instead of a traceback; nothing was written.
    """


@dataclass
class Foreign:
    """Records in the database that the demo did not create."""

    what: str
    count: int
    examples: list[str]

    def describe(self) -> str:
        return f"{self.count} 个{self.what}（如 {'、'.join(self.examples)}）"


def non_demo_data() -> list[Foreign]:
    """What in the database is not demo data.

    Units, projects, campaigns and accounts are what a real deployment always
    has and the demo could overwrite or mix its figures with; enterprises are
    not checked because the demo never updates one it did not name.
    """
    from zhaoshang.campaigns.models import Campaign
    from zhaoshang.ledger.models import Project
    from zhaoshang.org.models import Unit

    found = []
    checks = [
        ("非演示单位", Unit.objects.exclude(code__in=DEMO_UNIT_CODES), "code", "name"),
        ("非演示项目", Project.objects.exclude(code__startswith=PROJECT_PREFIX), "code", "name"),
        ("其他专项行动", Campaign.objects.exclude(code=CAMPAIGN_CODE), "code", "name"),
        (
            "非演示账号",
            get_user_model().objects.exclude(username__in=DEMO_USERNAMES),
            "username",
            None,
        ),
    ]
    for what, qs, key, label in checks:
        count = qs.count()
        if count:
            fields = [key] + ([label] if label else [])
            examples = [
                " ".join(str(v) for v in row) for row in qs.order_by(key).values_list(*fields)[:3]
            ]
            found.append(Foreign(what, count, examples))
    return found


def wipe_business_data() -> None:
    """Empty every business table, its history and the accounts (``demo --reset``).

    Reference data shipped with the product (the industry classification) and
    the administrator's holiday table are kept: they are configuration, not data.
    The deletes run in one transaction; foreign keys are checked at commit
    (Django declares them DEFERRABLE INITIALLY DEFERRED), so their order does
    not matter, and ``allow_cascade`` also empties any table that refers to one
    of these (tables other apps add later included).
    """
    from django.apps import apps
    from django.core.management.color import no_style

    keep = {"ledger.industry", "campaigns.calendarday"}
    tables = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("zhaoshang."):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label_lower in keep or not model._meta.managed or model._meta.proxy:
                continue
            tables.add(model._meta.db_table)
    user_model = get_user_model()
    tables.add(user_model._meta.db_table)
    for m2m in user_model._meta.many_to_many:
        tables.add(m2m.remote_field.through._meta.db_table)
    tables.add("django_session")
    existing = set(connection.introspection.table_names())
    sql = connection.ops.sql_flush(no_style(), sorted(tables & existing), allow_cascade=True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # PostgreSQL refuses TRUNCATE while deferred foreign-key checks of
                # earlier writes in the same transaction are pending: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in sql:
                cursor.execute(statement)


def _loaded_counts() -> dict[str, int]:
    from zhaoshang.ledger.models import Enterprise, FollowUp, FundsEntry, Park, Project
    from zhaoshang.org.models import Unit

    return {
        "单位": Unit.objects.count(),
        "园区": Park.objects.count(),
        "客商": Enterprise.objects.count(),
        "项目": Project.objects.count(),
        "到位资金记录": FundsEntry.objects.count(),
        "跟踪记录": FollowUp.objects.count(),
        "账号": get_user_model().objects.count(),
    }


def _finish_units() -> None:
    """The zone's code is internal, not from GB/T 2260: record that through the unit service."""
    from zhaoshang.org.models import Unit
    from zhaoshang.org.services import do_save_unit

    zone = Unit.objects.select_related("parent").get(code=ZONE_CODE)
    if zone.official_code:
        do_save_unit(
            zone.code,
            name=zone.name,
            kind=zone.kind,
            parent=zone.parent,
            order=zone.order,
            official_code=False,
            reason="开发区编码为内部编码，非 GB/T 2260 代码",
        )


def _finish_accounts(new_usernames: set[str]) -> None:
    """Demo logins work at once; the hash they start with is kept to detect the demo password."""
    from zhaoshang.org.models import Account

    for user in get_user_model().objects.filter(username__in=DEMO_USERNAMES):
        account, _ = Account.objects.get_or_create(user=user)
        changed = []
        if account.must_change_password:
            account.must_change_password = False
            changed.append("must_change_password")
        if user.username in new_usernames and account.demo_password_hash != user.password:
            # Only a login this load created holds the demo password for sure; an
            # existing one may have been changed since and must not be flagged.
            account.demo_password_hash = user.password
            changed.append("demo_password_hash")
        if changed:
            account.save(update_fields=changed)
        if user.username == "admin" and not (user.is_superuser and user.is_staff):
            # The prefecture administrator of the demo also gets the Django admin.
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])


def load_scenario(scenario: Scenario) -> None:
    """Import the scenario's workbook through the loader, then set what it cannot carry."""
    from zhaoshang.workbook.loader import load_workbook

    existing = set(
        get_user_model()
        .objects.filter(username__in=DEMO_USERNAMES)
        .values_list("username", flat=True)
    )
    with tempfile.TemporaryDirectory(prefix="zhaoshang-demo-") as folder:
        path = write_workbook(scenario, Path(folder) / "黔东南州演示数据.xlsx")
        result = load_workbook(str(path), actor=None)
    if result.errors:
        raise DemoLoadFailed(
            "演示数据工作簿未通过导入检查（这是程序缺陷，请报告）：\n" + result.report()
        )
    _finish_units()
    _finish_accounts(set(DEMO_USERNAMES) - existing)
    # What a workbook cannot carry: the tasks' flow so far, and two published bulletins.
    from zhaoshang.dispatch.demo import publish_bulletins
    from zhaoshang.supervision.demo import advance_tasks

    advance_tasks()
    publish_bulletins(scenario.shift)


def _campaign_window():
    from zhaoshang.campaigns.models import Campaign

    return Campaign.objects.filter(code=CAMPAIGN_CODE).values_list("start", "end").first()


def load_demo(*, reset: bool = False, if_empty: bool = False, today: date | None = None) -> str:
    """Load the demo scenario; returns the Chinese text `zhaoshang demo` prints."""
    from zhaoshang.org.models import Unit

    # The local calendar day of the deployment (settings.TIME_ZONE), as pages show it.
    today = today or timezone.localdate()
    if if_empty and not reset and Unit.objects.exists():
        return "数据库中已有数据，未载入演示数据。"
    if not reset:
        foreign = non_demo_data()
        if foreign:
            raise DemoRefused(
                "数据库中已有非演示数据："
                + "；".join(f.describe() for f in foreign)
                + "。为免混淆，未载入演示数据，现有数据原样保留。演示请另用一个空数据库"
                "（设置 DATABASE_URL 或 ZHAOSHANG_DATA_DIR）。"
            )
    scenario = build_scenario(today)
    rebuilt = False
    with transaction.atomic():
        window = _campaign_window()
        wanted = (scenario.shifted(date(2026, 10, 20)), scenario.shifted(date(2026, 12, 5)))
        if not reset and window is not None and tuple(window) != wanted:
            # Demo data loaded on another day has other dates; upserting would add
            # a second set of milestones and stage dates, so rebuild it instead.
            rebuilt = True
        if reset or rebuilt:
            wipe_business_data()
        load_scenario(scenario)
    return summary(scenario, rebuilt=rebuilt, reset=reset)


def summary(scenario: Scenario, *, rebuilt: bool = False, reset: bool = False) -> str:
    from zhaoshang.demo.workbook import CAMPAIGN_END, CAMPAIGN_NAME, CAMPAIGN_START, MILESTONES

    counts = _loaded_counts()
    start, end = scenario.shifted(CAMPAIGN_START), scenario.shifted(CAMPAIGN_END)
    milestones = "，".join(
        f"{scenario.shifted(on):%m月%d日}前完成 {pct}%" for on, pct in MILESTONES
    )
    lines = []
    if reset:
        lines.append("已清空原有数据。")
    elif rebuilt:
        lines.append("演示数据的日期已按今天重新平移，原演示数据已重建。")
    lines += [
        "已载入黔东南州演示数据：",
        "　" + "，".join(f"{name} {count}" for name, count in counts.items()) + "。",
        f"　专项行动「{CAMPAIGN_NAME}」（{CAMPAIGN_CODE}），{start:%Y年%m月%d日}至{end:%Y年%m月%d日}；"
        f"节点：{milestones}。",
        f"　演示日期已平移 {scenario.shift} 天，使今天（{scenario.today:%Y年%m月%d日}）处于行动进行中。",
        "",
        f"演示账号（密码均为 {settings.DEMO_PASSWORD}）：",
        "　admin　　　　州管理员（也可登录 /admin/ 后台）",
        "　leader　　　 州领导",
    ]
    for plan in REPORTING_UNITS:
        lines.append(f"　r{plan.code}　{plan.name}填报员")
    lines += [
        "",
        "注意：演示密码仅供演示使用，切勿用于正式环境。正式使用请另建数据库，导入本单位的数据工作簿，"
        "并为每个账号设置新密码；演示密码仍在使用时，zhaoshang serve 每次启动都会提示。",
    ]
    return "\n".join(lines)
