"""`load_workbook`: values, errors at their cells, all or nothing, idempotent re-imports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tests.workbook.conftest import base_sheets, model_counts, set_cell
from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.ledger.models import (
    Enterprise,
    FollowUp,
    FundsEntry,
    Park,
    Project,
    ProjectStatus,
    Stage,
    StageEvent,
)
from zhaoshang.org.models import Membership, Person, Unit
from zhaoshang.workbook.loader import load_workbook

pytestmark = pytest.mark.django_db

User = get_user_model()


def load_ok(path, **kwargs):
    result = load_workbook(path, **kwargs)
    assert result.errors == [], result.report()
    return result


def errors_of(make_book, sheets) -> list[str]:
    before = model_counts()
    result = load_workbook(make_book(sheets))
    assert result.errors, "expected errors"
    assert model_counts() == before, "an import with errors must write nothing"
    return result.errors


# --------------------------------------------------------------------------- the base workbook


def test_base_workbook_creates_every_record(make_book):
    result = load_ok(make_book())

    assert {s: c.as_dict()["created"] for s, c in result.counts.items()} == {
        "单位": 4,
        "用户": 2,
        "园区": 1,
        "专项行动": 1,
        "节点": 2,
        "目标任务": 3,
        "客商": 2,
        "项目": 3,
        "到位资金": 1,
        "跟踪记录": 1,
    }
    zone = Unit.objects.get(code="990040")
    assert zone.parent.code == "990000" and zone.path.startswith(zone.parent.path)
    assert zone.official_code is False  # a zone's code is internal
    assert Unit.objects.get(code="990001").official_code is True

    p1 = Project.objects.get(code="P-01")
    assert p1.responsible_unit.code == "990001"
    assert [u.code for u in p1.cooperating_units.all()] == ["990002"]
    assert p1.person.name == "张三" and p1.person.unit == p1.responsible_unit
    assert p1.contract_amount == Decimal("6000.00")
    assert p1.planned_investment == Decimal("8000.00")
    assert (p1.stage, p1.signed_on, p1.contract_on) == (
        Stage.CONTRACTED,
        date(2026, 10, 10),
        date(2026, 10, 20),
    )
    assert p1.industry.code == "C" and p1.is_industrial and not p1.is_key
    assert set(StageEvent.objects.filter(project=p1).values_list("stage", "on")) == {
        (Stage.SIGNED, date(2026, 10, 10)),
        (Stage.CONTRACTED, date(2026, 10, 20)),
    }
    p3 = Project.objects.get(code="P-03")
    assert p3.park.name == "丙园" and p3.industry.code == "38"
    assert sorted(e.name for e in p3.investors.all()) == ["测试一号有限公司", "测试二号有限公司"]

    one = Enterprise.objects.get(name="测试一号有限公司")
    assert one.uscc == "91110000600037341L" and one.ownership == "民营" and one.origin == "省外"
    assert sorted((t.name, t.year) for t in one.tags.all()) == [
        ("上市公司", None),
        ("中国民营企业500强", 2025),
    ]
    # The enterprise is registered by the unit of the first project naming it.
    assert one.owner_unit.code == "990001"

    campaign = Campaign.objects.get(code="T2026")
    assert (campaign.mode, campaign.primary_indicator) == ("linear", "contract_amount")
    assert list(campaign.milestones.values_list("on", "pct")) == [
        (date(2026, 11, 15), Decimal("50.00")),
        (date(2026, 12, 31), Decimal("100.00")),
    ]
    target = Target.objects.get(unit__code="990000", indicator="contract_amount")
    assert target.value == Decimal("30000.00") and target.person.name == "州长甲"
    assert target.deadline == date(2026, 12, 31)
    assert Target.objects.get(indicator="contract_projects").value == 3

    assert FundsEntry.objects.get().amount == Decimal("2000.00")
    assert FollowUp.objects.get().project == p1
    membership = Membership.objects.get(user__username="jia_reporter")
    assert (membership.unit.code, membership.role) == ("990001", "reporter")


def test_every_write_leaves_history_naming_the_file(make_book):
    load_ok(make_book(name="甲县台账.xlsx"))
    for model in (
        Unit,
        Park,
        Campaign,
        Milestone,
        Target,
        Enterprise,
        Project,
        FundsEntry,
        FollowUp,
        Person,
        StageEvent,
        Membership,
    ):
        reasons = set(model.history.values_list("history_change_reason", flat=True))
        assert reasons == {"导入 甲县台账.xlsx"}, (model.__name__, reasons)


def test_generated_password_is_reported_once_and_works(make_book):
    result = load_ok(make_book())
    assert [p["username"] for p in result.passwords] == ["jia_reporter"]
    generated = result.passwords[0]["password"]
    assert generated in result.report() and result.as_dict()["passwords"] == result.passwords
    user = User.objects.get(username="jia_reporter")
    assert user.check_password(generated) and user.account.must_change_password
    assert User.objects.get(username="zhou_admin").check_password("Ceshi-Mima-2026!")
    # The second import creates no account, so it shows no password.
    assert load_ok(make_book()).passwords == []


# --------------------------------------------------------------------------- values people type


def test_amount_formats(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "合同投资额(万元)", "5,000")
    set_cell(sheets, "项目", 2, "计划总投资(万元)", "1.2亿")
    set_cell(sheets, "项目", 4, "合同投资额(万元)", "５０００万")
    set_cell(sheets, "项目", 4, "计划总投资(万元)", 1234.56)
    set_cell(sheets, "到位资金", 2, "金额(万元)", "0.35亿元")
    load_ok(make_book(sheets))
    p1, p3 = Project.objects.get(code="P-01"), Project.objects.get(code="P-03")
    assert (p1.contract_amount, p1.planned_investment) == (Decimal("5000"), Decimal("12000"))
    assert (p3.contract_amount, p3.planned_investment) == (Decimal("5000"), Decimal("1234.56"))
    assert FundsEntry.objects.get().amount == Decimal("3500")


def test_more_than_two_decimals_are_rounded_half_up_with_a_warning(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "合同投资额(万元)", "6000.125")
    result = load_ok(make_book(sheets))
    assert Project.objects.get(code="P-01").contract_amount == Decimal("6000.13")
    assert result.warnings == [
        "工作表「项目」第2行「合同投资额(万元)」：「6000.125」保留两位小数，按 6000.13 记录"
    ]


def test_date_formats_including_a_real_excel_date_cell(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 4, "签约日期", date(2026, 10, 5))  # an Excel date cell
    set_cell(sheets, "项目", 4, "合同签订日期", "2026/10/15")
    set_cell(sheets, "项目", 4, "开工日期", "2026.11.1")
    set_cell(sheets, "项目", 2, "签约日期", "2026年10月10日")
    set_cell(sheets, "到位资金", 2, "日期", "２０２６－１１－１０")
    load_ok(make_book(sheets))
    p3 = Project.objects.get(code="P-03")
    assert (p3.signed_on, p3.contract_on, p3.started_on) == (
        date(2026, 10, 5),
        date(2026, 10, 15),
        date(2026, 11, 1),
    )
    assert Project.objects.get(code="P-01").signed_on == date(2026, 10, 10)
    assert FundsEntry.objects.get().on == date(2026, 11, 10)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("是", True),
        ("Y", True),
        ("1", True),
        (1, True),
        ("√", True),
        ("否", False),
        ("n", False),
        ("0", False),
        (0, False),
        ("×", False),
    ],
)
def test_yes_no_variants(make_book, typed, expected):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "是否重点项目", typed)
    load_ok(make_book(sheets))
    assert Project.objects.get(code="P-01").is_key is expected


def test_spaces_including_full_width_are_trimmed(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "责任单位编码", "\u3000990001 ")
    set_cell(sheets, "项目", 2, "项目名称", " 甲县食品厂\u3000")
    set_cell(sheets, "项目", 2, "投资方", "\u3000测试一号有限公司")
    set_cell(sheets, "项目", 2, "项目阶段", " 合同\u3000")
    load_ok(make_book(sheets))
    p1 = Project.objects.get(code="P-01")
    assert (p1.name, p1.responsible_unit.code) == ("甲县食品厂", "990001")


def test_codes_typed_as_numbers_and_headers_without_star_or_unit(make_book):
    sheets = base_sheets()
    sheets["单位"][0] = ["单位编码", "单位名称", "上级单位编码", "单位类型", "排序"]
    set_cell(sheets, "单位", 3, "单位编码", 990001)
    set_cell(sheets, "单位", 3, "上级单位编码", 990000.0)
    header = sheets["项目"][0]
    header[header.index("合同投资额(万元)")] = "合同投资额"
    header[header.index("计划总投资(万元)")] = "计划总投资（万元）"
    load_ok(make_book(sheets))
    assert Unit.objects.get(code="990001").parent.code == "990000"
    assert Project.objects.get(code="P-01").contract_amount == Decimal("6000")
    assert Project.objects.get(code="P-01").planned_investment == Decimal("8000")


def test_sheets_in_any_order_and_blank_rows_skipped(make_book):
    sheets = base_sheets()
    reordered = {name: sheets[name] for name in reversed(list(sheets))}
    reordered["项目"].insert(2, [None] * 21)
    reordered["项目"].insert(3, ["  ", "\u3000"] + [None] * 19)
    result = load_ok(make_book(reordered))
    assert result.counts["项目"].created == 3
    assert list(result.counts) == list(base_sheets())  # counts in import order


def test_industry_by_name_division_and_section_and_industrial_inferred(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "所属行业", "农副食品加工业")
    set_cell(sheets, "项目", 2, "是否工业项目", None)
    set_cell(sheets, "项目", 3, "所属行业", "g")
    set_cell(sheets, "项目", 3, "是否工业项目", None)
    set_cell(sheets, "项目", 4, "所属行业", 3841)
    result = load_ok(make_book(sheets))
    p1, p2, p3 = (Project.objects.get(code=c) for c in ("P-01", "P-02", "P-03"))
    assert (p1.industry.code, p1.is_industrial) == ("13", True)
    assert (p2.industry.code, p2.is_industrial) == ("G", False)
    assert p3.industry.code == "38"
    assert (
        "工作表「项目」第4行「所属行业」：「3841」按大类「38 电气机械和器材制造业」记录"
        in result.warnings
    )


def test_tags_accept_full_width_brackets_and_semicolons(make_book):
    sheets = base_sheets()
    set_cell(sheets, "客商", 3, "荣誉标签", "中国民营企业500强（2024）；高新技术企业")
    load_ok(make_book(sheets))
    two = Enterprise.objects.get(name="测试二号有限公司")
    assert sorted((t.name, t.year) for t in two.tags.all()) == [
        ("中国民营企业500强", 2024),
        ("高新技术企业", None),
    ]


def test_milestone_percent_typed_with_sign_or_formatted_cell(make_book):
    sheets = base_sheets()
    set_cell(sheets, "节点", 2, "应完成比例(%)", "50%")
    set_cell(sheets, "节点", 3, "应完成比例(%)", "１００")
    load_ok(make_book(sheets))
    assert list(Milestone.objects.values_list("pct", flat=True)) == [Decimal("50"), Decimal("100")]


def test_dropped_project(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "状态", "终止")
    set_cell(sheets, "项目", 2, "终止日期", "2026-11-20")
    set_cell(sheets, "项目", 2, "终止原因", "选址变更")
    load_ok(make_book(sheets))
    p1 = Project.objects.get(code="P-01")
    assert (p1.status, p1.dropped_on, p1.drop_reason) == (
        ProjectStatus.DROPPED,
        date(2026, 11, 20),
        "选址变更",
    )


# --------------------------------------------------------------------------- errors at their cells


def test_contract_stage_needs_amount_and_date(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "合同投资额(万元)", None)
    set_cell(sheets, "项目", 4, "合同签订日期", None)
    set_cell(sheets, "项目", 4, "签约日期", None)
    assert errors_of(make_book, sheets) == [
        "工作表「项目」第2行「合同投资额(万元)」：不能为空（项目阶段为合同）",
        "工作表「项目」第4行「合同签订日期」：不能为空（项目阶段为开工）",
    ]


def test_required_cells_and_columns(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 3, "项目名称", "\u3000")
    for row in sheets["园区"]:
        del row[1]
    assert errors_of(make_book, sheets) == [
        "工作表「园区」：缺少必填列「所属单位编码」",
        "工作表「项目」第3行「项目名称」：不能为空",
    ]


def test_unknown_references_name_the_value(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "责任单位编码", "999999")
    set_cell(sheets, "项目", 2, "投资方", "不存在的公司")
    set_cell(sheets, "项目", 3, "所在园区", "没有的园")
    set_cell(sheets, "项目", 3, "所属行业", "Z")
    set_cell(sheets, "项目", 4, "配合单位编码", "990001;888888")
    set_cell(sheets, "节点", 2, "行动编码", "NOPE")
    set_cell(sheets, "目标任务", 2, "单位编码", "777777")
    set_cell(sheets, "到位资金", 2, "项目编号", "P-99")
    set_cell(sheets, "跟踪记录", 2, "企业名称", "无名公司")
    set_cell(sheets, "用户", 2, "单位编码", "666666")
    assert errors_of(make_book, sheets) == [
        "工作表「用户」第2行「单位编码」：单位编码「666666」不存在（本工作簿「单位」表和系统中都没有）",
        "工作表「节点」第2行「行动编码」：行动编码「NOPE」不存在（本工作簿「专项行动」表和系统中都没有）",
        "工作表「目标任务」第2行「单位编码」：单位编码「777777」不存在（本工作簿「单位」表和系统中都没有）",
        "工作表「项目」第2行「责任单位编码」：单位编码「999999」不存在（本工作簿「单位」表和系统中都没有）",
        "工作表「项目」第2行「投资方」：客商「不存在的公司」不存在（本工作簿「客商」表和系统中都没有）",
        "工作表「项目」第3行「所属行业」：「Z」不是 GB/T 4754-2017 的门类或大类（可填门类字母如 C、两位大类代码如 34、两者连写如 C34，或行业名称如 通用设备制造业）",
        "工作表「项目」第3行「所在园区」：园区「没有的园」不存在（本工作簿「园区」表和系统中都没有）",
        "工作表「项目」第4行「配合单位编码」：单位编码「888888」不存在（本工作簿「单位」表和系统中都没有）",
        "工作表「到位资金」第2行「项目编号」：项目编号「P-99」不存在（本工作簿「项目」表和系统中都没有）",
        "工作表「跟踪记录」第2行「企业名称」：客商「无名公司」不存在（本工作簿「客商」表和系统中都没有）",
    ]


def test_duplicate_keys_within_a_sheet(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 3, "项目编号", "P-01")
    sheets["节点"].append(["T2026", "2026/11/15", 60])
    sheets["客商"].append(["测试三号有限公司", "91110000600037341L", None, None, None])
    assert errors_of(make_book, sheets) == [
        "工作表「节点」第4行「节点日期」：行动「T2026」的节点 2026-11-15 与第2行重复",
        "工作表「客商」第4行「统一社会信用代码」：统一社会信用代码「91110000600037341L」与第2行重复",
        "工作表「项目」第3行「项目编号」：项目编号「P-01」与第2行重复",
    ]


def test_unit_cycle_and_unknown_kind(make_book):
    sheets = base_sheets()
    set_cell(sheets, "单位", 2, "上级单位编码", "990001")  # 990000 under 990001 under 990000
    set_cell(sheets, "单位", 4, "单位类型", "县")
    errors = errors_of(make_book, sheets)
    assert errors == [
        "工作表「单位」第2行「上级单位编码」：上级单位形成循环：990000 → 990001 → 990000",
        "工作表「单位」第4行「单位类型」：「县」不是可选的值，应为：州、县市、开发区、州直部门、乡镇、县直部门、其他",
    ]


def test_unit_cannot_be_its_own_parent(make_book):
    sheets = base_sheets()
    set_cell(sheets, "单位", 3, "上级单位编码", "990001")
    assert "工作表「单位」第3行「上级单位编码」：上级单位不能是本单位自己" in errors_of(
        make_book, sheets
    )


def test_unreadable_values_name_their_cell(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "合同投资额(万元)", "六千万")
    set_cell(sheets, "项目", 2, "签约日期", "十月十日")
    set_cell(sheets, "项目", 2, "是否重点项目", "也许")
    set_cell(sheets, "项目", 3, "项目阶段", "谈判")
    set_cell(sheets, "到位资金", 2, "金额(万元)", -5)
    set_cell(sheets, "目标任务", 4, "目标值", 2.5)
    set_cell(sheets, "目标任务", 3, "指标", "招商引资额")
    set_cell(sheets, "用户", 2, "角色", "超级用户")
    set_cell(sheets, "专项行动", 2, "结束日期", "2026-09-30")
    assert errors_of(make_book, sheets) == [
        "工作表「用户」第2行「角色」：「超级用户」不是可选的值，应为：领导、管理员、填报员、查看",
        "工作表「专项行动」第2行「结束日期」：结束日期 2026-09-30 早于开始日期 2026-10-01",
        "工作表「目标任务」第3行「指标」：「招商引资额」不是可选的值，应为：合同投资额(万元)、合同项目数、500强企业数、园区项目数、工业项目数、到位资金(万元)",
        "工作表「目标任务」第4行「目标值」：「2.5」：应为整数",
        "工作表「项目」第2行「是否重点项目」：「也许」应为 是 或 否（也可填 Y/N、1/0、√/×）",
        "工作表「项目」第2行「合同投资额(万元)」：「六千万」不是可识别的金额（例：5000、5,000、5000万、1.2亿）",
        "工作表「项目」第2行「签约日期」：「十月十日」不是可识别的日期（例：2026-11-05、2026/11/5、2026年11月5日）",
        "工作表「项目」第3行「项目阶段」：「谈判」不是可选的值，应为：线索、洽谈、签约、合同、开工、投产",
        "工作表「到位资金」第2行「金额(万元)」：「-5」：不能为负数",
    ]


def test_stage_dates_must_not_go_backwards(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 4, "开工日期", "2026-10-01")
    assert errors_of(make_book, sheets) == [
        "工作表「项目」第4行「开工日期」：开工日期 2026-10-01 早于合同日期 2026-10-15，阶段日期不能倒退",
    ]


def test_date_of_a_later_stage_than_the_project_reached(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 3, "开工日期", "2026-11-01")
    assert errors_of(make_book, sheets) == [
        "工作表「项目」第3行「开工日期」：项目阶段为洽谈，不应填写此日期",
    ]


def test_dropped_needs_date_and_reason_and_active_needs_neither(make_book):
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "状态", "终止")
    set_cell(sheets, "项目", 3, "终止原因", "资金不到位")
    assert errors_of(make_book, sheets) == [
        "工作表「项目」第2行「终止日期」：不能为空（状态为终止）",
        "工作表「项目」第3行「终止原因」：状态不是终止，不应填写（如项目已终止，请在「状态」填写 终止）",
    ]
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "状态", "终止")
    set_cell(sheets, "项目", 2, "终止日期", "2026-11-20")
    assert errors_of(make_book, sheets) == [
        "工作表「项目」第2行「终止原因」：不能为空（状态为终止）"
    ]


def test_malformed_uscc_is_an_error_but_a_failed_check_only_a_warning(make_book):
    sheets = base_sheets()
    set_cell(sheets, "客商", 3, "统一社会信用代码", "12345")
    assert errors_of(make_book, sheets) == [
        "工作表「客商」第3行「统一社会信用代码」：统一社会信用代码「12345」应为 18 位，实为 5 位",
    ]
    sheets = base_sheets()
    set_cell(sheets, "客商", 3, "统一社会信用代码", "91110000600037341a".replace("1a", "1A"))
    set_cell(sheets, "客商", 2, "统一社会信用代码", "91420684MA4927PJ7B")
    result = load_ok(make_book(sheets))
    assert result.warnings == [
        "工作表「客商」第3行「统一社会信用代码」：统一社会信用代码「91110000600037341A」校验位应为「L」，"
        "请核对（早期试点地区的部分代码确实不符合校验规则）",
    ]
    assert Enterprise.objects.get(name="测试二号有限公司").uscc == "91110000600037341A"


def test_excel_error_values_are_reported(make_book, tmp_path):
    from openpyxl import load_workbook as open_book

    path = make_book()
    book = open_book(path)
    book["项目"]["L2"].value = "#N/A"
    book["项目"]["L2"].data_type = "e"
    book.save(path)
    errors = load_workbook(path).errors
    assert errors == [
        "工作表「项目」第2行「合同投资额(万元)」：单元格为 Excel 错误值 #N/A，请改为实际内容"
    ]


def test_an_error_anywhere_writes_nothing(make_book):
    sheets = base_sheets()
    set_cell(sheets, "跟踪记录", 2, "类型", "喝茶")  # the last sheet written
    before = model_counts()
    result = load_workbook(make_book(sheets))
    assert result.errors == [
        "工作表「跟踪记录」第2行「类型」：「喝茶」不是可选的值，应为：外出招商、来访接待、洽谈、电话联系、推介会、考察、其他",
    ]
    assert model_counts() == before
    assert not result.ok and result.passwords == []
    assert "未写入任何数据" in result.report()


def test_a_database_error_during_the_writes_rolls_everything_back(make_book, monkeypatch):
    from django.db import IntegrityError

    from zhaoshang.ledger import bulk

    def refuse(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: ledger_fundsentry.project_id")

    # New funds entries are written in one batch, after the projects and follow-ups.
    monkeypatch.setattr(bulk, "bulk_add_funds", refuse)
    before = model_counts()
    result = load_workbook(make_book())
    assert result.errors == [
        "工作表「到位资金」第2行：写入数据库时出错：UNIQUE constraint failed: "
        "ledger_fundsentry.project_id（已全部撤销）",
    ]
    assert model_counts() == before
    assert all(c.created == 0 for c in result.counts.values()) and result.passwords == []


# --------------------------------------------------------------------------- warnings


def test_extra_columns_and_unknown_sheets_are_ignored_with_a_warning(make_book):
    sheets = base_sheets()
    for number, row in enumerate(sheets["园区"]):
        row.append("联系人" if number == 0 else "赵六")
    sheets["统计表"] = [["随便什么"], [1]]
    result = load_ok(make_book(sheets))
    assert result.warnings == [
        "工作表「统计表」不是可识别的工作表，已忽略",
        "工作表「园区」第1行「联系人」：不是可识别的列，已忽略",
    ]
    assert Park.objects.count() == 1


def test_no_known_sheet_at_all_is_unusable(make_book):
    from zhaoshang.workbook.loader import UnusableWorkbook

    with pytest.raises(UnusableWorkbook, match="没有可识别的工作表"):
        load_workbook(make_book({"Sheet1": [["a", "b"], [1, 2]]}))


# --------------------------------------------------------------------------- idempotence and updates


def test_reimporting_the_same_file_changes_nothing(make_book):
    path = make_book()
    load_ok(path)
    before = model_counts()
    result = load_ok(path)
    assert model_counts() == before  # history tables included
    for sheet, counts in result.counts.items():
        assert (counts.created, counts.updated) == (0, 0), sheet
    assert result.persons_created == 0


def test_update_by_key_leaves_one_history_row_with_the_new_value(make_book):
    load_ok(make_book(name="第一版.xlsx"))
    sheets = base_sheets()
    set_cell(sheets, "项目", 2, "合同投资额(万元)", 6500)
    before = model_counts()
    result = load_ok(make_book(sheets, name="第二版.xlsx"))

    after = model_counts()
    changed = {
        label: after[label] - before[label] for label in after if after[label] != before[label]
    }
    # One history row of the project; simple-history copies the project's
    # relations (one cooperating unit, one investor) into every history row.
    assert changed == {
        "ledger.HistoricalProject": 1,
        "ledger.HistoricalProject_cooperating_units": 1,
        "ledger.HistoricalProject_investors": 1,
    }
    latest = Project.history.filter(code="P-01").latest()
    assert latest.contract_amount == Decimal("6500.00")
    assert latest.history_change_reason == "导入 第二版.xlsx"
    assert latest.history_type == "~"
    assert latest.prev_record.contract_amount == Decimal("6000.00")
    assert (result.counts["项目"].updated, result.counts["项目"].unchanged) == (1, 2)


def test_columns_absent_from_a_sheet_keep_existing_values(make_book):
    load_ok(make_book())
    only = {
        "项目": [
            ["项目编号", "项目名称", "责任单位编码", "项目阶段"],
            ["P-01", "甲县食品厂（一期）", "990001", "合同"],
        ],
        "客商": [["企业名称"], ["测试一号有限公司"]],
    }
    before = model_counts()
    result = load_ok(make_book(only, name="只改名称.xlsx"))
    p1 = Project.objects.get(code="P-01")
    assert p1.name == "甲县食品厂（一期）"
    assert (p1.contract_amount, p1.contract_on, p1.person.name) == (
        Decimal("6000"),
        date(2026, 10, 20),
        "张三",
    )
    assert [u.code for u in p1.cooperating_units.all()] == ["990002"]
    assert p1.investors.count() == 1 and p1.industry.code == "C" and p1.is_industrial
    one = Enterprise.objects.get(name="测试一号有限公司")
    assert one.uscc == "91110000600037341L" and one.tags.count() == 2
    assert result.counts["客商"].unchanged == 1
    assert model_counts()["ledger.HistoricalProject"] == before["ledger.HistoricalProject"] + 1


def test_references_resolve_against_existing_database_rows(make_book):
    load_ok(make_book())
    later = {
        "项目": [
            [
                "项目编号",
                "项目名称",
                "责任单位编码",
                "投资方",
                "所在园区",
                "项目阶段",
                "合同投资额(万元)",
                "合同签订日期",
            ],
            ["P-10", "丙园二期", "990040", "测试二号有限公司", "丙园", "合同", "1亿", "2026-11-11"],
        ],
        "到位资金": [["项目编号", "日期", "金额(万元)"], ["P-01", "2026-11-12", 100]],
    }
    load_ok(make_book(later, name="第二批.xlsx"))
    p10 = Project.objects.get(code="P-10")
    assert (p10.park.name, p10.contract_amount) == ("丙园", Decimal("10000"))
    assert FundsEntry.objects.filter(project__code="P-01").count() == 1


def test_funds_key_is_project_and_day(make_book):
    load_ok(make_book())
    sheets = base_sheets()
    set_cell(sheets, "到位资金", 2, "金额(万元)", 2500)
    sheets["到位资金"].append(["P-03", "2026-11-20", 500])
    result = load_ok(make_book(sheets))
    assert sorted(FundsEntry.objects.values_list("on", "amount")) == [
        (date(2026, 11, 10), Decimal("2500")),
        (date(2026, 11, 20), Decimal("500")),
    ]
    assert result.counts["到位资金"].as_dict() == {"created": 1, "updated": 1, "unchanged": 0}


def test_identical_follow_ups_are_recorded_once(make_book):
    sheets = base_sheets()
    sheets["跟踪记录"].append(list(sheets["跟踪记录"][1]))
    result = load_ok(make_book(sheets))
    assert FollowUp.objects.count() == 1
    assert result.counts["跟踪记录"].as_dict() == {"created": 1, "updated": 0, "unchanged": 1}
    assert result.warnings == ["工作表「跟踪记录」第3行：与第2行完全相同，只记录一次"]


def test_moving_a_unit_rewrites_the_paths_of_its_subtree(make_book):
    sheets = base_sheets()
    sheets["单位"].append(["990041", "丙园管委会", "990040", "其他", 9])
    load_ok(make_book(sheets))
    # The zone moves under 甲县; its child follows, and a new child of the child is placed right.
    set_cell(sheets, "单位", 5, "上级单位编码", "990001")
    sheets["单位"].append(["990042", "丙园招商科", "990041", "其他", 10])
    load_ok(make_book(sheets))
    zone, child, grandchild = (Unit.objects.get(code=c) for c in ("990040", "990041", "990042"))
    county = Unit.objects.get(code="990001")
    assert zone.path == f"{county.path}{zone.pk}/"
    assert child.path == f"{zone.path}{child.pk}/"
    assert grandchild.path == f"{child.path}{grandchild.pk}/"


def test_existing_account_keeps_its_password(make_book):
    load_ok(make_book())
    sheets = base_sheets()
    set_cell(sheets, "用户", 3, "初始密码", "Another-Secret-9")
    set_cell(sheets, "用户", 3, "角色", "领导")
    result = load_ok(make_book(sheets))
    admin = User.objects.get(username="zhou_admin")
    assert admin.check_password("Ceshi-Mima-2026!")
    assert Membership.objects.get(user=admin).role == "leader"
    assert result.counts["用户"].as_dict() == {"created": 0, "updated": 1, "unchanged": 1}
    assert (
        "工作表「用户」第3行「初始密码」：账号「zhou_admin」已存在，初始密码不适用，未修改其密码"
        in result.warnings
    )


# --------------------------------------------------------------------------- dry run


def test_dry_run_writes_nothing_but_reports_what_it_would_do(make_book):
    before = model_counts()
    result = load_workbook(make_book(), dry_run=True)
    assert result.ok and result.dry_run
    assert model_counts() == before
    assert result.counts["项目"].created == 3
    assert result.passwords == []
    assert result.as_dict()["dry_run"] is True
    assert "试运行" in result.report()


# --------------------------------------------------------------------------- scale


def _scale_sheets(n: int) -> dict:
    sheets = base_sheets()
    sheets["客商"] += [[f"规模测试{i:03d}有限公司", None, "民营", "省外", None] for i in range(150)]
    counties = ["990001", "990002", "990040"]
    for i in range(n):
        sheets["项目"].append(
            [
                f"S-{i:03d}",
                f"规模项目{i}",
                counties[i % 3],
                None,
                f"责任人{i % 10}",
                f"规模测试{i % 150:03d}有限公司",
                "C",
                "是",
                None,
                "否",
                2000,
                1000 + i,
                "合同",
                "2026-10-10",
                "2026-10-20",
                None,
                None,
                "正常",
                None,
                None,
                None,
            ]
        )
        sheets["到位资金"].append([f"S-{i:03d}", "2026-11-01", 100])
    return sheets


def test_validating_three_hundred_projects_takes_as_many_queries_as_three(
    make_book, django_assert_max_num_queries
):
    """No query per row: a dry run, and a second import of the same rows, stay at a constant."""
    small = make_book(_scale_sheets(0), name="小.xlsx")
    large = make_book(_scale_sheets(300), name="大.xlsx")
    result = load_ok(large)
    assert result.counts["项目"].created == 303
    load_ok(small)  # the small file's rows are already there too
    # Fingerprint (12 MAX), units, users, parks, campaigns, milestones, targets,
    # enterprises (+ tags, by key and name), projects (+ cooperating units,
    # investors), industries, persons, funds, follow-ups, rounds, events,
    # invitations, signings: one query (or one per 500 keys) each.
    with django_assert_max_num_queries(60) as small_queries:
        load_workbook(small, dry_run=True)
    with django_assert_max_num_queries(60) as large_queries:
        load_workbook(large, dry_run=True)
    # 300 more rows cost at most the extra chunks of 500 keys, never one per row.
    assert len(large_queries) - len(small_queries) <= 4
    with django_assert_max_num_queries(60 + 12):  # + the fingerprint again inside the commit
        result = load_workbook(large)
    assert result.counts["项目"].as_dict() == {"created": 0, "updated": 0, "unchanged": 303}


def test_committing_a_hundred_new_projects_takes_as_many_queries_as_ten(make_book):
    """Writing new rows is batched too: projects, history, stage events, links, funds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    load_ok(make_book(_scale_sheets(0), name="底.xlsx"))

    def new_projects(n: int, prefix: str) -> dict:
        sheets = _scale_sheets(n)
        for rows in (sheets["项目"], sheets["到位资金"]):
            for row in rows[-n:]:
                row[0] = row[0].replace("S-", prefix)
        for row in sheets["项目"][-n:]:
            row[4] = None  # no new persons: each new person is one service call
        return sheets

    counts = []
    for n, prefix in ((10, "T-"), (100, "H-")):
        book = make_book(new_projects(n, prefix), name=f"新{n}.xlsx")
        with CaptureQueriesContext(connection) as queries:
            result = load_ok(book)
        assert result.counts["项目"].created == n
        assert result.counts["到位资金"].created == n
        inserts = [
            q
            for q in queries.captured_queries
            if q["sql"].startswith('INSERT INTO "ledger_project" ')
        ]
        # bulk_create splits the projects' INSERT by the database's limit of
        # parameters per statement (about 37 projects on SQLite): not per row.
        assert len(inserts) <= n // 30 + 1
        counts.append(len(queries) - len(inserts))
    assert Project.objects.filter(code__startswith="H-").count() == 100
    assert Project.history.filter(code__startswith="H-", history_type="+").count() == 100
    assert counts[0] == counts[1], counts


# --------------------------------------------------------------------------- enterprises by key


def test_enterprise_found_by_uscc_is_renamed(make_book):
    load_ok(make_book())
    sheets = base_sheets()
    set_cell(sheets, "客商", 2, "企业名称", "测试一号集团有限公司")
    set_cell(sheets, "项目", 2, "投资方", "测试一号集团有限公司")
    set_cell(sheets, "项目", 4, "投资方", "测试一号集团有限公司;测试二号有限公司")
    set_cell(sheets, "跟踪记录", 2, "企业名称", "测试一号集团有限公司")
    result = load_ok(make_book(sheets))
    assert Enterprise.objects.get(uscc="91110000600037341L").name == "测试一号集团有限公司"
    assert Enterprise.objects.count() == 2
    assert result.counts["客商"].as_dict() == {"created": 0, "updated": 1, "unchanged": 1}


def test_enterprise_key_conflicts_with_existing_rows(make_book):
    load_ok(make_book())
    sheets = base_sheets()
    # A new code under the name of an enterprise that already has another code.
    set_cell(sheets, "客商", 2, "统一社会信用代码", "91420684MA4927PJ7B")
    assert errors_of(make_book, sheets) == [
        "工作表「客商」第2行「统一社会信用代码」：系统中的客商「测试一号有限公司」统一社会信用代码为 "
        "91110000600037341L，与本行不一致（如确需更正代码，请在系统中修改该客商）",
    ]
    sheets = base_sheets()
    # The code of enterprise one under the name of enterprise two.
    set_cell(sheets, "客商", 2, "企业名称", "测试二号有限公司")
    set_cell(sheets, "客商", 3, "企业名称", "测试三号有限公司")
    errors = errors_of(make_book, sheets)
    assert errors[0] == (
        "工作表「客商」第2行「企业名称」：企业名称「测试二号有限公司」已被系统中另一家客商使用"
        "（统一社会信用代码 无），而本行代码对应的是「测试一号有限公司」"
    )


def test_milestone_cell_formatted_as_percent(make_book):
    from openpyxl import load_workbook as open_book

    path = make_book()
    book = open_book(path)
    cell = book["节点"]["C2"]
    cell.value, cell.number_format = 0.5, "0%"
    book.save(path)
    load_ok(path)
    assert Milestone.objects.get(on=date(2026, 11, 15)).pct == Decimal("50")


def test_milestone_given_as_a_fraction_is_taken_literally_with_a_warning(make_book):
    sheets = base_sheets()
    set_cell(sheets, "节点", 2, "应完成比例(%)", 0.5)
    result = load_ok(make_book(sheets))
    assert (
        "工作表「节点」第2行「应完成比例(%)」：按 0.5% 记录；如指 50%，请填写 50" in result.warnings
    )


# --------------------------------------------------------------------------- an importing user's scope


def test_a_county_reporter_cannot_import_another_countys_project(make_book):
    from zhaoshang.org.services import do_save_account

    load_ok(make_book())
    reporter, _created, _password = do_save_account(
        "yi_reporter",
        full_name="乙县填报员",
        unit=Unit.objects.get(code="990002"),
        role="reporter",
        password="Yi-Xian-Mima-1",
    )
    own = {
        "项目": [
            ["项目编号", "项目名称", "责任单位编码", "项目阶段"],
            ["P-20", "乙县新项目", "990002", "洽谈"],
        ]
    }
    result = load_workbook(make_book(own, name="乙县.xlsx"), actor=reporter)
    assert result.ok, result.report()
    assert Project.history.filter(code="P-20").latest().history_user == reporter

    other = {
        "项目": [
            ["项目编号", "项目名称", "责任单位编码", "项目阶段"],
            ["P-21", "越权项目", "990001", "洽谈"],
        ]
    }
    before = model_counts()
    result = load_workbook(make_book(other, name="越权.xlsx"), actor=reporter)
    # Found while validating (the preview shows it), at the row and column.
    assert result.errors == [
        "工作表「项目」第2行「责任单位编码」：单位「990001」不在本账号的管理范围内"
        "（只能导入本单位及下级单位的数据），本行不能导入"
    ]
    assert model_counts() == before

    units = {
        "单位": [
            ["单位编码", "单位名称", "上级单位编码", "单位类型"],
            ["990099", "新乡镇", "990002", "乡镇"],
        ]
    }
    result = load_workbook(make_book(units, name="单位.xlsx"), actor=reporter)
    assert result.errors == [
        "工作表「单位」第2行：无权修改此数据（超出本账号的管理范围），已全部撤销"
    ]
    assert not Unit.objects.filter(code="990099").exists()


def test_step_mode_and_another_primary_indicator(make_book):
    sheets = base_sheets()
    set_cell(sheets, "专项行动", 2, "进度模式", "阶梯")
    set_cell(sheets, "专项行动", 2, "主指标", "到位资金")
    load_ok(make_book(sheets))
    campaign = Campaign.objects.get(code="T2026")
    assert (campaign.mode, campaign.primary_indicator) == ("step", "funds_in_place")
