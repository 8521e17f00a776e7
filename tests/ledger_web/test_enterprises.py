"""Enterprises: scoped list and page, registering with duplicate detection and the USCC
check as a warning, editing with tags and list years, history."""

from __future__ import annotations

import pytest

from zhaoshang.ledger.models import TOP500_TAG, Enterprise, EnterpriseTag

from ..web.helpers import text
from .helpers import everything

HUAYUE = "华岳新能源控股集团有限公司"


def _names(response) -> list[str]:
    return [e.name for e in response.context["page"].object_list]


def test_list_shows_own_and_investing_enterprises_only(client_for):
    # 凯里市 registered 华岳 and 广州云上; 苗岭 belongs to 黎平县.
    assert sorted(_names(client_for("r522601").get("/ledger/enterprises/"))) == sorted(
        [HUAYUE, "广州云上文旅投资有限公司"]
    )
    assert _names(client_for("r522631").get("/ledger/enterprises/")) == [
        "黔东南苗岭农业发展有限公司"
    ]
    assert len(_names(client_for("admin").get("/ledger/enterprises/"))) == 3
    assert _names(client_for("outsider").get("/ledger/enterprises/")) == []


def test_list_search_sort_and_top500(client_for):
    client = client_for("admin")
    assert _names(client.get("/ledger/enterprises/?q=hyxny")) == [HUAYUE]
    assert _names(client.get("/ledger/enterprises/?q=91110000600037341")) == [HUAYUE]
    assert _names(client.get("/ledger/enterprises/?top500=1")) == [HUAYUE]
    # Pinyin order: 广州 guang, 华岳 hua, 黔东南 qian.
    assert _names(client.get("/ledger/enterprises/")) == [
        "广州云上文旅投资有限公司",
        HUAYUE,
        "黔东南苗岭农业发展有限公司",
    ]
    assert _names(client.get("/ledger/enterprises/?sort=-name"))[0] == "黔东南苗岭农业发展有限公司"


def test_project_count_counts_only_visible_projects(client_for, personas):
    # 华岳 also invests in a 黎平县 project: 凯里市 must not learn of it through the count.
    personas.projects["LP-002"].investors.add(personas.enterprises[HUAYUE])
    rows = {
        e.name: e.n_projects
        for e in client_for("r522601").get("/ledger/enterprises/").context["page"].object_list
    }
    assert rows[HUAYUE] == 1
    rows = {
        e.name: e.n_projects
        for e in client_for("admin").get("/ledger/enterprises/").context["page"].object_list
    }
    assert rows[HUAYUE] == 2


def test_detail_shows_projects_follow_ups_and_hides_other_counties(client_for, personas):
    huayue = personas.enterprises[HUAYUE]
    personas.projects["LP-002"].investors.add(huayue)
    page = text(client_for("r522601").get(f"/ledger/enterprises/{huayue.pk}/").content.decode())
    assert "KL-001" in page and "LP-002" not in page
    assert "中国民营企业500强(2025)" in page
    assert "校验通过" in page
    page = text(client_for("admin").get(f"/ledger/enterprises/{huayue.pk}/").content.decode())
    assert "LP-002" in page


def test_create_warns_of_duplicates_before_saving(client_for, personas):
    client = client_for("r522601")
    kaili = personas.units["522601"].pk
    before = everything()
    # The same company typed another way: spaces, brackets and legal-form words differ.
    response = client.post(
        "/ledger/enterprises/new/", {"name": "华岳 新能源（控股）集团", "owner_unit": kaili}
    )
    page = text(response.content.decode())
    assert "可能已登记过" in page and HUAYUE in page
    assert f"/ledger/enterprises/{personas.enterprises[HUAYUE].pk}/" in response.content.decode()
    assert "确认不是同一家，仍然登记" in page
    assert everything() == before
    # Confirming registers it after all (it is a different legal entity).
    response = client.post(
        "/ledger/enterprises/new/",
        {
            "name": "华岳 新能源（控股）集团",
            "owner_unit": kaili,
            "confirm": "华岳 新能源（控股）集团|",
        },
    )
    assert response.status_code == 302
    created = Enterprise.objects.get(name="华岳 新能源（控股）集团")
    assert created.owner_unit_id == kaili
    assert created.history.get().history_user.username == "r522601"


def test_similar_names_are_found_by_ratio(client_for, personas):
    # One character apart: ratio of 华岳新能源 vs 华岳新能原 is 0.8; longer names pass 0.85.
    client = client_for("r522601")
    response = client.get("/ledger/enterprises/check/?name=广州云上文旅投资股份公司")
    assert "广州云上文旅投资有限公司" in response.content.decode()
    response = client.get("/ledger/enterprises/check/?name=广州云上文化旅游投资有限公司")
    assert "广州云上文旅投资有限公司" in response.content.decode()
    response = client.get("/ledger/enterprises/check/?name=贵州茅台酒厂")
    assert "可能已登记过" not in response.content.decode()


def test_same_uscc_is_a_duplicate(client_for, personas):
    response = client_for("r522601").get(
        "/ledger/enterprises/check/?name=完全不同的名字&uscc=91110000600037341L"
    )
    assert HUAYUE in response.content.decode()


def test_duplicate_out_of_scope_is_mentioned_without_its_name(client_for, personas):
    response = client_for("r522631").post(
        "/ledger/enterprises/new/",
        {"name": HUAYUE, "owner_unit": personas.units["522631"].pk},
    )
    page = text(response.content.decode())
    assert "由其他单位登记，您无权查看" in page
    assert "91110000600037341L" not in page
    # Confirming anyway: the name is unique, the service refuses with a message.
    before = everything()
    response = client_for("r522631").post(
        "/ledger/enterprises/new/",
        {"name": HUAYUE, "owner_unit": personas.units["522631"].pk, "confirm": f"{HUAYUE}|"},
    )
    assert "系统中已有名为" in text(response.content.decode())
    assert everything() == before


@pytest.mark.parametrize(
    ("uscc", "shown"),
    [
        ("91110000600037342L", "校验位应为"),  # a wrong check character: a warning
    ],
)
def test_uscc_check_is_a_warning_not_a_refusal(client_for, personas, uscc, shown):
    client = client_for("r522601")
    data = {"name": "校验测试有限公司", "owner_unit": personas.units["522601"].pk, "uscc": uscc}
    response = client.post("/ledger/enterprises/new/", data)
    assert shown in text(response.content.decode())
    response = client.post(
        "/ledger/enterprises/new/", {**data, "confirm": f"校验测试有限公司|{uscc}"}
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(name="校验测试有限公司").uscc == uscc


def test_uscc_that_cannot_be_one_is_refused(client_for, personas):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/enterprises/new/",
        {"name": "格式测试有限公司", "owner_unit": personas.units["522601"].pk, "uscc": "12345"},
    )
    assert "应为 18 位" in text(response.content.decode())
    assert everything() == before


def test_edit_tags_with_years_and_keep_history(client_for, personas):
    huayue = personas.enterprises[HUAYUE]
    client = client_for("r522601")
    form = client.get(f"/ledger/enterprises/{huayue.pk}/edit/").content.decode()
    assert "中国民营企业500强(2025)" in form
    response = client.post(
        f"/ledger/enterprises/{huayue.pk}/edit/",
        {
            "name": HUAYUE,
            "uscc": "91110000600037341L",
            "ownership": "民营",
            "origin": "浙江省",
            "tags": "中国民营企业500强（2026）；上市公司",
            "reason": "2026 年榜单公布",
        },
    )
    assert response.status_code == 302
    tags = set(EnterpriseTag.objects.filter(enterprise=huayue).values_list("name", "year"))
    assert tags == {(TOP500_TAG, 2026), ("上市公司", None)}
    assert EnterpriseTag.history.filter(
        history_type="-", year=2025
    ).get().history_change_reason == ("2026 年榜单公布")


def test_bad_tag_is_explained(client_for, personas):
    huayue = personas.enterprises[HUAYUE]
    before = everything()
    response = client_for("r522601").post(
        f"/ledger/enterprises/{huayue.pk}/edit/",
        {"name": HUAYUE, "tags": "中国民营企业500强(二〇二五)", "reason": "x"},
    )
    assert "应写作 名称(年份)" in text(response.content.decode())
    assert everything() == before


def test_rename_to_an_existing_name_is_refused(client_for, personas):
    huayue = personas.enterprises[HUAYUE]
    before = everything()
    response = client_for("admin").post(
        f"/ledger/enterprises/{huayue.pk}/edit/",
        {"name": "广州云上文旅投资有限公司", "reason": "x"},
    )
    assert "系统中已有名为「广州云上文旅投资有限公司」的客商" in text(response.content.decode())
    assert everything() == before


def test_register_offers_only_editable_units(client_for):
    form = client_for("r522601").get("/ledger/enterprises/new/").context["form"]
    assert sorted(u.code for u in form.fields["owner_unit"].queryset) == ["522601", "522601101"]


def test_changing_the_name_after_a_warning_checks_again(client_for, personas):
    client = client_for("r522601")
    kaili = personas.units["522601"].pk
    # Warned about 华岳 for one spelling, then typed another similar one: warned again.
    before = everything()
    response = client.post(
        "/ledger/enterprises/new/",
        {"name": "华岳新能源控股有限公司", "owner_unit": kaili, "confirm": "华岳 新能源|"},
    )
    assert "可能已登记过" in text(response.content.decode())
    assert everything() == before
