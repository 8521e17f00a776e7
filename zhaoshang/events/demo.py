"""The demo's conference: the invitee list and the signing list of the campaign's event.

Drawn from the demo workbook's own enterprises and projects (deterministic), so
`zhaoshang demo` shows the conference being prepared: enterprises invited by
the counties, guests confirmed with their arrival and hotel, and on the signing
list the contracted projects the conference will sign again in one ceremony
(集中签约), which keeps their ledger stages and dates.
"""

from __future__ import annotations

import random
from datetime import date

EVENT_CODE = "MQDH-HY"
EVENT_NAME = "2026年民营企业助推贵州发展大会"
EVENT_START = date(2026, 12, 1)
EVENT_END = date(2026, 12, 2)
HEADERS = {
    "活动": ["活动编码", "活动名称", "行动编码", "开始日期", "结束日期", "地点", "主办单位编码"],
    "邀约": [
        "活动编码",
        "企业名称",
        "邀请单位编码",
        "邀请人",
        "状态",
        "嘉宾姓名",
        "嘉宾职务",
        "嘉宾级别",
        "随行人数",
        "抵达日期",
        "航班车次",
        "住宿酒店",
        "备注",
    ],
    "签约": ["活动编码", "项目编号", "签约顺序", "签约金额(万元)", "我方签约代表", "对方签约代表"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = [
    "建国",
    "海涛",
    "志强",
    "文华",
    "晓东",
    "立新",
    "国庆",
    "明辉",
    "永红",
    "丽娟",
    "俊杰",
    "春生",
]
TITLES = [
    ("董事长", "主要负责人"),
    ("总裁", "主要负责人"),
    ("副总裁", "高管"),
    ("总经理", "高管"),
    ("投资总监", "其他"),
]
HOTELS = ["贵阳喜来登贵航酒店", "贵州饭店", "贵阳国际会议中心酒店"]
TRAVEL = ["CA1433", "CZ3601", "MU5825", "G1321", "G2961", "HU7301", "3U8861"]
SEED = 20261201


def event_sheets(
    content: dict[str, list[list]], *, campaign: str, root: str
) -> dict[str, list[list]]:
    """Rows of 活动, 邀约 and 签约 (without headers) for the demo workbook ``content``."""
    rng = random.Random(SEED)
    projects = content["项目"]
    # 项目 columns: 0 code, 2 unit, 5 investor, 11 contract amount, 12 stage, 17 status
    first_unit: dict[str, str] = {}
    for p in projects:
        if p[5] and p[5] not in first_unit:
            first_unit[p[5]] = p[2]
    enterprises = [e[0] for e in content["客商"]]
    top500 = {e[0] for e in content["客商"] if e[4] and "500强" in e[4]}
    invitees = [e for e in enterprises if e in first_unit]
    rng.shuffle(invitees)
    invitees = sorted(invitees[:36], key=lambda name: (name not in top500, name))
    invitations = []
    for n, name in enumerate(invitees):
        status = rng.choices(["拟邀", "已邀", "已确认", "婉拒"], [2, 4, 7, 1])[0]
        if name in top500 and status == "拟邀":
            status = "已邀"
        row = [
            EVENT_CODE,
            name,
            first_unit[name],
            None,
            status,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ]
        if status != "拟邀":
            title, level = rng.choice(TITLES)
            row[5] = rng.choice(SURNAMES) + rng.choice(GIVEN)
            row[6], row[7] = title, level
        if status == "已确认":
            row[8] = rng.choice([0, 1, 2, 2, 3])
            row[9] = date(2026, 11, 30) if n % 3 else EVENT_START
            row[10] = rng.choice(TRAVEL)
            row[11] = rng.choice(HOTELS)
        if status == "婉拒":
            row[12] = rng.choice(
                ["会期与企业年会冲突", "董事长出访，改派代表另行对接", "企业年底结算，暂不外出"]
            )
        invitations.append(row)
    contracted = [
        p for p in projects if p[12] in ("合同", "开工", "投产") and p[17] != "终止" and p[11]
    ]
    contracted.sort(key=lambda p: (-float(p[11]), p[0]))
    # Agreements signed already (签约) whose contracts are still to come: fulfilment to follow.
    agreed = sorted(
        (p for p in projects if p[12] == "签约" and p[17] != "终止"),
        key=lambda p: (-float(p[10] or 0), p[0]),
    )
    chosen = contracted[:8] + agreed[:6]
    signings = [
        [
            EVENT_CODE,
            p[0],
            order,
            p[11] or p[10] or 1000,
            "州人民政府副州长",
            f"{p[5]}代表" if p[5] else None,
        ]
        for order, p in enumerate(chosen, start=1)
    ]
    return {
        "活动": [
            [EVENT_CODE, EVENT_NAME, campaign, EVENT_START, EVENT_END, "贵阳国际会议中心", root]
        ],
        "邀约": invitations,
        "签约": signings,
    }
