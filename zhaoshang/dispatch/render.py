"""Bulletin files: JSON, Word (.docx) and Excel (.xlsx), all rendered from the one document.

A published bulletin is rendered from its frozen document, so later ledger
edits never change it; anything else is a draft built from the ledger now.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

from zhaoshang.campaigns.models import Campaign
from zhaoshang.dispatch.bulletin import build_bulletin
from zhaoshang.dispatch.models import Bulletin

FORMATS = ("json", "docx", "xlsx")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def document_for(campaign: Campaign, as_of: date) -> dict:
    """The published bulletin of that day (the latest issue, if several), else a fresh draft."""
    published = Bulletin.objects.filter(campaign=campaign, as_of=as_of).order_by("-number").first()
    if published is not None:
        return published.document
    return build_bulletin(campaign, as_of)


def render(document: dict, fmt: str) -> bytes:
    """The bulletin ``document`` as the bytes of a file in ``fmt``."""
    if fmt == "json":
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "docx":
        from zhaoshang.dispatch.word import render_docx

        return render_docx(document)
    if fmt == "xlsx":
        from zhaoshang.dispatch.excel import render_xlsx

        return render_xlsx(document)
    raise ValueError(f"不支持的通报格式「{fmt}」（可选：{'、'.join(FORMATS)}）")


def file_name(document: dict, fmt: str) -> str:
    """A download name such as 调度通报_MQDH2026_第3期_2026-11-20.docx."""
    header = document["bulletin"]
    issue = f"第{header['number']}期" if header["number"] else "草稿"
    return f"调度通报_{document['campaign']['code']}_{issue}_{document['as_of']}.{fmt}"


def write_bulletin(campaign: Campaign, as_of: date, fmt: str, path: str | os.PathLike) -> dict:
    """Write the bulletin of ``as_of`` to ``path`` in ``fmt``; returns the document used.

    The file is written beside its destination and moved into place, so a
    reader never sees half a document.
    """
    if fmt not in FORMATS:
        raise ValueError(f"不支持的通报格式「{fmt}」（可选：{'、'.join(FORMATS)}）")
    document = document_for(campaign, as_of)
    data = render(document, fmt)
    target = Path(path)
    if target.is_dir():
        # `bulletin -o DIRECTORY`: the file goes into it under its usual name.
        target = target / file_name(document, fmt)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".bulletin-", suffix=f".{fmt}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); a document is meant to be shared.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return document


def _umask() -> int:
    """The process's umask (reading it means setting it; set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
