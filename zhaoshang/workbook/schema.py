"""The sheets and columns of the data workbook (contracts/workbook.md).

One description serves the loader (which columns exist, which are required),
the empty template and, later, the export, so the three cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhaoshang.workbook.values import clean_text, to_half_width

TEXT, CODE, DATE, DATETIME, AMOUNT, NUMBER, PERCENT, FLAG = (
    "text",
    "code",
    "date",
    "datetime",
    "amount",
    "number",
    "percent",
    "flag",
)

YES_NO = ("是", "否")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    kind: str = TEXT
    # Values offered as a drop-down in the template.
    choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str
    columns: tuple[Column, ...]
    note: str = ""
    # Sheets described by the contract whose import is not available yet.
    supported: bool = True
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


UNIT_KINDS = ("州", "县市", "开发区", "州直部门", "乡镇", "县直部门", "其他")
ROLES = ("领导", "管理员", "填报员", "查看")
MODES = ("线性", "阶梯")
INDICATORS = (
    "合同投资额(万元)",
    "合同项目数",
    "500强企业数",
    "园区项目数",
    "工业项目数",
    "到位资金(万元)",
)
OWNERSHIPS = ("民营", "国有", "外资", "港澳台", "其他")
STAGES = ("线索", "洽谈", "签约", "合同", "开工", "投产")
STATUSES = ("正常", "终止")
FOLLOW_UP_KINDS = ("外出招商", "来访接待", "洽谈", "电话联系", "推介会", "考察", "其他")

UNITS = Sheet(
    "单位",
    "单位编码",
    (
        Column("单位编码", True, CODE, note="有 GB/T 2260 代码的用国标代码，否则用内部编码"),
        Column("单位名称", True),
        Column("上级单位编码", kind=CODE, note="最上级单位留空"),
        Column("单位类型", True, choices=UNIT_KINDS),
        Column("排序", kind=NUMBER, note="整数，越小越靠前"),
        Column("通知邮箱", note="接收本单位提醒的邮箱，多个用 ; 分隔"),
        Column("企业微信机器人", note="企业微信群机器人的 Webhook 地址"),
        Column("钉钉机器人", note="钉钉群机器人的 Webhook 地址"),
        Column("钉钉加签密钥", note="钉钉机器人启用“加签”时填写；不导出，留空则保持原密钥"),
    ),
)
USERS = Sheet(
    "用户",
    "用户名",
    (
        Column("用户名", True, CODE, note="登录名：字母、数字及 @ . + - _"),
        Column("姓名"),
        Column("单位编码", True, CODE, note="账号工作范围为此单位及其下级"),
        Column("角色", True, choices=ROLES),
        Column("初始密码", note="留空则随机生成并只显示一次；首次登录须修改；已有账号不改密码"),
    ),
    note="密码不会导出。",
)
PARKS = Sheet(
    "园区",
    "园区名称",
    (
        Column("园区名称", True),
        Column("所属单位编码", True, CODE),
    ),
)
CAMPAIGNS = Sheet(
    "专项行动",
    "行动编码",
    (
        Column("行动编码", True, CODE, note="简短编码，如 MQDH2026"),
        Column("行动名称", True),
        Column("开始日期", True, DATE),
        Column("结束日期", True, DATE),
        Column("进度模式", choices=MODES, note="默认 线性"),
        Column("主指标", choices=INDICATORS, note="默认 合同投资额(万元)"),
    ),
)
MILESTONES = Sheet(
    "节点",
    "行动编码 + 节点日期",
    (
        Column("行动编码", True, CODE),
        Column("节点日期", True, DATE),
        Column("应完成比例(%)", True, PERCENT, note="如 50 表示 50%"),
    ),
)
TARGETS = Sheet(
    "目标任务",
    "行动编码 + 单位编码 + 指标",
    (
        Column("行动编码", True, CODE),
        Column("单位编码", True, CODE),
        Column("指标", True, choices=INDICATORS),
        Column("目标值", True, AMOUNT, note="金额类指标以万元计；个数类指标填整数"),
        Column("责任人", note="姓名；系统中没有时自动登记为该单位的责任人"),
        Column("完成时限", kind=DATE),
    ),
)
ENTERPRISES = Sheet(
    "客商",
    "统一社会信用代码，无代码时按企业名称",
    (
        Column("企业名称", True),
        Column("统一社会信用代码", kind=CODE, note="18 位；校验不通过只提示不拒绝"),
        Column("企业性质", choices=OWNERSHIPS),
        Column("来源地", note="如 省外、省内 或省份名称"),
        Column(
            "荣誉标签",
            note="多个用 ; 分隔，每个写作 名称(年份)，如 中国民营企业500强(2025);上市公司",
        ),
    ),
)
PROJECTS = Sheet(
    "项目",
    "项目编号",
    (
        Column("项目编号", True, CODE),
        Column("项目名称", True),
        Column("责任单位编码", True, CODE, note="只填一个责任单位（不重复统计）"),
        Column("配合单位编码", kind=CODE, note="多个用 ; 分隔"),
        Column("责任人", note="姓名"),
        Column("投资方", note="客商名称，须在「客商」表或系统中；多个用 ; 分隔"),
        Column("所属行业", note="GB/T 4754-2017 门类字母、两位大类代码或名称，如 C、39、制造业"),
        Column(
            "是否工业项目",
            kind=FLAG,
            choices=YES_NO,
            note="留空时按所属行业判断（B、C、D 门类为工业）",
        ),
        Column("所在园区", note="园区名称，须在「园区」表或系统中"),
        Column("是否重点项目", kind=FLAG, choices=YES_NO),
        Column("计划总投资(万元)", kind=AMOUNT),
        Column("合同投资额(万元)", kind=AMOUNT, note="项目阶段为合同或之后时必填"),
        Column("项目阶段", True, choices=STAGES),
        Column("签约日期", kind=DATE),
        Column("合同签订日期", kind=DATE, note="项目阶段为合同或之后时必填"),
        Column("开工日期", kind=DATE),
        Column("投产日期", kind=DATE),
        Column("状态", choices=STATUSES, note="默认 正常"),
        Column("终止日期", kind=DATE, note="状态为终止时必填"),
        Column("终止原因", note="状态为终止时必填"),
        Column("备注"),
    ),
    note="阶段日期须按 签约 ≤ 合同 ≤ 开工 ≤ 投产 的先后顺序。",
)
FUNDS = Sheet(
    "到位资金",
    "项目编号 + 日期",
    (
        Column("项目编号", True, CODE),
        Column("日期", True, DATE),
        Column("金额(万元)", True, AMOUNT),
    ),
)
FOLLOW_UPS = Sheet(
    "跟踪记录",
    "无（逐条添加，已有完全相同的记录时跳过）",
    (
        Column("日期", True, DATE),
        Column("单位编码", True, CODE),
        Column("类型", True, choices=FOLLOW_UP_KINDS),
        Column("项目编号", kind=CODE),
        Column("企业名称"),
        Column("内容"),
        Column("参与人"),
    ),
)
ROUNDS = Sheet(
    "调度填报",
    "行动编码 + 截止时间 + 单位编码",
    (
        Column("行动编码", True, CODE),
        Column(
            "截止时间",
            True,
            DATETIME,
            note="如 2026-11-20 17:00；只填日期表示当天 24 时前；系统中没有该轮次时新建（须由组织单位管理员导入）",
        ),
        Column("单位编码", True, CODE, note="报送单位，须为专项行动组织单位的下级单位"),
        Column(
            "提交时间",
            kind=DATETIME,
            note="留空表示应报未报；只填日期时按当天 0 时计（截止当天报送视为按时）",
        ),
        Column("进展情况"),
        Column("存在问题"),
        Column("下步计划"),
    ),
    note="报送时的台账数据按提交当天的台账计算并保存。",
)

METHODS = ("封顶比例", "功效系数")
ADJUSTMENT_ITEMS = ("500强企业", "逾期督办事项", "逾期填报")
SCHEME = Sheet(
    "考核方案",
    "行动编码 + 指标",
    (
        Column("行动编码", True, CODE),
        Column("指标", True, choices=INDICATORS),
        Column("权重(分)", True, NUMBER, note="该指标满分"),
        Column(
            "计分方法",
            True,
            choices=METHODS,
            note="封顶比例：权重 × 完成比例（最高为 1）；功效系数：权重 × (0.6 + 0.4 × 相对位置)",
        ),
    ),
)
ADJUSTMENTS = Sheet(
    "加减分",
    "行动编码 + 事项",
    (
        Column("行动编码", True, CODE),
        Column("事项", True, choices=ADJUSTMENT_ITEMS),
        Column("每项分值", True, NUMBER, note="每一项（个、次）的分值：正数加分，负数减分"),
        Column("上限(分)", kind=NUMBER, note="本事项合计分值绝对值的上限；留空表示不设上限"),
    ),
)

TASK_SOURCES = ("会议", "领导批示", "通报问题", "通知", "其他")
TASKS = Sheet(
    "督办事项",
    "事项编号",
    (
        Column("事项编号", True, CODE),
        Column("事项内容", True),
        Column("来源", choices=TASK_SOURCES, note="默认为其他"),
        Column("行动编码", kind=CODE, note="所属专项行动，可留空"),
        Column("牵头单位编码", True, CODE),
        Column("配合单位编码", note="多个用分号 ; 隔开"),
        Column("责任人"),
        Column("交办日期", True, DATE),
        Column("办理时限", True, DATE),
        Column("办结日期", kind=DATE, note="未办结的留空"),
        Column("工作目标"),
        Column("领导关注", kind=FLAG, choices=YES_NO),
    ),
)

EVENTS = Sheet(
    "活动",
    "活动编码",
    (
        Column("活动编码", True, CODE),
        Column("活动名称", True),
        Column("行动编码", kind=CODE),
        Column("开始日期", True, DATE),
        Column("结束日期", kind=DATE),
        Column("地点"),
        Column("主办单位编码", kind=CODE, note="留空时为专项行动的组织单位"),
    ),
)
INVITATION_STATUSES = ("拟邀", "已邀", "已确认", "已到会", "婉拒")
GUEST_LEVELS = ("主要负责人", "高管", "其他")
INVITATIONS = Sheet(
    "邀约",
    "活动编码 + 企业名称",
    (
        Column("活动编码", True, CODE),
        Column("企业名称", True, note="须为本工作簿「客商」表或系统中已有的客商"),
        Column("邀请单位编码", True, CODE, note="邀请并负责接待嘉宾的单位"),
        Column("邀请人"),
        Column("状态", True, choices=INVITATION_STATUSES),
        Column("嘉宾姓名"),
        Column("嘉宾职务"),
        Column("嘉宾级别", choices=GUEST_LEVELS),
        Column("随行人数", kind=NUMBER),
        Column("抵达日期", kind=DATE),
        Column("航班车次"),
        Column("住宿酒店"),
        Column("备注", note="状态为婉拒时，此处写婉拒原因"),
    ),
)
SIGNINGS = Sheet(
    "签约",
    "活动编码 + 项目编号",
    (
        Column("活动编码", True, CODE),
        Column("项目编号", True, CODE),
        Column("签约顺序", kind=NUMBER),
        Column("签约金额(万元)", True, AMOUNT),
        Column("我方签约代表"),
        Column("对方签约代表"),
    ),
    note="尚未到签约阶段的项目以活动首日进入签约阶段；已在签约或以后阶段的项目保持原阶段和日期；签约金额不改变台账金额。",
)

# Import order: every sheet comes after the sheets it refers to.
SHEETS: tuple[Sheet, ...] = (
    UNITS,
    USERS,
    PARKS,
    CAMPAIGNS,
    MILESTONES,
    TARGETS,
    ENTERPRISES,
    PROJECTS,
    FUNDS,
    FOLLOW_UPS,
    ROUNDS,
    TASKS,
    SCHEME,
    ADJUSTMENTS,
    EVENTS,
    INVITATIONS,
    SIGNINGS,
)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}
# The template's instructions sheet; the loader passes over it silently.
NOTES_SHEET = "说明"
# Sheets of example rows in the templates (示例-项目 …); the loader passes over them too.
EXAMPLES_PREFIX = "示例-"

_UNIT_SUFFIX = re.compile(r"\((万元|%|个)\)$")


def header_key(text) -> str:
    """A header cell reduced to what identifies the column: no star, no spaces, half-width brackets."""
    value = to_half_width(clean_text(text))
    value = re.sub(r"\s", "", value).strip("*")
    return value


def header_lookup(sheet: Sheet) -> dict[str, str]:
    """Header spellings accepted for each column, e.g. 合同投资额 for 合同投资额(万元)."""
    lookup: dict[str, str] = {}
    short: dict[str, list[str]] = {}
    for name in sheet.column_names:
        key = header_key(name)
        lookup[key] = name
        bare = _UNIT_SUFFIX.sub("", key)
        if bare != key:
            short.setdefault(bare, []).append(name)
    for bare, names in short.items():
        if len(names) == 1 and bare not in lookup:
            lookup[bare] = names[0]
    return lookup
