"""Two people editing the same project: the second save is refused, never silently
overwrites, and shows what changed since the form was opened (who, when, before → after);
the form comes back on the latest version with the user's own edits kept."""

from __future__ import annotations

import re
from decimal import Decimal

from zhaoshang.ledger.models import Project

from ..web.helpers import edit_payload, text


def test_second_save_is_refused_with_the_changes_shown(client_for, personas):
    project = personas.projects["KL-001"]
    # Both open the form at version 1.
    admin_form = edit_payload(project, contract_amount="32000", reason="州招商办核实合同")
    reporter_form = edit_payload(project, note="企业已进场", reason="补充进展")

    assert client_for("admin").post("/projects/KL-001/edit/", admin_form).status_code == 302
    history_before = project.history.count()

    response = client_for("r522601").post("/projects/KL-001/edit/", reporter_form)
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "在您打开此页后已被他人修改，您的修改未保存" in page
    assert "州招商办管理员 修改（州招商办核实合同）" in page
    assert re.search(r"合同投资额\(万元\) ： 30,000 → 32,000(?![.\d])", page)
    # Nothing was written by the refused save.
    project.refresh_from_db()
    assert (project.contract_amount, project.note) == (Decimal("32000"), "")
    assert project.history.count() == history_before

    # The form is now on the latest version: the other's amount taken in, the note kept.
    form = response.context["form"]
    assert form.initial["version"] == project.version
    assert Decimal(form.initial["contract_amount"]) == Decimal("32000")
    assert form.initial["note"] == "企业已进场"
    assert "只有对方改过的项已更新为最新值：合同投资额(万元)" in page

    # Saving it again (a deliberate choice, with the changes in view) keeps both edits.
    again = edit_payload(project, note="企业已进场", reason="补充进展")
    assert client_for("r522601").post("/projects/KL-001/edit/", again).status_code == 302
    project.refresh_from_db()
    assert (project.contract_amount, project.note) == (Decimal("32000"), "企业已进场")


def test_field_changed_by_both_keeps_mine_and_is_marked(client_for, personas):
    project = personas.projects["KL-001"]
    admin_form = edit_payload(project, contract_amount="32000", reason="核实")
    reporter_form = edit_payload(project, contract_amount="31000", reason="按合同")
    client_for("admin").post("/projects/KL-001/edit/", admin_form)
    response = client_for("r522601").post("/projects/KL-001/edit/", reporter_form)
    page = text(response.content.decode())
    assert "您和对方都改过的项保留了您填写的值，请核对：合同投资额(万元)" in page
    assert "他人也修改了此项" in page
    assert Decimal(response.context["form"].initial["contract_amount"]) == Decimal("31000")
    assert Project.objects.get(code="KL-001").contract_amount == Decimal("32000")


def test_stage_change_in_between_also_refuses_an_edit(client_for, personas):
    from datetime import date

    from zhaoshang.ledger.services import do_change_stage

    project = personas.projects["KL-001"]
    stale = edit_payload(project, note="补充", reason="补充")
    do_change_stage(project, 5, date(2026, 11, 26), actor=personas.users["admin"])
    response = client_for("r522601").post("/projects/KL-001/edit/", stale)
    page = text(response.content.decode())
    assert "项目阶段 ： 合同 → 开工" in page
    assert Project.objects.get(code="KL-001").note == ""
