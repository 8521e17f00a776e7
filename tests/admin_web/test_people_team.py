"""Responsible people (责任人) and working teams (工作专班) of a unit, with their history.

凯里市 has one person, 王明 (市投资促进局局长), responsible for project KL-001.
"""

from __future__ import annotations

import pytest

from zhaoshang.org.models import Person, TeamMember, TeamRole
from zhaoshang.org.services import do_save_person

from .helpers import HTMX, org_snapshot, text

PEOPLE = "/org/units/522601/people/"
TEAM = "/org/units/522601/team/"


def _person(**values) -> dict:
    data = {"name": "李红", "title": "副市长", "phone": "0855-8000002", "user": "", "reason": ""}
    data.update(values)
    return {f"new-{k}": v for k, v in data.items()}


def test_people_page_lists_people_with_their_load(client_for):
    page = text(client_for("admin").get(PEOPLE))
    assert "王明 市投资促进局局长 0855-8000001 无 — 1 0" in page


def test_admin_registers_a_person_with_history(client_for, personas):
    client = client_for("a522601")
    response = client.post(PEOPLE, _person())
    assert response.status_code == 302
    person = Person.objects.get(name="李红")
    assert (person.unit, person.title, person.phone) == (
        personas.units["522601"],
        "副市长",
        "0855-8000002",
    )
    record = person.history.get()
    assert record.history_user == personas.users["a522601"]
    assert record.history_change_reason == "登记责任人"
    assert "已登记责任人 李红" in text(client.get(PEOPLE))


def test_person_linked_to_an_account_of_the_subtree(client_for, personas):
    reporter = personas.users["r522601"]
    client_for("a522601").post(PEOPLE, _person(user=str(reporter.pk)))
    assert Person.objects.get(name="李红").user == reporter


def test_account_choices_stay_in_the_subtree(client_for, personas):
    html = client_for("a522601").get(PEOPLE).content.decode()
    assert "r522601" in html and "r522631" not in html and ">admin<" not in html
    before = org_snapshot()
    response = client_for("a522601").post(PEOPLE, _person(user=str(personas.users["r522631"].pk)))
    assert "选择一个有效的选项" in text(response)
    assert org_snapshot() == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "王明"}, "本单位已有名为「王明」的责任人"),
        ({"name": ""}, "这个字段是必填项。"),
        ({"name": "李" * 51}, "(目前字符数 51)"),
    ],
)
def test_person_validation_messages(client_for, values, message):
    before = org_snapshot()
    response = client_for("admin").post(PEOPLE, _person(**values))
    assert response.status_code == 400
    assert message in text(response)
    assert org_snapshot() == before


@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        ("leader", PEOPLE, 403),
        ("r522601", PEOPLE, 403),
        ("r522631", PEOPLE, 404),
        ("outsider", PEOPLE, 404),
        ("a522601", "/org/units/522631/people/", 404),
    ],
)
def test_person_create_refused(client_for, who, url, expected):
    before = org_snapshot()
    assert client_for(who).post(url, _person()).status_code == expected
    assert org_snapshot() == before


def _wang(personas) -> Person:
    return Person.objects.get(unit=personas.units["522601"], name="王明")


def test_edit_person_with_before_and_after(client_for, personas):
    wang = _wang(personas)
    client = client_for("a522601")
    assert client.get(f"/org/people/{wang.pk}/edit/").status_code == 200
    response = client.post(
        f"/org/people/{wang.pk}/edit/",
        {
            "name": "王明",
            "title": "市委常委",
            "phone": "0855-8000001",
            "user": "",
            "reason": "职务变动",
        },
    )
    assert response.status_code == 302
    wang.refresh_from_db()
    assert wang.title == "市委常委"
    record = wang.history.latest()
    assert (record.prev_record.title, record.title) == ("市投资促进局局长", "市委常委")
    assert record.history_user == personas.users["a522601"]
    page = text(client.get("/org/units/522601/history/"))
    assert "责任人 王明 职务 ： 市投资促进局局长 → 市委常委 职务变动" in page


@pytest.mark.parametrize(
    ("who", "expected"), [("leader", 403), ("r522631", 404), ("outsider", 404)]
)
def test_edit_person_refused(client_for, personas, who, expected):
    wang = _wang(personas)
    before = org_snapshot()
    client = client_for(who)
    assert client.get(f"/org/people/{wang.pk}/edit/").status_code == expected
    response = client.post(
        f"/org/people/{wang.pk}/edit/", {"name": "王二", "title": "", "phone": "", "user": ""}
    )
    assert response.status_code == expected
    assert client.post(f"/org/people/{wang.pk}/delete/").status_code == expected
    assert org_snapshot() == before


def test_a_responsible_person_cannot_be_deleted(client_for, personas):
    wang = _wang(personas)
    before = org_snapshot()
    response = client_for("admin").post(f"/org/people/{wang.pk}/delete/", follow=True)
    assert "王明 仍是 1 个项目、0 项目标任务的责任人，请先改为其他责任人再删除" in text(response)
    assert org_snapshot() == before


def test_delete_a_person_with_nothing_to_answer_for(client_for, personas):
    person = do_save_person(personas.units["522601"], "赵六")
    pk = person.pk
    response = client_for("a522601").post(f"/org/people/{pk}/delete/", follow=True, **HTMX)
    assert "已删除责任人 赵六" in text(response)
    record = Person.history.filter(id=pk).latest()
    assert record.history_type == "-" and record.history_user == personas.users["a522601"]


# ---------------------------------------------------------------- working team


def test_team_add_existing_and_new_person_then_change_role_and_remove(client_for, personas):
    client = client_for("a522601")
    wang = _wang(personas)
    response = client.post(TEAM, {"person": str(wang.pk), "new_name": "", "role": "组长"})
    assert response.status_code == 302
    response = client.post(TEAM, {"person": "", "new_name": "陈联络", "role": "联络员"})
    assert response.status_code == 302
    members = {m.person.name: m for m in TeamMember.objects.select_related("person")}
    assert members["王明"].role == TeamRole.HEAD and members["陈联络"].role == TeamRole.LIAISON
    assert members["陈联络"].person.unit == personas.units["522601"]
    page = text(client.get(TEAM))
    assert "陈联络 已加入工作专班" in page
    assert page.index("王明") < page.index("陈联络")  # 组长 first

    head = members["王明"]
    response = client.post(f"/org/team/{head.pk}/role/", {"role": "副组长"})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.role == TeamRole.DEPUTY
    record = head.history.latest()
    assert (record.prev_record.role, record.role) == ("组长", "副组长")
    assert record.history_user == personas.users["a522601"]

    client.post(f"/org/team/{head.pk}/remove/")
    assert not TeamMember.objects.filter(pk=head.pk).exists()
    removal = TeamMember.history.filter(id=head.pk).latest()
    assert removal.history_type == "-" and removal.history_change_reason == "移出工作专班"
    history = text(client.get("/org/units/522601/history/"))
    assert "工作专班 专班职务 ： 组长 → 副组长" in history


def test_team_may_include_people_of_units_below(client_for, personas):
    town_person = do_save_person(personas.units["522601101"], "镇长甲")
    html = client_for("a522601").get(TEAM).content.decode()
    assert "镇长甲（三棵树镇）" in html
    client_for("a522601").post(TEAM, {"person": str(town_person.pk), "role": "成员"})
    assert TeamMember.objects.get(person=town_person).unit == personas.units["522601"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"person": "", "new_name": "", "role": "成员"},
            "请从名单中选择人员，或填写新人员的姓名。",
        ),
        ({"person": "", "new_name": "甲", "role": "司令"}, "选择一个有效的选项"),
    ],
)
def test_team_validation_messages(client_for, data, message):
    before = org_snapshot()
    response = client_for("admin").post(TEAM, data)
    assert response.status_code == 400 and message in text(response)
    assert org_snapshot() == before


def test_team_of_another_county_is_out_of_reach(client_for, personas):
    liping_person = do_save_person(personas.units["522631"], "黎平人员")
    before = org_snapshot()
    response = client_for("a522601").post(TEAM, {"person": str(liping_person.pk), "role": "成员"})
    assert "选择一个有效的选项" in text(response)
    assert (
        client_for("a522601")
        .post("/org/units/522631/team/", {"new_name": "某人", "role": "成员"})
        .status_code
        == 404
    )
    assert client_for("leader").post(TEAM, {"new_name": "某人", "role": "成员"}).status_code == 403
    assert org_snapshot() == before
