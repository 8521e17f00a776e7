"""Follow-ups: the one-screen quick entry, its scoped autocomplete, and the activity feed."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from zhaoshang.ledger.models import FollowUp
from zhaoshang.ledger.services import do_add_follow_up

from ..web.helpers import text
from .helpers import everything

HX = {"HX-Request": "true"}


def test_quick_entry_defaults_to_today_and_own_unit(client_for, personas):
    form = client_for("r522601").get("/ledger/follow-ups/new/").context["form"]
    assert form.initial["on"] == timezone.localdate()
    assert form.initial["unit"] == personas.units["522601"].pk
    assert sorted(u.code for u in form.fields["unit"].queryset) == ["522601", "522601101"]


def test_quick_entry_saves_and_clears_for_the_next_one(client_for, personas):
    client = client_for("r522601")
    project = personas.projects["KL-001"]
    enterprise = personas.enterprises["华岳新能源控股集团有限公司"]
    response = client.post(
        "/ledger/follow-ups/new/",
        {
            "kind": "来访接待",
            "on": "2026-11-27",
            "unit": personas.units["522601"].pk,
            "project": project.pk,
            "enterprise": enterprise.pk,
            "participants": "王明、李华",
            "content": "接待华岳考察团，商定二期用地",
        },
        headers=HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    page = text(html)
    assert "已保存：2026年11月27日 来访接待" in page
    follow_up = FollowUp.objects.get(content="接待华岳考察团，商定二期用地")
    assert (follow_up.project, follow_up.enterprise, follow_up.created_by.username) == (
        project,
        enterprise,
        "r522601",
    )
    assert follow_up.history.get().history_user.username == "r522601"
    # The fresh form keeps unit, kind and day, and clears the rest.
    form = response.context["form"]
    assert form.initial["kind"] == "来访接待" and "content" not in form.initial
    assert "我最近记的" in page


def test_quick_entry_explains_what_is_missing(client_for, personas):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/follow-ups/new/",
        {"on": "2026-11-27", "unit": personas.units["522601"].pk},
        headers=HX,
    )
    page = text(response.content.decode())
    assert "这个字段是必填项" in page  # the type
    response = client_for("r522601").post(
        "/ledger/follow-ups/new/",
        {"kind": "洽谈", "on": "2026-11-27", "unit": personas.units["522601"].pk},
        headers=HX,
    )
    assert "请至少选择项目或客商，或填写内容" in text(response.content.decode())
    assert everything() == before


def test_autocomplete_finds_by_pinyin_within_scope(client_for, personas):
    url = "/ledger/autocomplete/projects/?name=project&q_project=xny"
    html = client_for("r522601").get(url).content.decode()
    assert "KL-001" in html and 'type="radio"' in html
    assert "KL-001" not in client_for("r522631").get(url).content.decode()
    html = (
        client_for("r522631")
        .get("/ledger/autocomplete/projects/?name=project&q_project=lpx")
        .content.decode()
    )
    assert "没有找到" in html  # 黎平县 is a unit name, not a project name
    html = (
        client_for("r522631")
        .get("/ledger/autocomplete/projects/?name=project&q_project=lcp")
        .content.decode()
    )
    assert "LP-001" in html  # 林产品精深加工项目


def test_autocomplete_keeps_the_chosen_and_never_leaks(client_for, personas):
    huayue = personas.enterprises["华岳新能源控股集团有限公司"]
    miaoling = personas.enterprises["黔东南苗岭农业发展有限公司"]
    url = (
        "/ledger/autocomplete/enterprises/?name=investors&q_investors=gz"
        f"&investors={huayue.pk}&investors={miaoling.pk}"
    )
    html = client_for("r522601").get(url).content.decode()
    # The chosen 华岳 stays, checked; 广州云上 is found; 苗岭 (黎平县) is never shown.
    assert f'value="{huayue.pk}" checked' in html
    assert "广州云上文旅投资有限公司" in html
    assert "苗岭" not in html
    assert 'type="checkbox"' in html


def test_feed_is_scoped_filtered_and_grouped_by_day(client_for, personas):
    do_add_follow_up(
        on=date(2026, 11, 25),
        unit=personas.units["522631"],
        kind="外出招商",
        content="赴杭州对接林产品企业",
    )
    page = text(client_for("r522601").get("/ledger/follow-ups/").content.decode())
    assert "与投资方商定二期用地" in page and "赴杭州" not in page
    page = text(client_for("admin").get("/ledger/follow-ups/").content.decode())
    assert page.index("2026年11月26日") < page.index("2026年11月25日")
    response = client_for("admin").get("/ledger/follow-ups/?kind=外出招商")
    assert [f.content for f in response.context["page"].object_list] == ["赴杭州对接林产品企业"]
    response = client_for("admin").get("/ledger/follow-ups/?unit=522601&q=用地")
    assert len(response.context["page"].object_list) == 1


def test_feed_counts_recent_effort_per_child_unit(client_for, personas):
    today = timezone.localdate()
    for days_ago in (1, 2, 20):
        do_add_follow_up(
            on=today - timedelta(days=days_ago),
            unit=personas.units["522631"],
            kind="电话联系",
            content=f"电话 {days_ago}",
        )
    effort = client_for("admin").get("/ledger/follow-ups/").context["effort"]
    counts = {unit.name: n for unit, n in effort["rows"]}
    # The last 14 days only: the call 20 days ago is not counted.
    assert counts["黎平县"] == 2
    assert counts["州投资促进局"] == 0
    assert [unit.name for unit, _n in effort["rows"]][0] == "黎平县"


def test_project_page_links_to_a_prefilled_quick_entry(client_for, personas):
    project = personas.projects["KL-001"]
    html = client_for("r522601").get("/projects/KL-001/").content.decode()
    assert f"/ledger/follow-ups/new/?project={project.pk}" in html
    response = client_for("r522601").get(f"/ledger/follow-ups/new/?project={project.pk}")
    assert "KL-001 新能源电池材料生产线项目" in response.content.decode()
    # Another county's project id in the address is simply not shown.
    other = personas.projects["LP-001"]
    html = client_for("r522601").get(f"/ledger/follow-ups/new/?project={other.pk}").content
    assert "林产品" not in html.decode()


def test_feed_counts_no_further_than_its_cap(client_for, personas, monkeypatch):
    # A province has a million follow-ups: the feed counts up to CAP (10,000) and says
    # "以上" beyond it, rather than counting every one to show 50. Here CAP is 2.
    from zhaoshang.ledger.views import CappedPaginator

    kaili = personas.units["522601"]
    for day in (20, 21, 22):
        do_add_follow_up(on=date(2026, 11, day), unit=kaili, kind="洽谈", content=f"第{day}日洽谈")
    client = client_for("admin")
    assert "共 4 条" in text(
        client.get("/ledger/follow-ups/").content.decode()
    )  # 3 + the personas' one
    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    response = client.get("/ledger/follow-ups/")
    assert "共 2 条以上（可按日期或单位筛选）" in text(response.content.decode())
    # The page is not cut at the capped count: all four are shown, newest first.
    assert [f.on.day for f in response.context["page"].object_list] == [26, 22, 21, 20]
