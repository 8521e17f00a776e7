"""The sheet handlers of the data workbook, in import order.

Adding a sheet (see docs/workbook-import.md): describe its columns in
``zhaoshang.workbook.schema``, write a module here with a
:class:`~zhaoshang.workbook.core.SheetHandler` subclass (read → fetch →
resolve → write), and list it in :data:`HANDLERS` after the sheets it refers to.
"""

from __future__ import annotations

from zhaoshang.workbook.sheets.assessment import AdjustmentsSheet, SchemeSheet
from zhaoshang.workbook.sheets.campaigns import CampaignsSheet
from zhaoshang.workbook.sheets.enterprises import EnterprisesSheet
from zhaoshang.workbook.sheets.events import EventsSheet, InvitationsSheet, SigningsSheet
from zhaoshang.workbook.sheets.follow_ups import FollowUpsSheet
from zhaoshang.workbook.sheets.funds import FundsSheet
from zhaoshang.workbook.sheets.milestones import MilestonesSheet
from zhaoshang.workbook.sheets.parks import ParksSheet
from zhaoshang.workbook.sheets.projects import ProjectsSheet
from zhaoshang.workbook.sheets.submissions import SubmissionsSheet
from zhaoshang.workbook.sheets.targets import TargetsSheet
from zhaoshang.workbook.sheets.tasks import TasksSheet
from zhaoshang.workbook.sheets.units import UnitsSheet
from zhaoshang.workbook.sheets.users import UsersSheet

# Import order: every sheet comes after the sheets it refers to.
HANDLERS: list[type] = [
    UnitsSheet,
    UsersSheet,
    ParksSheet,
    CampaignsSheet,
    MilestonesSheet,
    TargetsSheet,
    EnterprisesSheet,
    ProjectsSheet,
    FundsSheet,
    FollowUpsSheet,
    SubmissionsSheet,
    TasksSheet,
    SchemeSheet,
    AdjustmentsSheet,
    EventsSheet,
    InvitationsSheet,
    SigningsSheet,
]


def register(handler: type, *, after: type | None = None) -> None:
    """Add a sheet handler (placed right after ``after``, else last)."""
    if handler in HANDLERS:
        return
    if after is None:
        HANDLERS.append(handler)
    else:
        HANDLERS.insert(HANDLERS.index(after) + 1, handler)


def handler_for(sheet_name: str) -> type | None:
    return next((h for h in HANDLERS if h.spec.name == sheet_name), None)
