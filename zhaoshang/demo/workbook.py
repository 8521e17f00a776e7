"""The 黔东南州 demo scenario as a data workbook (contracts/workbook.md).

The scenario is drawn in "reference time": the campaign runs 2026-10-20 →
2026-12-05 and the story is told as of 2026-11-27 (80 % required, the 50 %
milestone of 15 November passed, 8 days to the last one). Loaded on any other
day, every date moves by the same whole number of days, so the demo always
shows a campaign in progress with a countdown, and the rankings show the same
colours.

Figures are planned, not left to chance: each unit has a completion ratio at
the reference day (green, yellow or red on purpose) and its counted contracts
are split so that they add up to exactly that share of its target. Everything
else (names, amounts, dates of the pipeline) comes from one seeded random
generator, so the same day always gives the same workbook.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from zhaoshang.assessment.demo import HEADERS as ASSESSMENT_HEADERS
from zhaoshang.demo.fiction import ORIGINS, enterprise_name, make_uscc, person_name
from zhaoshang.dispatch.demo import HEADERS as ROUND_HEADERS
from zhaoshang.events.demo import HEADERS as EVENT_HEADERS
from zhaoshang.supervision.demo import HEADERS as TASK_HEADERS

REFERENCE_TODAY = date(2026, 11, 27)
CAMPAIGN_CODE = "MQDH2026"
CAMPAIGN_NAME = "参加全国民营企业助推贵州发展大会招商引资专项行动"
CAMPAIGN_START = date(2026, 10, 20)
CAMPAIGN_END = date(2026, 12, 5)
MILESTONES = [(date(2026, 11, 15), 50), (date(2026, 12, 5), 100)]
PROJECT_PREFIX = "DEMO-"
SEED = 20261127
TOP500 = "中国民营企业500强"

ROOT_CODE = "522600"
ROOT_NAME = "黔东南苗族侗族自治州"
ZONE_CODE = "522640"


def demo_mailbox(code: str) -> str:
    """A demo unit's reminder address: in the reserved .invalid domain, so reminders of the
    demo land in the local mailbox of the data directory, never on a mail server
    (docs/reminders.md)."""
    return f"u{code.lower()}@demo.invalid"


# Sheet headers, exactly as contracts/workbook.md names them (without the * marks).
HEADERS: dict[str, list[str]] = {
    "单位": ["单位编码", "单位名称", "上级单位编码", "单位类型", "排序", "通知邮箱"],
    "用户": ["用户名", "姓名", "单位编码", "角色", "初始密码"],
    "园区": ["园区名称", "所属单位编码"],
    "专项行动": ["行动编码", "行动名称", "开始日期", "结束日期", "进度模式", "主指标"],
    "节点": ["行动编码", "节点日期", "应完成比例(%)"],
    "目标任务": ["行动编码", "单位编码", "指标", "目标值", "责任人", "完成时限"],
    "客商": ["企业名称", "统一社会信用代码", "企业性质", "来源地", "荣誉标签"],
    "项目": [
        "项目编号",
        "项目名称",
        "责任单位编码",
        "配合单位编码",
        "责任人",
        "投资方",
        "所属行业",
        "是否工业项目",
        "所在园区",
        "是否重点项目",
        "计划总投资(万元)",
        "合同投资额(万元)",
        "项目阶段",
        "签约日期",
        "合同签订日期",
        "开工日期",
        "投产日期",
        "状态",
        "终止日期",
        "终止原因",
        "备注",
    ],
    "到位资金": ["项目编号", "日期", "金额(万元)"],
    "跟踪记录": ["日期", "单位编码", "类型", "项目编号", "企业名称", "内容", "参与人"],
}
# The conference's sheets (活动, 邀约, 签约) come from zhaoshang/events/demo.py.
HEADERS.update(EVENT_HEADERS)
# The assessment scheme's sheets (考核方案, 加减分) come from zhaoshang/assessment/demo.py.
HEADERS.update(ASSESSMENT_HEADERS)
# The reporting rounds (调度填报) and the supervised tasks (督办事项) of the dispatch cycle.
HEADERS.update(ROUND_HEADERS)
HEADERS.update(TASK_HEADERS)


@dataclass(frozen=True)
class UnitPlan:
    """One unit of the demo tree and the story it tells on the reference day."""

    code: str
    name: str
    short: str
    kind: str
    order: int
    target: int | None = None  # 合同投资额(万元)
    completion: Decimal = Decimal("0")  # share of the target contracted by the reference day
    effort: float = 1.0  # how busy its follow-up log is; < 0.3 means nothing in the last 14 days
    parks: tuple[str, ...] = ()


def _county(code, name, short, order, target, completion, effort, parks):
    return UnitPlan(code, name, short, "县市", order, target, Decimal(completion), effort, parks)


# Targets in 万元. Completion ≥ 0.80 is green on the reference day (80 % required),
# 0.70–0.80 yellow, ≤ 0.70 or below the passed 50 % milestone red.
COUNTIES: list[UnitPlan] = [
    _county(
        "522601",
        "凯里市",
        "凯里",
        1,
        300000,
        "1.05",
        1.6,
        ("凯里市工业园区", "凯里市现代服务业集聚区"),
    ),
    _county("522622", "黄平县", "黄平", 2, 60000, "0.62", 0.8, ("黄平县工业园区",)),
    _county("522623", "施秉县", "施秉", 3, 40000, "0.92", 1.0, ("施秉县工业园区",)),
    _county("522624", "三穗县", "三穗", 4, 50000, "0.76", 0.9, ("三穗县工业园区",)),
    _county(
        "522625", "镇远县", "镇远", 5, 70000, "0.88", 1.2, ("镇远县工业园区", "镇远县文旅产业园")
    ),
    _county("522626", "岑巩县", "岑巩", 6, 45000, "0.45", 0.2, ("岑巩县工业园区",)),
    _county(
        "522627", "天柱县", "天柱", 7, 80000, "0.83", 1.1, ("天柱县工业园区", "天柱县新材料产业园")
    ),
    _county("522628", "锦屏县", "锦屏", 8, 50000, "0.74", 0.7, ("锦屏县工业园区",)),
    _county("522629", "剑河县", "剑河", 9, 45000, "0.58", 0.6, ("剑河县工业园区",)),
    _county("522630", "台江县", "台江", 10, 35000, "0.77", 0.8, ("台江县工业园区",)),
    _county(
        "522631",
        "黎平县",
        "黎平",
        11,
        80000,
        "0.97",
        1.3,
        ("黎平县工业园区", "黎平县农特产品加工园"),
    ),
    _county("522632", "榕江县", "榕江", 12, 70000, "0.81", 1.0, ("榕江县工业园区",)),
    _county("522633", "从江县", "从江", 13, 60000, "0.66", 0.7, ("从江县工业园区",)),
    _county("522634", "雷山县", "雷山", 14, 35000, "0.73", 0.9, ("雷山县工业园区",)),
    _county("522635", "麻江县", "麻江", 15, 50000, "0.38", 0.15, ("麻江县工业园区",)),
    _county("522636", "丹寨县", "丹寨", 16, 45000, "0.78", 0.9, ("丹寨县工业园区",)),
]
ZONE = UnitPlan(
    ZONE_CODE,
    "凯里经济开发区",
    "凯里经开区",
    "开发区",
    17,
    250000,
    Decimal("1.12"),
    1.5,
    ("凯里经济开发区高新产业园", "凯里经济开发区电子信息产业园"),
)
DEPARTMENTS: list[UnitPlan] = [
    UnitPlan("522600101", "州投资促进局", "州投促局", "州直部门", 21, 60000, Decimal("0.90"), 1.2),
    UnitPlan(
        "522600102", "州工业和信息化局", "州工信局", "州直部门", 22, 40000, Decimal("0.72"), 0.8
    ),
    UnitPlan("522600103", "州商务局", "州商务局", "州直部门", 23, 30000, Decimal("0.55"), 0.6),
    # No target on purpose: the ranking lists it after the ranked units.
    UnitPlan(
        "522600104", "州发展和改革委员会", "州发改委", "州直部门", 24, None, Decimal("0"), 0.5
    ),
]
# The prefecture's own commitment; the decomposition to its units deliberately
# adds up to a little more (超额分解), as prefectures usually do.
ROOT_TARGET = 1450000

CHILDREN: list[UnitPlan] = [*COUNTIES, ZONE, *DEPARTMENTS]
REPORTING_UNITS: list[UnitPlan] = [*COUNTIES, ZONE]
DEMO_UNIT_CODES: frozenset[str] = frozenset({ROOT_CODE, *(u.code for u in CHILDREN)})
DEMO_USERNAMES: frozenset[str] = frozenset(
    {"admin", "leader", *(f"r{u.code}" for u in REPORTING_UNITS)}
)

# GB/T 4754-2017 divisions (two digits) and sections (one letter) the demo uses,
# with whether local statistics call them industry (B, C, D) and typical projects.
INDUSTRIES: list[tuple[str, bool, tuple[str, ...]]] = [
    ("13", True, ("农产品精深加工", "酸汤系列食品生产", "生态肉制品加工")),
    ("15", True, ("茶叶精深加工", "刺梨饮品生产线", "民族米酒酿造")),
    ("20", True, ("竹木制品加工", "林产品精深加工")),
    ("27", True, ("苗药生产基地", "中药材提取")),
    ("30", True, ("新型建材生产基地", "装配式建筑构件生产")),
    ("32", True, ("铝精深加工",)),
    ("38", True, ("锂电池材料生产", "储能设备制造")),
    ("39", True, ("电子元器件制造", "智能终端配件生产")),
    ("44", True, ("分布式光伏发电", "风电场建设")),
    ("A", False, ("林下经济种植基地", "生态茶园建设", "精品水果种植基地")),
    ("F", False, ("农特产品交易中心", "商贸综合体")),
    ("G", False, ("冷链物流园", "物流配送中心")),
    ("I", False, ("数据中心", "数字经济产业园")),
    ("N", False, ("景区提质改造",)),
    ("R", False, ("民族文化旅游综合体", "非遗工坊集群")),
    ("Q", False, ("康养中心",)),
]

# Which of those an investor of each trade (the word in its fictional name) would build.
TRADE_INDUSTRIES: dict[str, tuple[str, ...]] = {
    "新材料": ("30", "32", "38"),
    "食品": ("13",),
    "电子科技": ("39",),
    "生物医药": ("27",),
    "新能源": ("44", "38"),
    "建材": ("30",),
    "农业开发": ("A", "13"),
    "文化旅游": ("R", "N"),
    "物流": ("G",),
    "茶业": ("15", "A"),
    "酒业": ("15",),
    "智能装备": ("38", "39"),
    "数字科技": ("I", "39"),
    "林业": ("20", "A"),
    "康养": ("Q",),
    "矿业": ("32", "30"),
    "环保科技": ("44", "N"),
    "商贸": ("F",),
    "置业": ("F", "R"),
    "冷链": ("G", "13"),
}

FOLLOW_UP_KINDS = ["外出招商", "来访接待", "洽谈", "电话联系", "推介会", "考察", "其他"]
_FOLLOW_UP_WEIGHTS = [5, 5, 6, 6, 1, 2, 1]
_PLACES = ["深圳", "广州", "杭州", "上海", "北京", "成都", "重庆", "长沙", "厦门", "苏州"]
DROP_REASONS = [
    "投资方资金链紧张，项目暂缓实施",
    "选址未落实，企业转投其他地区",
    "用地指标未能解决",
    "企业战略调整，取消投资计划",
    "环评未通过，项目终止",
]


def shift_days(today: date) -> int:
    """Days to add to every reference date so that ``today`` plays the reference day."""
    return (today - REFERENCE_TODAY).days


@dataclass
class Scenario:
    """The rows of every sheet (header first, dates already shifted) and a few facts about them."""

    today: date
    shift: int
    sheets: dict[str, list[list]] = field(default_factory=dict)

    def rows(self, sheet: str) -> list[list]:
        return self.sheets[sheet][1:]

    def count(self, sheet: str) -> int:
        return len(self.rows(sheet))

    def shifted(self, day: date) -> date:
        return day + timedelta(days=self.shift)


def _split(total: int, parts: int, rng: random.Random, step: int = 50) -> list[int]:
    """``total`` split into ``parts`` positive multiples of ``step`` adding up exactly."""
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(step, int(total * w / scale) // step * step) for w in weights[:-1]]
    last = total - sum(amounts)
    while last < step:  # rounding pushed the remainder below zero: take from the largest
        i = amounts.index(max(amounts))
        amounts[i] -= step
        last += step
    return [*amounts, last]


def _day(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _round100(value: float) -> int:
    return max(100, int(round(value / 100.0)) * 100)


class _Builder:
    """Draws the scenario in reference time; one instance per build."""

    def __init__(self, password: str):
        self.rng = random.Random(SEED)
        self.password = password
        self.units: list[list] = []
        self.users: list[list] = []
        self.parks: list[list] = []
        self.targets: list[list] = []
        self.enterprises: list[list] = []
        self.projects: list[list] = []
        self.funds: list[list] = []
        self.follow_ups: list[list] = []
        self.people: dict[str, list[str]] = {}
        self.top500: list[str] = []
        self.others: list[str] = []
        self.project_names: set[str] = set()

    # -- organisation ---------------------------------------------------------
    def organisation(self) -> None:
        self.units.append([ROOT_CODE, ROOT_NAME, None, "州", 0, demo_mailbox(ROOT_CODE)])
        for plan in CHILDREN:
            self.units.append(
                [plan.code, plan.name, ROOT_CODE, plan.kind, plan.order, demo_mailbox(plan.code)]
            )
            for park in plan.parks:
                self.parks.append([park, plan.code])
        taken: set[str] = set()
        for plan in [UnitPlan(ROOT_CODE, ROOT_NAME, "州", "州", 0), *CHILDREN]:
            names = []
            while len(names) < 3:
                name = person_name(self.rng)
                if name not in taken:
                    taken.add(name)
                    names.append(name)
            self.people[plan.code] = names
        self.users.append(["admin", "州投资促进局演示管理员", ROOT_CODE, "管理员", self.password])
        self.users.append(["leader", "州领导（演示）", ROOT_CODE, "领导", self.password])
        for plan in REPORTING_UNITS:
            self.users.append(
                [f"r{plan.code}", f"{plan.short}填报员", plan.code, "填报员", self.password]
            )

    # -- enterprises ----------------------------------------------------------
    def enterprises_sheet(self) -> None:
        rng = self.rng
        taken: set[str] = set()
        for i in range(15):
            name = enterprise_name(rng, group=True, taken=taken)
            origin, region = rng.choice(ORIGINS[:13])
            years = ["2025"] if i % 3 else ["2024", "2025"]
            tags = [f"{TOP500}({y})" for y in years]
            if i % 4 == 0:
                tags.append("上市公司")
            self.enterprises.append([name, make_uscc(rng, region), "民营", origin, ";".join(tags)])
            self.top500.append(name)
        for _ in range(135):
            name = enterprise_name(rng, taken=taken)
            ownership = rng.choices(["民营", "国有", "外资", "港澳台", "其他"], [70, 12, 8, 5, 5])[
                0
            ]
            if ownership == "外资":
                origin, uscc = rng.choice(["新加坡", "德国", "日本", "韩国", "美国"]), None
            elif ownership == "港澳台":
                origin, uscc = rng.choice(["香港", "澳门", "台湾"]), None
            else:
                origin, region = rng.choice(ORIGINS)
                uscc = make_uscc(rng, region) if rng.random() < 0.8 else None
            tags = []
            if ownership == "民营" and rng.random() < 0.12:
                tags.append("专精特新“小巨人”(2025)")
            if rng.random() < 0.15:
                tags.append("高新技术企业")
            self.enterprises.append([name, uscc, ownership, origin, ";".join(tags) or None])
            self.others.append(name)

    # -- projects -------------------------------------------------------------
    def _project_name(self, investor: str | None, plan: UnitPlan, product: str) -> str:
        brand = investor[2:4] if investor else plan.short
        name = f"{brand}{product}项目"
        base, n = name, 2
        while name in self.project_names:
            name = base.removesuffix("项目") + f"（{'二三四五六七八九'[n - 2]}期）项目"
            n += 1
        self.project_names.add(name)
        return name

    def _industry(self, investor: str | None, industrial: bool | None):
        """An industry fitting the investor's trade, preferring the wished industrial flag."""
        choices = INDUSTRIES
        if investor:
            trade = next((t for t in TRADE_INDUSTRIES if t in investor), None)
            if trade:
                choices = [i for i in INDUSTRIES if i[0] in TRADE_INDUSTRIES[trade]]
        preferred = [i for i in choices if industrial is None or i[1] == industrial]
        code, is_industrial, products = self.rng.choice(preferred or choices)
        return code, is_industrial, self.rng.choice(products)

    def _park_for(self, plan: UnitPlan) -> str | None:
        if plan.parks:
            return self.rng.choice(plan.parks)
        # Departments' projects land in a county's park.
        return self.rng.choice(self.rng.choice(REPORTING_UNITS).parks)

    def _add_project(
        self,
        plan: UnitPlan,
        serial: int,
        *,
        stage: str,
        investor: str | None,
        industrial: bool | None,
        in_park: bool,
        contract_amount: int | None = None,
        planned: int | None = None,
        dates: dict[str, date] | None = None,
        dropped: tuple[date, str] | None = None,
    ) -> tuple[bool, bool]:
        """Add one project row (and maybe its funds); returns (is industrial, is in a park)."""
        rng = self.rng
        code = f"{PROJECT_PREFIX}{plan.code}-{serial:03d}"
        industry, is_industrial, product = self._industry(investor, industrial)
        park = self._park_for(plan) if in_park else None
        if planned is None:
            base = (plan.target or 30000) / 12
            planned = _round100(rng.uniform(0.3, 2.5) * base)
        if contract_amount is not None:
            planned = max(planned, _round100(contract_amount * rng.uniform(1.0, 1.5)))
        cooperating = None
        if rng.random() < 0.08:
            helpers = [d.code for d in DEPARTMENTS[:3] if d.code != plan.code]
            if plan.kind == "州直部门":
                helpers = [rng.choice(REPORTING_UNITS).code]
            cooperating = ";".join(
                sorted(rng.sample(helpers, k=1 if rng.random() < 0.7 else len(helpers)))
            )
        dates = dates or {}
        note = None
        if stage in {"线索", "洽谈"} and rng.random() < 0.3:
            note = rng.choice(
                ["拟于大会期间签约", "企业已完成实地考察", "待落实用地指标", "正在编制可研报告"]
            )
        self.projects.append(
            [
                code,
                self._project_name(investor, plan, product),
                plan.code,
                cooperating,
                rng.choice(self.people[plan.code]),
                investor,
                industry,
                "是" if is_industrial else "否",
                park,
                "是" if planned >= 50000 or rng.random() < 0.08 else "否",
                planned,
                contract_amount,
                stage,
                dates.get("签约"),
                dates.get("合同"),
                dates.get("开工"),
                dates.get("投产"),
                "终止" if dropped else "正常",
                dropped[0] if dropped else None,
                dropped[1] if dropped else None,
                note,
            ]
        )
        if contract_amount is not None and "合同" in dates and rng.random() < 0.55:
            self._funds(code, contract_amount, dates["合同"], dropped[0] if dropped else None)
        return is_industrial, park is not None

    def _funds(self, code: str, amount: int, contracted: date, dropped: date | None) -> None:
        rng = self.rng
        last = min(REFERENCE_TODAY, dropped or REFERENCE_TODAY)
        if contracted + timedelta(days=3) > last:
            return  # contracted too recently for money to have arrived
        days = sorted(
            {_day(rng, contracted + timedelta(days=3), last) for _ in range(rng.randint(1, 3))}
        )
        share = rng.uniform(0.1, 0.6)
        for part, on in zip(
            _split(_round100(amount * share), len(days), rng, step=10), days, strict=True
        ):
            self.funds.append([code, on, part])

    def _counted_projects(self, plan: UnitPlan) -> int:
        """Contracts inside the window adding up exactly to the planned share of the target."""
        rng = self.rng
        achieved = int(plan.completion * plan.target) if plan.target else rng.choice([12000, 18500])
        parts = max(2, 2 + round(achieved / 30000))
        amounts = _split(achieved, parts, rng)
        # Top-500 investors: how many distinct ones this unit has brought in so far.
        top500_goal = self._top500_goal(plan)
        top500_have = max(
            0, min(parts, round(top500_goal * float(plan.completion) * rng.uniform(0.8, 1.2)))
        )
        top500_pick = rng.sample(self.top500, k=top500_have)
        park_share = rng.uniform(0.35, 0.85)
        industrial_share = rng.uniform(0.3, 0.8)
        counted = {"n": parts, "park": 0, "industrial": 0, "top500": top500_have}
        for i, amount in enumerate(amounts):
            contracted = _day(rng, CAMPAIGN_START, REFERENCE_TODAY)
            dates = {"合同": contracted}
            if rng.random() < 0.6:
                dates["签约"] = contracted - timedelta(days=rng.randint(5, 60))
            stage = "合同"
            if rng.random() < 0.2 and contracted < REFERENCE_TODAY - timedelta(days=5):
                stage = "开工"
                dates["开工"] = _day(rng, contracted + timedelta(days=3), REFERENCE_TODAY)
            investor = (
                top500_pick[i]
                if i < top500_have
                else (rng.choice(self.others) if rng.random() < 0.9 else None)
            )
            is_industrial, in_park = self._add_project(
                plan,
                i + 1,
                stage=stage,
                investor=investor,
                industrial=rng.random() < industrial_share,
                in_park=rng.random() < park_share,
                contract_amount=amount,
                dates=dates,
            )
            counted["park"] += in_park
            counted["industrial"] += is_industrial
        self._targets(plan, counted, top500_goal)
        return parts

    def _top500_goal(self, plan: UnitPlan) -> int:
        if plan.target is None or plan.code in {"522630", "522634", "522600103"}:
            return 0  # a few units have no top-500 target at all
        if plan.target >= 250000:
            return 3
        return 2 if plan.target >= 60000 else 1

    def _targets(self, plan: UnitPlan, counted: dict[str, int], top500_goal: int) -> None:
        if plan.target is None:
            return
        rng = self.rng
        head = self.people[plan.code][0]

        def count_target(have: int) -> int:
            # Near the unit's amount completion, so the indicators tell a consistent story.
            ratio = max(0.3, float(plan.completion) + rng.uniform(-0.15, 0.15))
            return max(1, round(have / ratio))

        self._target(plan.code, "合同投资额(万元)", plan.target, head)
        self._target(plan.code, "合同项目数", count_target(counted["n"]), head)
        if top500_goal:
            self._target(plan.code, "500强企业数", top500_goal, head)
        if plan.kind != "州直部门":
            self._target(plan.code, "园区项目数", count_target(counted["park"]), head)
        self._target(plan.code, "工业项目数", count_target(counted["industrial"]), head)

    def _target(self, unit_code: str, indicator: str, value: int, person: str) -> None:
        self.targets.append([CAMPAIGN_CODE, unit_code, indicator, value, person, CAMPAIGN_END])

    def _pipeline(self, plan: UnitPlan, first_serial: int, count: int) -> None:
        """Projects that do not count on the reference day: leads, talks, old contracts, drops."""
        rng = self.rng
        stages = ["线索", "洽谈", "签约", "合同", "开工", "投产", "终止"]
        weights = [20, 30, 17, 8, 10, 6, 9]
        window_start = CAMPAIGN_START
        for serial in range(first_serial, first_serial + count):
            kind = rng.choices(stages, weights)[0]
            investor = (
                None
                if kind == "线索" and rng.random() < 0.5
                else (rng.choice(self.top500) if rng.random() < 0.1 else rng.choice(self.others))
            )
            in_park = rng.random() < 0.5
            common = {"investor": investor, "industrial": None, "in_park": in_park}
            base = (plan.target or 30000) / 10
            amount = _round100(rng.uniform(0.3, 2.2) * base)
            if kind in {"线索", "洽谈"}:
                self._add_project(plan, serial, stage=kind, **common)
            elif kind == "签约":
                dates = {
                    "签约": _day(
                        rng,
                        REFERENCE_TODAY - timedelta(days=150),
                        REFERENCE_TODAY - timedelta(days=1),
                    )
                }
                self._add_project(plan, serial, stage=kind, dates=dates, **common)
            elif kind == "合同":
                contracted = _day(
                    rng, REFERENCE_TODAY - timedelta(days=300), window_start - timedelta(days=1)
                )
                dates = {
                    "签约": contracted - timedelta(days=rng.randint(10, 90)),
                    "合同": contracted,
                }
                self._add_project(
                    plan, serial, stage=kind, contract_amount=amount, dates=dates, **common
                )
            elif kind == "开工":
                contracted = _day(
                    rng, REFERENCE_TODAY - timedelta(days=420), window_start - timedelta(days=1)
                )
                started = _day(
                    rng, contracted + timedelta(days=20), REFERENCE_TODAY - timedelta(days=1)
                )
                dates = {"合同": contracted, "开工": started}
                self._add_project(
                    plan, serial, stage=kind, contract_amount=amount, dates=dates, **common
                )
            elif kind == "投产":
                contracted = _day(
                    rng,
                    REFERENCE_TODAY - timedelta(days=760),
                    REFERENCE_TODAY - timedelta(days=420),
                )
                started = contracted + timedelta(days=rng.randint(30, 120))
                operating = _day(
                    rng, started + timedelta(days=150), REFERENCE_TODAY - timedelta(days=1)
                )
                dates = {
                    "签约": contracted - timedelta(days=rng.randint(10, 60)),
                    "合同": contracted,
                    "开工": started,
                    "投产": operating,
                }
                self._add_project(
                    plan, serial, stage=kind, contract_amount=amount, dates=dates, **common
                )
            else:
                reason = rng.choice(DROP_REASONS)
                if rng.random() < 0.35:
                    # Contracted during the campaign, then dropped: no longer counts.
                    contracted = _day(rng, window_start, REFERENCE_TODAY - timedelta(days=6))
                    dropped = _day(
                        rng, contracted + timedelta(days=1), REFERENCE_TODAY - timedelta(days=1)
                    )
                    self._add_project(
                        plan,
                        serial,
                        stage="合同",
                        contract_amount=amount,
                        dates={"合同": contracted},
                        dropped=(dropped, reason),
                        **common,
                    )
                else:
                    stage = rng.choice(["洽谈", "签约"])
                    signed = _day(
                        rng,
                        REFERENCE_TODAY - timedelta(days=200),
                        REFERENCE_TODAY - timedelta(days=30),
                    )
                    dates = {"签约": signed} if stage == "签约" else {}
                    dropped = _day(
                        rng, signed + timedelta(days=1), REFERENCE_TODAY - timedelta(days=1)
                    )
                    self._add_project(
                        plan, serial, stage=stage, dates=dates, dropped=(dropped, reason), **common
                    )

    def ledger(self) -> None:
        for plan in CHILDREN:
            counted = self._counted_projects(plan)
            size = plan.target or 30000
            pipeline = 5 + round(size / 12000) if plan.kind != "州直部门" else 3
            self._pipeline(plan, counted + 1, pipeline)
        head = self.people[ROOT_CODE][0]
        self._target(ROOT_CODE, "合同投资额(万元)", ROOT_TARGET, head)
        # The count targets of the prefecture are the sums of what it handed down.
        for indicator in ("合同项目数", "500强企业数", "园区项目数", "工业项目数"):
            total = sum(t[3] for t in self.targets if t[2] == indicator)
            self._target(ROOT_CODE, indicator, total, head)

    # -- follow-ups -----------------------------------------------------------
    def follow_up_sheet(self) -> None:
        rng = self.rng
        by_unit: dict[str, list[list]] = {}
        for row in self.projects:
            by_unit.setdefault(row[2], []).append(row)
        seen = set()
        for plan in CHILDREN:
            count = 2 + round(22 * plan.effort)
            for _ in range(count):
                # Units with little effort logged nothing in the last two weeks.
                back = rng.randint(15, 41) if plan.effort < 0.3 else rng.randint(0, 41)
                on = REFERENCE_TODAY - timedelta(days=back)
                kind = rng.choices(FOLLOW_UP_KINDS, _FOLLOW_UP_WEIGHTS)[0]
                project = rng.choice(by_unit[plan.code]) if rng.random() < 0.7 else None
                enterprise = project[5] if project else rng.choice(self.others)
                content = self._content(kind, project, enterprise)
                people = "、".join(rng.sample(self.people[plan.code], k=rng.randint(1, 2)))
                key = (on, plan.code, kind, project[0] if project else None, enterprise, content)
                if key in seen:
                    continue
                seen.add(key)
                self.follow_ups.append([on, plan.code, kind, key[3], enterprise, content, people])
        self.follow_ups.sort(key=lambda r: (r[0], r[1], r[3] or "", r[5]))

    def _content(self, kind: str, project: list | None, enterprise: str | None) -> str:
        rng = self.rng
        subject = f"「{project[1]}」" if project else "合作事宜"
        who = enterprise or "意向企业"
        if kind == "外出招商":
            return f"赴{rng.choice(_PLACES)}拜访{who}，推介{subject}"
        if kind == "来访接待":
            return f"接待{who}考察团一行，实地踏勘项目选址"
        if kind == "洽谈":
            return f"与{who}就{subject}投资规模、用地和建设周期进行洽谈"
        if kind == "电话联系":
            return f"电话对接{who}，跟进{subject}签约准备情况"
        if kind == "推介会":
            return f"参加{rng.choice(_PLACES)}招商推介会，介绍本地产业园区和优惠政策"
        if kind == "考察":
            return f"陪同{who}考察园区标准厂房及配套设施"
        return f"协调解决{subject}前期手续问题"


def build_scenario(today: date | None = None, *, password: str | None = None) -> Scenario:
    """Every sheet of the demo workbook, with dates moved so that ``today`` plays 2026-11-27."""
    if password is None:
        from django.conf import settings

        password = settings.DEMO_PASSWORD
    today = today or date.today()
    builder = _Builder(password)
    builder.organisation()
    builder.enterprises_sheet()
    builder.ledger()
    builder.follow_up_sheet()
    scenario = Scenario(today=today, shift=shift_days(today))
    content = {
        "单位": builder.units,
        "用户": builder.users,
        "园区": builder.parks,
        "专项行动": [
            [CAMPAIGN_CODE, CAMPAIGN_NAME, CAMPAIGN_START, CAMPAIGN_END, "线性", "合同投资额(万元)"]
        ],
        "节点": [[CAMPAIGN_CODE, on, pct] for on, pct in MILESTONES],
        "目标任务": builder.targets,
        "客商": builder.enterprises,
        "项目": builder.projects,
        "到位资金": builder.funds,
        "跟踪记录": builder.follow_ups,
    }
    from zhaoshang.events import demo as event_demo

    content.update(event_demo.event_sheets(content, campaign=CAMPAIGN_CODE, root=ROOT_CODE))
    from zhaoshang.assessment import demo as assessment_demo

    content.update(assessment_demo.scheme_sheets(campaign=CAMPAIGN_CODE))
    from zhaoshang.dispatch import demo as dispatch_demo
    from zhaoshang.supervision import demo as supervision_demo

    content.update(dispatch_demo.round_sheets(content, campaign=CAMPAIGN_CODE, root=ROOT_CODE))
    content.update(supervision_demo.task_sheets(campaign=CAMPAIGN_CODE))
    for sheet, rows in content.items():
        shifted = [[scenario.shifted(v) if isinstance(v, date) else v for v in row] for row in rows]
        scenario.sheets[sheet] = [list(HEADERS[sheet]), *shifted]
    return scenario


def write_workbook(scenario: Scenario, path: str | Path) -> Path:
    """Save the scenario as .xlsx (one sheet per record kind, headers in row 1)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in scenario.sheets.items():
        ws = workbook.create_sheet(sheet)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_cols(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
    # Fixed document properties: the same scenario always gives the same content.
    from datetime import datetime

    workbook.properties.creator = "zhaoshang demo"
    workbook.properties.created = datetime.combine(scenario.today, datetime.min.time())
    workbook.properties.modified = workbook.properties.created
    path = Path(path)
    workbook.save(path)
    return path
