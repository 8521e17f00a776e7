"""Fixtures of the ledger page tests: uploads go to a temporary media folder."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "合同.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def attachment(personas):
    """A contract PDF kept with KL-001."""
    from zhaoshang.ledger.services import do_add_attachment

    return do_add_attachment(
        personas.projects["KL-001"], pdf(), kind="合同", note="正式合同", actor=None
    )
