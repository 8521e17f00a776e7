"""The ledger as a data workbook: the 项目 sheet of contracts/workbook.md for the filtered
projects, with the 客商 rows of their investors and their 到位资金 entries.

Rows and cells are those of the import's own sheet handlers
(``zhaoshang.workbook.export``), so a file exported here, edited in Excel or
WPS and imported again changes exactly what was edited and nothing else, and
nothing a user typed can turn into a formula.
"""

from __future__ import annotations

import io

from django.db.models import QuerySet

from zhaoshang.ledger.models import Enterprise, FundsEntry
from zhaoshang.workbook.export import write_workbook
from zhaoshang.workbook.sheets.enterprises import EnterprisesSheet
from zhaoshang.workbook.sheets.funds import FundsSheet
from zhaoshang.workbook.sheets.projects import ProjectsSheet


def export_projects(projects: QuerySet) -> bytes:
    """The workbook for ``projects`` (already scoped and filtered) as .xlsx bytes."""
    ids = projects.order_by().values("pk")
    # The investors the exported rows name, so the file imports on its own.
    investors = (
        Enterprise.objects.filter(pk__in=Enterprise.objects.filter(projects__in=ids).values("pk"))
        .prefetch_related("tags")
        .order_by("name_pinyin", "pk")
    )
    funds = (
        FundsEntry.objects.filter(project__in=ids)
        .select_related("project")
        .order_by("project__code", "on")
    )
    output = io.BytesIO()
    # Tabs in the order people read them; the loader takes sheets in any order.
    write_workbook(
        output,
        [(ProjectsSheet, projects), (EnterprisesSheet, investors), (FundsSheet, funds)],
        title="项目台账",
    )
    return output.getvalue()
