"""Promotion material (推介资料): the project library, the booklet as Word and PDF with its
Chinese fonts embedded, and the public page that shows nothing internal."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document
from pypdf import PdfReader

from zhaoshang.events.models import PromotionProject
from zhaoshang.events.services import PromotionData, do_add_photo, do_save_promotion
from zhaoshang.ledger.models import Industry


def png_bytes() -> bytes:
    """A real 2 × 2 PNG, built by hand."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def promotions(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kaili = personas.unit("522601")
    public, _c, _ch = do_save_promotion(
        "TJ-KL-01",
        PromotionData(
            title="凯里市新能源汽车零部件产业园招商项目",
            unit=kaili,
            description="依托凯里经济开发区现有汽车零部件产业基础，建设电机、电控等零部件生产线。\n年产值预计20亿元。",
            project=personas.projects["KL-001"],
            industry=Industry.objects.get(code="36"),
            investment=Decimal("80000"),
            location="凯里市炉碧经济开发区",
            land="规划用地300亩，已完成征拆",
            conditions="水、电、路、气、讯五通一平；享受西部大开发税收优惠。",
            cooperation="独资或合资",
            contact_name="王明",
            contact_phone="13800001111",
            contact_public=False,
            published=True,
            internal_note="投资方意向报价 7.5 亿，底线 7 亿",
        ),
        actor=personas.user("r522601"),
    )
    do_add_photo(
        public,
        SimpleUploadedFile("site.png", png_bytes(), content_type="image/png"),
        caption="项目选址",
        actor=personas.user("r522601"),
    )
    draft, _c, _ch = do_save_promotion(
        "TJ-LP-01",
        PromotionData(
            title="黎平县侗乡康养旅游项目",
            unit=personas.unit("522631"),
            description="依托肇兴侗寨建设康养度假区。",
            published=False,
        ),
    )
    return public, draft


INTERNAL = [
    "投资方意向报价",  # internal note
    "13800001111",  # the contact's phone, not marked public
    "KL-001",  # the ledger project behind it
    "新能源电池材料生产线项目",
    "30000",  # the ledger's contract amount
    "华岳新能源",  # the ledger project's investor (negotiated with)
    "0855-8000001",  # the responsible person's phone in the ledger
]


def test_the_public_page_needs_no_login_and_shows_no_internal_field(promotions):
    response = Client().get("/invest/TJ-KL-01/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "凯里市新能源汽车零部件产业园招商项目" in page
    assert "规划用地300亩" in page and "8 亿元" in page and "王明" in page
    for text in INTERNAL:
        assert text not in page, text
    assert "项目台账" not in page  # no navigation of the signed-in application


def test_a_phone_marked_public_is_shown(promotions, personas):
    public, _draft = promotions
    data = PromotionData(**{f: getattr(public, f) for f in PromotionData.__dataclass_fields__})
    data.contact_public = True
    do_save_promotion(public.code, data)
    assert "13800001111" in Client().get("/invest/TJ-KL-01/").content.decode()


def test_unpublished_or_unknown_projects_are_not_found(promotions):
    assert Client().get("/invest/TJ-LP-01/").status_code == 404
    assert Client().get("/invest/NO-SUCH/").status_code == 404
    public, draft = promotions
    photo = public.photos.get()
    assert Client().get(f"/invest/TJ-KL-01/photos/{photo.pk}/").status_code == 200
    assert Client().get(f"/invest/TJ-LP-01/photos/{photo.pk}/").status_code == 404


def test_photos_must_really_be_images(promotions, personas):
    from django.core.exceptions import ValidationError

    public, _draft = promotions
    with pytest.raises(ValidationError, match="JPEG 或 PNG"):
        do_add_photo(
            public,
            SimpleUploadedFile("x.png", b"<script>alert(1)</script>"),
            actor=personas.user("r522601"),
        )


def test_booklet_as_word_per_unit(promotions, client_for):
    response = client_for("admin").get("/events/promotion/booklet.docx?unit=522601")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "凯里市招商引资项目推介手册" in text
    assert "凯里市新能源汽车零部件产业园招商项目" in text
    assert "黎平县侗乡康养旅游项目" not in text
    assert "投资方意向报价" not in text and "13800001111" not in doc.element.xml
    assert len(doc.inline_shapes) == 1  # the photo


def test_booklet_as_pdf_embeds_its_chinese_fonts(promotions, client_for):
    response = client_for("admin").get("/events/promotion/booklet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "招商引资项目推介手册" in text and "凯里市新能源汽车零部件产业园招商项目" in text
    assert "黎平县侗乡康养旅游项目" in text  # the prefecture's booklet holds every unit's
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descriptor["/FontName"]))
    assert any("CJK" in name for name in embedded), embedded


def test_a_county_edits_its_own_promotion_projects_only(promotions, client_for):
    assert client_for("r522601").get("/events/promotion/TJ-KL-01/").status_code == 200
    assert client_for("r522631").get("/events/promotion/TJ-KL-01/").status_code == 404
    response = client_for("leader").post("/events/promotion/TJ-KL-01/", {"title": "x"})
    assert response.status_code == 403
    assert (
        PromotionProject.objects.get(code="TJ-KL-01").title
        == "凯里市新能源汽车零部件产业园招商项目"
    )
