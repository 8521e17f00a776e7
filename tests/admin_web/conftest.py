"""Extra personas for the administration pages: a county administrator of 凯里市.

The shared personas (tests/conftest.py) have a prefecture 管理员 but no county
one; confinement to a subtree is about exactly that person.
"""

from __future__ import annotations

import pytest

from zhaoshang.org.models import Role
from zhaoshang.org.services import do_save_account

from ..conftest import PASSWORD

PERSONAS = ["admin", "a522601", "leader", "r522601", "r522631", "outsider", "root"]


@pytest.fixture(autouse=True)
def county_admin(personas):
    """a522601: 管理员 of 凯里市 (its subtree: 凯里市 and 三棵树镇)."""
    user, _created, _generated = do_save_account(
        "a522601",
        full_name="凯里市管理员",
        unit=personas.units["522601"],
        role=Role.ADMIN,
        password=PASSWORD,
        must_change=False,
    )
    personas.users["a522601"] = user
    return user
