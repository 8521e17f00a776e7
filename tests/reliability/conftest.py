from __future__ import annotations

from datetime import date

import pytest

from zhaoshang.campaigns.models import Target
from zhaoshang.dispatch.services import do_create_round
from zhaoshang.ledger.models import FundsEntry, StageEvent
from zhaoshang.org.models import Person, TeamMember, TeamRole

from ..events.conftest import build_event_world


class World:
    """What the matrix's arguments point at: one of each record, for 凯里市 (own) and 黎平县 (other)."""

    def __init__(self, personas):
        from zhaoshang.ledger.services import do_record_funds
        from zhaoshang.org.services import do_save_person, do_save_team_member

        self.p = personas
        self.events = build_event_world(personas)
        kaili, liping = personas.unit("522601"), personas.unit("522631")
        do_record_funds(personas.projects["LP-003"], date(2026, 11, 21), 100)
        do_save_person(liping, "李华", title="县投资促进局局长")
        for unit in (kaili, liping):
            person = Person.objects.filter(unit=unit).first()
            do_save_team_member(unit, person, TeamRole.MEMBER)
        self.round = do_create_round(personas.campaign, date(2026, 11, 28))[0]
        side = {"own": kaili, "other": liping}
        self.unit = side
        self.project = {"own": "KL-001", "other": "LP-003"}
        self.funds = {
            k: FundsEntry.objects.filter(project__code=v).first().pk
            for k, v in self.project.items()
        }
        self.stage_event = {
            k: StageEvent.objects.filter(project__code=v).first().pk
            for k, v in self.project.items()
        }
        self.enterprise = {
            "own": personas.enterprises["华岳新能源控股集团有限公司"].pk,
            "other": personas.enterprises["黔东南苗岭农业发展有限公司"].pk,
        }
        self.person = {k: Person.objects.filter(unit=u).first().pk for k, u in side.items()}
        self.team = {k: TeamMember.objects.filter(unit=u).first().pk for k, u in side.items()}
        self.user = {
            "own": personas.users["r522601"].pk,
            "other": personas.users["r522631"].pk,
        }
        self.target = {k: Target.objects.filter(unit=u).first() for k, u in side.items()}
        from zhaoshang.events.models import Invitation, Signing

        self.invitation = {
            k: Invitation.objects.filter(inviting_unit=u).first().pk for k, u in side.items()
        }
        self.signing = {
            k: Signing.objects.filter(project__code=c).first().pk
            for k, c in {"own": "KL-001", "other": "LP-002"}.items()
        }
        from django.core.files.uploadedfile import SimpleUploadedFile

        from zhaoshang.dispatch.services import do_publish_bulletin
        from zhaoshang.ledger.services import do_add_attachment
        from zhaoshang.supervision.services import create_task

        self.attachment = {
            k: do_add_attachment(
                personas.projects[code],
                SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                kind="合同",
                actor=None,
            ).pk
            for k, code in self.project.items()
        }
        # 第1期, published: addressed to every unit of the campaign.
        self.bulletin = do_publish_bulletin(personas.campaign, date(2026, 11, 20))
        self.task = {
            k: create_task(
                f"{unit.name}重点项目用地报批",
                unit,
                date(2026, 12, 10),
                actor=personas.user("admin"),
                campaign=personas.campaign,
                assigned_on=date(2026, 11, 27),
            ).code
            for k, unit in side.items()
        }


@pytest.fixture
def world(personas) -> World:
    return World(personas)
