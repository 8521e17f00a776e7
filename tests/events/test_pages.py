"""The event pages: who sees what (404 out of scope, 403 read-only), the invitation
and signing flows through the pages, the files, and pinned query counts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook

from zhaoshang.events.models import Invitation, Signing
from zhaoshang.events.services import Guest, do_save_invitation
from zhaoshang.ledger.models import Stage
from zhaoshang.ledger.services import do_save_enterprise

from .conftest import EVENT

PERSONAS = ["admin", "leader", "r522601", "r522631", "outsider"]


def kaili_invitation():
    return Invitation.objects.get(event__code=EVENT, enterprise__name="广州云上文旅投资有限公司")


def liping_invitation():
    return Invitation.objects.get(event__code=EVENT, enterprise__name="深圳鹏城电子科技有限公司")


GET_MATRIX = {
    "/events/": dict(admin=200, leader=200, r522601=200, r522631=200, outsider=200),
    f"/events/{EVENT}/": dict(admin=200, leader=200, r522601=200, r522631=200, outsider=404),
    f"/events/{EVENT}/invitations/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404
    ),
    f"/events/{EVENT}/signings/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404
    ),
    f"/events/{EVENT}/logistics.xlsx": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404
    ),
    f"/events/{EVENT}/namecards.docx": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404
    ),
    f"/events/{EVENT}/programme.docx": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404
    ),
    "/events/NO-SUCH/": dict(admin=404, leader=404, r522601=404, r522631=404, outsider=404),
    "/events/new/": dict(admin=200, leader=403, r522601=200, r522631=200, outsider=403),
    "/events/eligibility/MQDH2026/": dict(
        admin=200, leader=200, r522601=200, r522631=200, outsider=404
    ),
    "/events/promotion/": dict(admin=200, leader=200, r522601=200, r522631=200, outsider=200),
}
GET_CASES = [(url, who, s[who]) for url, s in GET_MATRIX.items() for who in PERSONAS]


@pytest.mark.parametrize(("url", "who", "expected"), GET_CASES)
def test_get_status(world, client_for, url, who, expected):
    assert client_for(who).get(url).status_code == expected, f"{who} GET {url}"


@pytest.mark.parametrize(
    ("who", "whose", "expected"),
    [
        ("admin", "kaili", 200),
        ("leader", "kaili", 200),
        ("r522601", "kaili", 200),
        ("r522631", "kaili", 404),
        ("outsider", "kaili", 404),
        ("r522601", "liping", 404),
    ],
)
def test_a_county_sees_its_own_guests_only(world, client_for, who, whose, expected):
    inv = kaili_invitation() if whose == "kaili" else liping_invitation()
    assert client_for(who).get(f"/events/{EVENT}/invitations/{inv.pk}/").status_code == expected


def test_the_invitation_list_of_a_county_holds_only_its_invitations(world, client_for):
    page = client_for("r522601").get(f"/events/{EVENT}/invitations/").content.decode()
    assert "广州云上文旅投资有限公司" in page and "华岳新能源控股集团有限公司" in page
    assert "深圳鹏城电子科技有限公司" not in page and "远景智造集团有限公司" not in page
    full = client_for("admin").get(f"/events/{EVENT}/invitations/").content.decode()
    assert "深圳鹏城电子科技有限公司" in full and "远景智造集团有限公司" in full


def test_the_prefecture_page_shows_the_hand_computed_figures(world, client_for):
    page = client_for("leader").get(f"/events/{EVENT}/?as_of=2026-12-20").content.decode()
    assert 'data-figure="contract">2<' in page
    assert 'data-figure="top500">2<' in page
    assert 'data-figure="signings">5<' in page
    assert "40.00%" in page
    assert "尚未邀约任何客商的单位：州投资促进局" in page
    county = client_for("r522631").get(f"/events/{EVENT}/?as_of=2026-12-20").content.decode()
    # 黎平县's share: LP-002 and LP-001 signed, neither contracted by 12-20 (LP-001 dropped).
    assert 'data-figure="signings">2<' in county and 'data-figure="contract">0<' in county
    assert "尚未邀约任何客商的单位" not in county


def test_status_change_through_the_page_and_its_refusals(world, client_for):
    inv = kaili_invitation()
    url = f"/events/{EVENT}/invitations/{inv.pk}/status/"
    assert client_for("r522631").post(url, {"status": "已到会"}).status_code == 404
    assert client_for("leader").post(url, {"status": "已到会"}).status_code == 403
    inv.refresh_from_db()
    assert inv.status == "已确认"
    response = client_for("r522601").post(url, {"status": "已到会"})
    assert response.status_code == 302
    inv.refresh_from_db()
    assert inv.status == "已到会"
    # Declining without a reason writes nothing and says why.
    response = client_for("r522601").post(url, {"status": "婉拒"}, follow=True)
    assert "状态为婉拒时须填写原因" in response.content.decode()
    inv.refresh_from_db()
    assert inv.status == "已到会"


def test_invitees_drawn_from_the_library_with_filters(world, client_for):
    root = world.personas.unit("522600")
    do_save_enterprise(
        name="贵州茅台酒业集团", origin="贵州省", tags=[("上市公司", None)], owner_unit=root
    )
    client = client_for("admin")
    page = client.get(f"/events/{EVENT}/invitations/?find=1&listed=on").content.decode()
    assert "贵州茅台酒业集团" in page
    assert (
        'value="' in page and "重庆山城物流有限公司" in page
    )  # already on the list, shown above only
    page = client.get(f"/events/{EVENT}/invitations/?find=1&origin=上海").content.decode()
    assert "没有符合条件、尚未邀约的客商" in page  # 东方钢铁 (上海市) is invited already
    from zhaoshang.ledger.models import Enterprise

    moutai = Enterprise.objects.get(name="贵州茅台酒业集团")
    response = client.post(
        f"/events/{EVENT}/invitations/add/",
        {
            "enterprises": [moutai.pk],
            "inviting_unit": world.personas.unit("522600-TC").pk,
            "inviter": "赵局长",
        },
    )
    assert response.status_code == 302
    inv = Invitation.objects.get(event=world.event, enterprise=moutai)
    assert (inv.status, inv.inviting_unit.code, inv.inviter) == ("拟邀", "522600-TC", "赵局长")
    assert inv.history.get().history_user == world.personas.user("admin")


def test_a_county_cannot_invite_for_another_unit(world, client_for):
    from zhaoshang.ledger.models import Enterprise

    e, _c, _ch = do_save_enterprise(
        name="凯里新客商有限公司", owner_unit=world.personas.unit("522601")
    )
    response = client_for("r522601").post(
        f"/events/{EVENT}/invitations/add/",
        {"enterprises": [e.pk], "inviting_unit": world.personas.unit("522631").pk},
    )
    assert response.status_code == 302
    assert not Invitation.objects.filter(enterprise=e).exists()
    assert Enterprise.objects.filter(pk=e.pk).exists()


def test_signing_through_the_page_sets_the_ledger_stage(world, client_for):
    project = world.personas.projects["TC-001"]
    response = client_for("admin").post(
        f"/events/{EVENT}/signings/",
        {"project": "TC-001", "amount": "1.5亿", "order": "6", "our_signatory": "州投资促进局局长"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.SIGNED and project.signed_on == world.event.start
    assert Signing.objects.get(event=world.event, project=project).amount == Decimal("15000.00")
    page = client_for("admin").get(f"/events/{EVENT}/signings/").content.decode()
    assert page.index("KL-001") < page.index("LP-001") < page.index("TC-001")


def test_a_county_cannot_sign_another_countys_project_through_the_page(world, client_for):
    response = client_for("r522601").post(
        f"/events/{EVENT}/signings/", {"project": "TC-001", "amount": "1"}
    )
    assert response.status_code == 200
    assert "未找到项目编号为「TC-001」的项目" in response.content.decode()
    assert not Signing.objects.filter(project__code="TC-001").exists()


def test_logistics_workbook_has_arrivals_per_day_and_the_hotel_list(world, client_for):
    response = client_for("admin").get(f"/events/{EVENT}/logistics.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["11月30日抵达", "12月1日抵达", "住宿酒店", "签约仪式座位"]
    first = book["11月30日抵达"]
    names = [first.cell(row=r, column=2).value for r in range(4, first.max_row + 1)]
    assert sorted(names) == ["李云", "陈华岳"]
    assert "共2位嘉宾、随行2人" in first["A1"].value
    hotels = book["住宿酒店"]
    rows = [
        (hotels.cell(row=r, column=2).value, hotels.cell(row=r, column=3).value)
        for r in range(4, hotels.max_row + 1)
    ]
    assert rows == [("贵州饭店", "张远"), ("贵阳喜来登酒店", "李云"), ("贵阳喜来登酒店", "陈华岳")]
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_county_logistics_workbook_holds_only_its_guests(world, client_for):
    book = load_workbook(
        io.BytesIO(client_for("r522631").get(f"/events/{EVENT}/logistics.xlsx").content)
    )
    assert book.sheetnames == ["住宿酒店", "签约仪式座位"]  # no guest of 黎平县 has confirmed


def test_name_cards_and_programme_are_word_documents_in_chinese_fonts(world, client_for):
    cards = Document(io.BytesIO(client_for("admin").get(f"/events/{EVENT}/namecards.docx").content))
    text = "\n".join(p.text for p in cards.paragraphs)
    for name in ("陈华岳", "李云", "张远"):
        assert name in text
    assert "刘鹏" not in text  # invited, not confirmed
    xml = cards.element.xml
    assert 'rot="10800000"' in xml and 'w:eastAsia="楷体_GB2312"' in xml
    programme = Document(
        io.BytesIO(client_for("admin").get(f"/events/{EVENT}/programme.docx").content)
    )
    rows = [[c.text for c in r.cells] for r in programme.tables[0].rows]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[1][1] == "新能源电池材料生产线项目" and rows[1][4] == "32000.00"
    assert any("8亿元" in p.text for p in programme.paragraphs)  # 80000 万元 = 8 亿元


def test_query_counts_of_the_event_pages_do_not_grow(world, client_for):
    client = client_for("admin")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    urls = [f"/events/{EVENT}/", f"/events/{EVENT}/invitations/", f"/events/{EVENT}/signings/"]
    before = [count(u) for u in urls]
    root = world.personas.unit("522600")
    for i in range(10):
        e, _c, _ch = do_save_enterprise(name=f"批量客商{i}", owner_unit=root)
        do_save_invitation(
            world.event,
            e,
            inviting_unit=world.personas.unit("522601"),
            status="已确认",
            guest=Guest(guest_name=f"嘉宾{i}", arrival_on=date(2026, 12, 1)),
        )
    after = [count(u) for u in urls]
    assert before == after


def test_the_status_form_never_sends_the_browser_off_site(world, client_for):
    inv = kaili_invitation()
    response = client_for("r522601").post(
        f"/events/{EVENT}/invitations/{inv.pk}/status/",
        {"status": "已到会", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/events/{EVENT}/invitations/"
