from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from zhaoshang.api.tokens import do_create_token


@pytest.fixture
def api_for(personas):
    """api_for("r522601", read_only=False) → an API client with a fresh token of that persona."""

    def make(name: str, *, read_only: bool = False) -> APIClient:
        _token, key = do_create_token(personas.users[name], read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.key = key
        return client

    return make
