"""The demo's supervised tasks, one in every state (sheet 督办事项, then the flow).

Reference day 2026-11-27 (moved with the rest of the demo); open tasks are
overdue (red, orange, blue), due soon or open; closed ones done and done late.
After the import the flow moves some along: signed, in progress, fed back and
awaiting review, returned once, an extension request pending.
"""

from __future__ import annotations

from datetime import date, timedelta

from zhaoshang.workbook import schema

HEADERS = {"督办事项": list(schema.TASKS.column_names)}

D = date


def task_sheets(*, campaign: str) -> dict[str, list[list]]:
    c = campaign
    rows = [
        # code, content, source, campaign, lead, assisting, person, assigned, deadline, closed, goal, watching
        [
            "DB2026-001",
            "黎平县合同项目少问题整改",
            "通报问题",
            c,
            "522631",
            "522600101",
            "",
            D(2026, 11, 6),
            D(2026, 11, 13),
            None,
            "新增正式合同项目2个",
            "否",
        ],
        [
            "DB2026-002",
            "从江县补报项目台账和到位资金凭证",
            "会议",
            c,
            "522633",
            "",
            "",
            D(2026, 10, 30),
            D(2026, 11, 6),
            None,
            "台账与到位资金凭证全部补齐",
            "否",
        ],
        [
            "DB2026-003",
            "镇远县加快文旅项目合同签订",
            "会议",
            c,
            "522625",
            "",
            "",
            D(2026, 11, 16),
            D(2026, 11, 24),
            None,
            "",
            "否",
        ],
        [
            "DB2026-004",
            "凯里经济开发区落实新能源项目用地指标",
            "领导批示",
            c,
            "522640",
            "522601",
            "",
            D(2026, 11, 20),
            D(2026, 11, 30),
            None,
            "用地预审通过",
            "是",
        ],
        [
            "DB2026-005",
            "州投资促进局对接中国民营企业500强企业来黔考察",
            "领导批示",
            c,
            "522600101",
            "522600103",
            "",
            D(2026, 11, 23),
            D(2026, 12, 15),
            None,
            "邀请3家500强企业到会",
            "是",
        ],
        [
            "DB2026-006",
            "凯里市报送签约项目推介资料",
            "其他",
            c,
            "522601",
            "",
            "",
            D(2026, 11, 9),
            D(2026, 11, 20),
            D(2026, 11, 18),
            "",
            "否",
        ],
        [
            "DB2026-007",
            "天柱县整改台账长期未更新问题",
            "通报问题",
            c,
            "522627",
            "",
            "",
            D(2026, 11, 9),
            D(2026, 11, 20),
            D(2026, 11, 25),
            "",
            "否",
        ],
        [
            "DB2026-008",
            "岑巩县梳理在谈项目清单",
            "会议",
            c,
            "522626",
            "",
            "",
            D(2026, 11, 24),
            D(2026, 12, 10),
            None,
            "",
            "否",
        ],
    ]
    return {"督办事项": rows}


def advance_tasks() -> None:
    """Move the imported tasks along their flow (once: a reload leaves them as they are)."""
    from zhaoshang.supervision.models import Task
    from zhaoshang.supervision.services import (
        do_add_progress,
        do_feedback,
        do_request_extension,
        do_review,
        do_sign,
    )

    tasks = {t.code: t for t in Task.objects.filter(code__startswith="DB2026-")}
    if not tasks or any(t.steps.count() > 1 for t in tasks.values() if not t.is_closed):
        return
    t = tasks["DB2026-001"]
    do_sign(t)
    do_add_progress(t, "已与两家意向企业完成对接，合同文本正在审查。")
    do_feedback(t, "新签正式合同1个。")
    do_review(t, accept=False, reason="目标为新增2个，请继续推进")
    do_request_extension(
        t, t.deadline + timedelta(days=21), "第二个项目合同待企业董事会审议，预计12月初签订"
    )
    do_sign(tasks["DB2026-003"])
    do_feedback(tasks["DB2026-003"], "两个文旅项目已签订正式合同，扫描件已上传台账。")
    do_sign(tasks["DB2026-004"])
    t = tasks["DB2026-005"]
    do_sign(t)
    do_add_progress(t, "已向5家500强企业发出邀请函，2家已确认。")
