"""The shipped GB/T 4754-2017 sections and divisions (data migration ledger.0002)."""

import pytest

from zhaoshang.ledger.models import Industry


@pytest.mark.django_db
def test_all_sections_and_divisions_are_loaded():
    sections = Industry.objects.filter(code__regex=r"^[A-Z]$")
    divisions = Industry.objects.filter(code__regex=r"^[0-9]{2}$")
    assert "".join(sections.values_list("code", flat=True)) == "ABCDEFGHIJKLMNOPQRST"
    assert list(divisions.values_list("code", flat=True)) == [f"{i:02d}" for i in range(1, 98)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "section"),
    [
        ("C", "制造业", "C"),
        ("D", "电力、热力、燃气及水生产和供应业", "D"),
        ("13", "农副食品加工业", "C"),
        ("39", "计算机、通信和其他电子设备制造业", "C"),
        ("43", "金属制品、机械和设备修理业", "C"),
        ("44", "电力、热力生产和供应业", "D"),
        ("06", "煤炭开采和洗选业", "B"),
        ("70", "房地产业", "K"),
        ("96", "基层群众自治组织及其他组织", "S"),
        ("97", "国际组织", "T"),
    ],
)
def test_official_names(code, name, section):
    industry = Industry.objects.get(code=code)
    assert (industry.name, industry.section) == (name, section)


@pytest.mark.django_db
def test_industry_means_sections_b_c_d():
    industrial = set(Industry.objects.filter(section__in="BCD").values_list("code", flat=True))
    assert all(Industry.objects.get(code=c).is_industry for c in industrial)
    assert not Industry.objects.get(code="70").is_industry
    assert len(industrial) == 3 + 7 + 31 + 3
