from datetime import date

import pytest

from tests.engine import builders as b
from zhaoshang.campaigns.decomposition import check_decomposition

pytestmark = pytest.mark.django_db


def test_children_summing_to_the_parent_raise_nothing():
    R = b.unit("880000", "样州")
    c = b.campaign(root=R, start=date(2026, 10, 15))
    b.target(c, R, 40000)
    b.target(c, b.unit("880001", "甲县", R), 25000)
    b.target(c, b.unit("880002", "乙县", R), 15000)
    assert check_decomposition(c) == []


def test_difference_is_reported_with_both_figures(django_assert_num_queries):
    R = b.unit("880000", "样州")
    c = b.campaign(root=R)
    b.target(c, R, 60000)
    b.target(c, b.unit("880001", "甲县", R), 20000)
    b.target(c, b.unit("880002", "乙县", R), 30000)
    b.target(c, R, 8, "contract_projects")  # no child has a project target: nothing to compare
    with django_assert_num_queries(1):
        (mismatch,) = check_decomposition(c)
    # 20000 + 30000 = 50000, 10000 less than the prefecture's 60000
    assert mismatch.children_sum == 50000
    assert mismatch.difference == -10000
    assert (
        mismatch.message()
        == "样州（880000）「合同投资额(万元)」目标 60,000.00，下级 2 个单位合计 50,000.00，少 10,000.00"
    )
