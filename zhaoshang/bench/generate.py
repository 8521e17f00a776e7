"""`zhaoshang generate`: a province-scale ledger for benchmarks.

At scale 1.0: about 3,000 units (a province, 9 prefectures, ~100 counties and
zones, ~1,000 townships, departments at every level), 100,000 projects,
30,000 enterprises, funds entries for about half of the contracted projects,
1,000,000 follow-ups, and the campaign BENCH2026 with milestones and targets
for the province, every prefecture and every county and zone. Smaller scales
shrink the tree by the square root of the scale and the records linearly.

Everything is fictional (codes start with 99, names with 演示/示例) and seeded:
the same scale and seed give the same data. Units, parks, the campaign and its
targets go through the ordinary services; the bulk records through
zhaoshang.ledger.bulk, which writes their history too.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from zhaoshang.cli import CommandError
from zhaoshang.dbtools import refresh_planner_statistics
from zhaoshang.demo.fiction import ORIGINS, make_uscc, person_name

CAMPAIGN_CODE = "BENCH2026"
CAMPAIGN_START = date(2026, 10, 20)
CAMPAIGN_END = date(2026, 12, 5)
MILESTONES = [(date(2026, 11, 15), Decimal(50)), (date(2026, 12, 5), Decimal(100))]
# The day the benchmark measures; the generated ledger runs on to DATA_END so
# that some contracts fall after it and after the campaign's end.
AS_OF = date(2026, 11, 27)
DATA_START = date(2024, 1, 1)
DATA_END = date(2026, 12, 31)
ROOT_CODE = "990000"

KINDS = ["外出招商", "来访接待", "洽谈", "电话联系", "推介会", "考察", "其他"]
_KIND_WEIGHTS = [5, 5, 6, 8, 1, 2, 1]
_TRADES = [
    "新材料",
    "食品",
    "电子科技",
    "生物医药",
    "新能源",
    "建材",
    "农业开发",
    "文化旅游",
    "物流",
    "茶业",
    "智能装备",
    "数字科技",
    "林业",
    "康养",
    "商贸",
    "冷链",
]
_PRODUCTS = [
    "精深加工",
    "生产基地",
    "产业园",
    "综合体",
    "物流中心",
    "种植基地",
    "智能制造",
    "数据中心",
    "光伏电站",
    "康养中心",
]
_NUMERALS = "一二三四五六七八九十"


class GenerateRefused(CommandError):
    """Generation cannot start; `zhaoshang generate` prints the message and exits with 2."""


@dataclass
class Tree:
    """The generated units, by role in the tree (ids)."""

    root: object = None
    prefectures: list = field(default_factory=list)
    counties: list = field(default_factory=list)  # counties and zones: the targets' level
    townships: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    county_of: dict[int, object] = field(default_factory=dict)  # unit id → its county or zone
    parks: dict[int, list[int]] = field(default_factory=dict)  # county id → park ids

    @property
    def all(self) -> list:
        return [self.root, *self.prefectures, *self.counties, *self.townships, *self.departments]


class Reporter:
    """Progress lines with the elapsed time, flushed at once (generation takes minutes)."""

    def __init__(self):
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:7.1f} 秒] {message}", flush=True)
        sys.stdout.flush()

    def every(self, label: str, total: int, step: int):
        last = [0]

        def report(done: int) -> None:
            if done - last[0] >= step or done == total:
                last[0] = done
                self(f"{label}：{done:,}/{total:,}")

        return report


def _sizes(scale: float) -> dict[str, int]:
    tree = math.sqrt(scale)
    return {
        "prefectures": max(2, round(9 * tree)),
        "counties": max(2, round(10 * tree)),  # per prefecture
        "townships": max(1, round(11 * tree)),  # per county
        "county_departments": max(1, round(20 * tree)),  # per county
        "prefecture_departments": max(1, round(10 * tree)),
        "province_departments": max(1, round(20 * tree)),
        "projects": max(50, round(100_000 * scale)),
        "enterprises": max(30, round(30_000 * scale)),
        "follow_ups": max(100, round(1_000_000 * scale)),
    }


def _day(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _build_tree(sizes: dict[str, int], say: Reporter) -> Tree:
    from zhaoshang.ledger.services import do_save_park
    from zhaoshang.org.services import do_save_unit

    tree = Tree()

    def unit(code, name, kind, parent, order, official=True):
        return do_save_unit(
            code, name=name, kind=kind, parent=parent, order=order, official_code=official
        )[0]

    with transaction.atomic():
        tree.root = unit(ROOT_CODE, "演示省", "其他", None, 0)
        for d in range(1, sizes["province_departments"] + 1):
            tree.departments.append(
                unit(f"{ROOT_CODE}{d:03d}", f"演示省第{d}厅", "其他", tree.root, 100 + d)
            )
        for p in range(1, sizes["prefectures"] + 1):
            pcode = f"99{p:02d}00"
            pname = f"演示{p}州"
            pref = unit(pcode, pname, "州", tree.root, p)
            tree.prefectures.append(pref)
            for d in range(1, sizes["prefecture_departments"] + 1):
                tree.departments.append(
                    unit(f"{pcode}1{d:02d}", f"{pname}第{d}局", "州直部门", pref, 100 + d)
                )
            counties = [
                (f"99{p:02d}{c:02d}", f"{pname}{c}号县", "县市", True)
                for c in range(1, sizes["counties"] + 1)
            ]
            counties.append((f"99{p:02d}80", f"{pname}经济开发区", "开发区", False))
            for order, (code, name, kind, official) in enumerate(counties, start=1):
                county = unit(code, name, kind, pref, order, official)
                tree.counties.append(county)
                tree.county_of[county.pk] = county
                townships = (
                    sizes["townships"] if kind == "县市" else max(1, sizes["townships"] // 5)
                )
                for t in range(1, townships + 1):
                    town = unit(f"{code}{t:03d}", f"{name}{t}号乡镇", "乡镇", county, t)
                    tree.townships.append(town)
                    tree.county_of[town.pk] = county
                for d in range(1, sizes["county_departments"] + 1):
                    dept = unit(f"{code}5{d:02d}", f"{name}第{d}局", "县直部门", county, 500 + d)
                    tree.departments.append(dept)
                    tree.county_of[dept.pk] = county
        say(f"单位：{len(tree.all):,} 个")
        for county in tree.counties:
            names = [f"{county.name}产业园"] + ([f"{county.name}工业园区"] if county.pk % 2 else [])
            tree.parks[county.pk] = [do_save_park(name=n, unit=county)[0].pk for n in names]
        say(f"园区：{sum(len(v) for v in tree.parks.values()):,} 个")
    return tree


def _enterprises(
    rng: random.Random, count: int, tree: Tree, say: Reporter
) -> tuple[list[int], set[int]]:
    from zhaoshang.ledger.bulk import NewEnterprise, bulk_add_enterprises
    from zhaoshang.ledger.models import TOP500_TAG

    rows, seen_uscc = [], set()
    owners = [u.pk for u in tree.counties]
    for i in range(1, count + 1):
        trade = rng.choice(_TRADES)
        ownership = rng.choices(["民营", "国有", "外资", "港澳台", "其他"], [72, 12, 7, 5, 4])[0]
        origin, region = rng.choice(ORIGINS)
        uscc = None
        if ownership in {"民营", "国有", "其他"} and rng.random() < 0.8:
            uscc = make_uscc(rng, region)
            if uscc in seen_uscc:
                uscc = None
            seen_uscc.add(uscc)
        tags = []
        if ownership == "民营" and rng.random() < 0.03:
            tags.append((TOP500_TAG, rng.choice([2024, 2025])))
        if rng.random() < 0.05:
            tags.append(("高新技术企业", None))
        rows.append(
            NewEnterprise(
                name=f"{rng.choice(('示例', '演示'))}{trade}企业{i:05d}有限公司",
                uscc=uscc,
                ownership=ownership,
                origin=origin if ownership not in {"外资", "港澳台"} else "境外",
                owner_unit_id=rng.choice(owners),
                tags=tags,
            )
        )
    ids = bulk_add_enterprises(rows, reason="基准测试数据")
    top500 = {ids[r.name] for r in rows if any(t[0] == TOP500_TAG for t in r.tags)}
    say(f"客商：{len(ids):,} 家（其中民营500强 {len(top500):,} 家）")
    return [ids[r.name] for r in rows], top500


def _responsible_units(tree: Tree) -> tuple[list[int], list[float]]:
    """Who carries projects: counties and zones most, then townships, then departments."""
    units, weights = [], []
    for group, weight in ((tree.counties, 40.0), (tree.townships, 40.0), (tree.departments, 20.0)):
        if group:
            for u in group:
                units.append(u.pk)
                weights.append(weight / len(group))
    return units, weights


def _projects(rng, count, tree, enterprise_ids, industries, say):
    from zhaoshang.ledger.bulk import NewProject, bulk_add_projects
    from zhaoshang.ledger.models import Stage

    units, weights = _responsible_units(tree)
    parks_of = {
        uid: tree.parks.get(tree.county_of[uid].pk, []) if uid in tree.county_of else []
        for uid in units
    }
    rows = []
    stages = [
        Stage.LEAD,
        Stage.NEGOTIATING,
        Stage.SIGNED,
        Stage.CONTRACTED,
        Stage.STARTED,
        Stage.OPERATING,
    ]
    picks = rng.choices(units, weights, k=count)
    for i, unit_id in enumerate(picks, start=1):
        stage = rng.choices(stages, [15, 22, 13, 27, 15, 8])[0]
        dates = {}
        amount = None
        planned = Decimal(round(rng.lognormvariate(9.0, 1.0) / 100) * 100 + 100)
        if stage >= Stage.CONTRACTED:
            # A third of the contracts fall in the campaign's window (some after the
            # measured day), the rest before it or after its end.
            r = rng.random()
            if r < 0.33:
                contract = _day(rng, CAMPAIGN_START, CAMPAIGN_END)
            elif r < 0.38:
                contract = _day(rng, CAMPAIGN_END + timedelta(days=1), DATA_END)
            else:
                contract = _day(rng, DATA_START, CAMPAIGN_START - timedelta(days=1))
            dates[Stage.CONTRACTED] = contract
            amount = (planned * Decimal(rng.uniform(0.5, 1.0))).quantize(Decimal("0.01"))
            if rng.random() < 0.6:
                dates[Stage.SIGNED] = contract - timedelta(days=rng.randint(0, 90))
            if stage >= Stage.STARTED:
                dates[Stage.STARTED] = min(
                    DATA_END, contract + timedelta(days=rng.randint(10, 200))
                )
            if stage >= Stage.OPERATING:
                dates[Stage.OPERATING] = min(
                    DATA_END, dates[Stage.STARTED] + timedelta(days=rng.randint(60, 400))
                )
        elif stage == Stage.SIGNED:
            dates[Stage.SIGNED] = _day(rng, DATA_START, DATA_END)
        dropped_on = None
        first = max(dates.values()) if dates else DATA_START
        if rng.random() < 0.07 and first < DATA_END:
            dropped_on = _day(rng, first + timedelta(days=1), DATA_END)
        investors = []
        if rng.random() < 0.85:
            investors.append(rng.choice(enterprise_ids))
            if rng.random() < 0.06:
                investors.append(rng.choice(enterprise_ids))
        industry = rng.choice(industries) if industries else None
        parks = parks_of[unit_id]
        rows.append(
            NewProject(
                code=f"B{i:07d}",
                name=f"{rng.choice(_TRADES)}{rng.choice(_PRODUCTS)}项目（{i}）",
                responsible_unit_id=unit_id,
                stage=stage,
                stage_dates=dates,
                contract_amount=amount,
                planned_investment=max(planned, amount or 0),
                industry_id=industry[0] if industry else None,
                is_industrial=industry[1] if industry else rng.random() < 0.45,
                park_id=rng.choice(parks) if parks and rng.random() < 0.45 else None,
                is_key=planned >= 50000,
                investor_ids=sorted(set(investors)),
                cooperating_unit_ids=[rng.choice(units)] if rng.random() < 0.05 else [],
                dropped_on=dropped_on,
                drop_reason="投资方调整计划" if dropped_on else "",
                entered_on=_day(rng, DATA_START, DATA_END),
            )
        )
    bulk_add_projects(
        rows,
        reason="基准测试数据",
        today=DATA_END,
        progress=say.every("项目", count, max(5000, count // 10)),
    )
    return rows


def _funds(rng, rows, project_ids, say):
    from zhaoshang.ledger.bulk import NewFunds, bulk_add_funds

    funds = []
    for row in rows:
        contract = row.stage_dates.get(4)
        if contract is None or rng.random() >= 0.5:
            continue
        days = sorted({_day(rng, contract, DATA_END) for _ in range(rng.randint(1, 3))})
        for on in days:
            share = Decimal(rng.uniform(0.05, 0.3))
            funds.append(
                NewFunds(
                    project_ids[row.code],
                    on,
                    (row.contract_amount * share).quantize(Decimal("0.01")),
                )
            )
    bulk_add_funds(
        funds,
        reason="基准测试数据",
        progress=say.every("到位资金", len(funds), max(20000, len(funds) // 5)),
    )
    return len(funds)


def _follow_ups(rng, count, tree, rows, project_ids, enterprise_ids, say):
    from zhaoshang.ledger.bulk import NewFollowUp, bulk_add_follow_ups

    projects_of = defaultdict(list)
    for row in rows:
        projects_of[row.responsible_unit_id].append(project_ids[row.code])
    units, weights = _responsible_units(tree)
    # Activity is uneven: some units log far more than others.
    weights = [w * rng.uniform(0.2, 2.0) for w in weights]
    people = [person_name(rng) for _ in range(200)]
    span = (DATA_END - DATA_START).days

    def generate():
        picks = rng.choices(units, weights, k=count)
        for unit_id in picks:
            own = projects_of.get(unit_id)
            project = rng.choice(own) if own and rng.random() < 0.5 else None
            yield NewFollowUp(
                on=DATA_START + timedelta(days=rng.randint(0, span)),
                unit_id=unit_id,
                kind=rng.choices(KINDS, _KIND_WEIGHTS)[0],
                project_id=project,
                enterprise_id=rng.choice(enterprise_ids) if rng.random() < 0.3 else None,
                content="对接洽谈投资事宜",
                participants=rng.choice(people),
            )

    bulk_add_follow_ups(
        generate(),
        reason="基准测试数据",
        batch_size=10000,
        progress=say.every("跟踪记录", count, max(10000, count // 10)),
    )


def _campaign(rng, tree, rows, say):
    """BENCH2026 with targets set so that the counties spread over green, yellow and red."""
    from zhaoshang.campaigns.services import do_save_campaign, do_save_milestone, do_save_target
    from zhaoshang.engine.schedule import Point, required_pct
    from zhaoshang.ledger.models import Stage

    campaign = do_save_campaign(
        CAMPAIGN_CODE,
        name="演示省基准测试专项行动",
        start=CAMPAIGN_START,
        end=CAMPAIGN_END,
        mode="linear",
        primary_indicator="contract_amount",
        unit=tree.root,
    )[0]
    for on, pct in MILESTONES:
        do_save_milestone(campaign, on, pct)
    required = (
        required_pct(CAMPAIGN_START, [Point(d, p) for d, p in MILESTONES], "linear", AS_OF) / 100
    )
    # What each county achieves by the measured day, worked out from the rows themselves.
    achieved = defaultdict(Decimal)
    counted = defaultdict(int)
    for row in rows:
        contract = row.stage_dates.get(Stage.CONTRACTED)
        if (
            contract
            and CAMPAIGN_START <= contract <= AS_OF
            and (row.dropped_on is None or row.dropped_on > AS_OF)
        ):
            county = tree.county_of.get(row.responsible_unit_id)
            if county is not None:
                achieved[county.pk] += row.contract_amount
                counted[county.pk] += 1
    by_prefecture = defaultdict(lambda: [Decimal(0), 0])
    with transaction.atomic():
        for county in tree.counties:
            ratio = Decimal(rng.uniform(0.5, 1.3)) * required
            amount = max(Decimal(1000), (achieved[county.pk] / ratio).quantize(Decimal(100)))
            projects = max(1, round(counted[county.pk] / float(ratio)))
            do_save_target(campaign, county, "contract_amount", amount, deadline=CAMPAIGN_END)
            do_save_target(
                campaign, county, "contract_projects", Decimal(projects), deadline=CAMPAIGN_END
            )
            do_save_target(campaign, county, "park_projects", Decimal(max(1, projects // 3)))
            do_save_target(campaign, county, "industrial_projects", Decimal(max(1, projects // 3)))
            do_save_target(campaign, county, "top500_enterprises", Decimal(1))
            by_prefecture[county.parent_id][0] += amount
            by_prefecture[county.parent_id][1] += projects
        total = [Decimal(0), 0]
        for pref in tree.prefectures:
            amount, projects = by_prefecture[pref.pk]
            do_save_target(campaign, pref, "contract_amount", amount, deadline=CAMPAIGN_END)
            do_save_target(
                campaign, pref, "contract_projects", Decimal(projects), deadline=CAMPAIGN_END
            )
            do_save_target(
                campaign,
                pref,
                "top500_enterprises",
                Decimal(len(tree.counties) // len(tree.prefectures)),
            )
            total[0] += amount
            total[1] += projects
        do_save_target(campaign, tree.root, "contract_amount", total[0], deadline=CAMPAIGN_END)
        do_save_target(
            campaign, tree.root, "contract_projects", Decimal(total[1]), deadline=CAMPAIGN_END
        )
    say(
        f"专项行动 {CAMPAIGN_CODE}：节点 {len(MILESTONES)} 个，目标任务 {campaign.targets.count():,} 条"
    )
    return campaign


def generate(scale: float = 1.0, seed: int = 2026) -> dict[str, float]:
    """Generate the data set into the (empty) current database; returns counts and seconds."""
    from zhaoshang.ledger.models import FollowUp, FundsEntry, Industry, Project
    from zhaoshang.org.models import Unit

    if scale <= 0:
        raise GenerateRefused("规模参数 --scale 须大于 0")
    if Unit.objects.exists():
        raise GenerateRefused(
            "数据库中已有单位数据。基准数据只在空数据库中生成："
            "请设置 ZHAOSHANG_DATA_DIR（或 DATABASE_URL）指向一个新的数据库后再运行。"
        )
    say = Reporter()
    rng = random.Random(seed)
    sizes = _sizes(scale)
    say(f"开始生成基准数据：规模 {scale}，随机种子 {seed}")
    tree = _build_tree(sizes, say)
    enterprise_ids, _top500 = _enterprises(rng, sizes["enterprises"], tree, say)
    industries = [(i.pk, i.is_industry) for i in Industry.objects.all().order_by("code")]
    rows = _projects(rng, sizes["projects"], tree, enterprise_ids, industries, say)
    project_ids = dict(Project.objects.values_list("code", "id"))
    _funds(rng, rows, project_ids, say)
    _follow_ups(rng, sizes["follow_ups"], tree, rows, project_ids, enterprise_ids, say)
    _campaign(rng, tree, rows, say)
    seconds = time.perf_counter() - say.started
    result = {
        "units": Unit.objects.count(),
        "enterprises": len(enterprise_ids),
        "projects": Project.objects.count(),
        "funds": FundsEntry.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "seconds": round(seconds, 1),
    }
    say(
        f"完成：单位 {result['units']:,}，客商 {result['enterprises']:,}，项目 {result['projects']:,}，"
        f"到位资金 {result['funds']:,}，跟踪记录 {result['follow_ups']:,}；用时 {seconds:.1f} 秒"
    )
    refresh_planner_statistics()
    return result
