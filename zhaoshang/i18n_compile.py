"""Compile translation catalogues (.po → .mo) without GNU gettext.

Compiled .mo files are build outputs and are not committed; ``make setup``
runs this for every catalogue, so a fresh machine needs only the Python
packages. ``makemessages`` (a maintainer's tool) still needs GNU gettext.

    python -m zhaoshang.i18n_compile                 # every catalogue of the package
    python -m zhaoshang.i18n_compile path/django.po  # just these
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo beside ``po_path``; fuzzy and untranslated entries are left out."""
    catalogue = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return mo_path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/*.po"))
    for po_path in paths:
        mo_path = compile_catalogue(po_path)
        print(f"{po_path} → {mo_path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
