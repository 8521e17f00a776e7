"""Writes of the reminders: channels of a unit or person, the outbox, sending and retrying.

``run_reminders`` is ``zhaoshang remind``: it asks every source what is due on
the day, queues one outbox row per recipient and channel under an idempotency
key (kind, about, recipient, day) — so a second run the same day queues
nothing — then sends everything pending or failed. Each send is claimed with
a conditional update first, so two runs at once never send the same message
twice, and a failure is recorded on its row without stopping the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpResponseRedirect
from django.utils import timezone

from zhaoshang.engine.calendar import is_workday, load_overrides
from zhaoshang.history import save_changes
from zhaoshang.notify.channels import DeliveryError, deliver
from zhaoshang.notify.models import ChannelSet, Message, MessageState, ReminderKind
from zhaoshang.notify.sources import Due, collect
from zhaoshang.org.models import Person, Unit
from zhaoshang.org.scope import require_edit, require_manage

logger = logging.getLogger(__name__)

# Passed as ``dingtalk_secret`` to leave the stored secret as it is.
KEEP_SECRET = object()


# ---------------------------------------------------------------- channels


@transaction.atomic
def do_set_channels(
    owner: Unit | Person,
    *,
    emails: str = "",
    wecom_webhook: str = "",
    dingtalk_webhook: str = "",
    dingtalk_secret=KEEP_SECRET,
    actor=None,
    reason: str | None = None,
) -> tuple[ChannelSet | None, list[str]]:
    """Set where the reminders of a unit (or person) go; returns (channels, changed fields).

    An empty DingTalk webhook clears its secret too. With an ``actor``, a
    unit's channels need its administrator, a person's an editor of the unit.
    """
    unit = owner if isinstance(owner, Unit) else owner.unit
    if actor is not None:
        (require_manage if isinstance(owner, Unit) else require_edit)(actor, unit)
    lookup = {"unit": owner} if isinstance(owner, Unit) else {"person": owner}
    found = ChannelSet.objects.select_for_update().filter(**lookup).first()
    if found is None:
        found = ChannelSet(**lookup)
    values = {
        "emails": ";".join(_split(emails)),
        "wecom_webhook": wecom_webhook.strip(),
        "dingtalk_webhook": dingtalk_webhook.strip(),
    }
    if dingtalk_secret is not KEEP_SECRET:
        values["dingtalk_secret"] = (dingtalk_secret or "").strip()
    if not values["dingtalk_webhook"]:
        values["dingtalk_secret"] = ""
    if found.pk is None and not any(values.values()):
        return None, []
    changed = save_changes(found, values, actor=actor, reason=reason or "设置提醒渠道")
    return found, changed


def _split(emails: str) -> list[str]:
    return [a.strip() for a in (emails or "").replace("；", ";").split(";") if a.strip()]


# ---------------------------------------------------------------- quiet hours


def is_quiet(now: datetime) -> bool:
    """Outside the sending hours, or on a non-working day (Chinese calendar)."""
    local = timezone.localtime(now)
    day = local.date()
    working, _known = is_workday(day, load_overrides(day, day))
    start, end = settings.ZHAOSHANG_REMIND_HOURS
    return not working or not (start <= local.hour < end)


# ---------------------------------------------------------------- outbox


def recipient_key(unit: Unit, person: Person | None, channel: str) -> str:
    return f"person:{person.pk}:{channel}" if person else f"unit:{unit.code}:{channel}"


def message_key(kind: str, about: str, recipient: str, day: date) -> str:
    return f"{kind}|{about}|{recipient}|{day.isoformat()}"


def plan_messages(dues: Iterable[Due], day: date) -> list[Message]:
    """The outbox rows for ``dues`` on ``day``, one per recipient and channel (unsaved).

    Two queries: the units' and the persons' channels.
    """
    dues = list(dues)
    unit_channels = {
        c.unit_id: c for c in ChannelSet.objects.filter(unit__in={d.unit.pk for d in dues})
    }
    people = {d.person.pk for d in dues if d.person is not None}
    person_channels = (
        {c.person_id: c for c in ChannelSet.objects.filter(person__in=people)} if people else {}
    )
    planned: dict[str, Message] = {}
    for due in dues:
        targets = [(None, unit_channels.get(due.unit.pk))]
        if due.person is not None:
            targets.append((due.person, person_channels.get(due.person.pk)))
        for person, channels in targets:
            if channels is None:
                continue
            for kind in channels.kinds():
                key = message_key(due.kind, due.about, recipient_key(due.unit, person, kind), day)
                planned.setdefault(
                    key,
                    Message(
                        key=key,
                        kind=due.kind,
                        about=due.about,
                        day=day,
                        unit=due.unit,
                        person=person,
                        channel=kind,
                        subject=due.subject[:200],
                        body=due.body,
                    ),
                )
    return list(planned.values())


def queue(dues: Iterable[Due], day: date) -> list[Message]:
    """Save the outbox rows not queued before (same key); returns the new ones."""
    planned = plan_messages(dues, day)
    if not planned:
        return []
    keys = [m.key for m in planned]
    existing = set()
    for start in range(0, len(keys), 500):
        existing.update(
            Message.objects.filter(key__in=keys[start : start + 500]).values_list("key", flat=True)
        )
    fresh = [m for m in planned if m.key not in existing]
    Message.objects.bulk_create(fresh, ignore_conflicts=True)
    return list(Message.objects.filter(key__in=[m.key for m in fresh]).select_related("unit"))


def _channels_of(message: Message) -> ChannelSet | None:
    lookup = {"person_id": message.person_id} if message.person_id else {"unit_id": message.unit_id}
    return ChannelSet.objects.filter(**lookup).first()


def send(message: Message, *, now: datetime | None = None) -> bool:
    """Try one outbox row once; True when it went out. Never raises for a failed send."""
    now = now or timezone.now()
    claimed = Message.objects.filter(
        pk=message.pk, attempts=message.attempts, state=message.state
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return False  # another run has it
    message.attempts += 1
    message.last_attempt_at = now
    channels = _channels_of(message)
    try:
        if channels is None:
            raise DeliveryError("该单位已不再设置提醒渠道")
        deliver(channels, message.channel, message.subject, message.body)
    except DeliveryError as exc:
        message.state, message.last_error = MessageState.FAILED, str(exc)[:1000]
    else:
        message.state, message.last_error, message.sent_at = MessageState.SENT, "", timezone.now()
    Message.objects.filter(pk=message.pk).update(
        state=message.state, last_error=message.last_error, sent_at=message.sent_at
    )
    return message.state == MessageState.SENT


def outstanding() -> list[Message]:
    """Pending rows and failed rows still to retry, oldest first."""
    return list(
        Message.objects.filter(
            Q(state=MessageState.PENDING)
            | Q(state=MessageState.FAILED, attempts__lt=settings.ZHAOSHANG_REMIND_MAX_ATTEMPTS)
        )
        .select_related("unit", "person")
        .order_by("created_at", "id")
    )


def send_all(messages: Iterable[Message], progress=None) -> list[Message]:
    """Send each row; a failure is kept on its row and the next one still goes.

    ``progress(done, total)``, when given, hears after each row (a background job's page).
    """
    messages = list(messages)
    done = []
    for message in messages:
        send(message)
        done.append(message)
        if progress is not None:
            progress(len(done), len(messages))
    return done


# ---------------------------------------------------------------- the daily run


@dataclass
class RunResult:
    as_of: date
    held: bool = False
    dry_run: bool = False
    queued: list[Message] = field(default_factory=list)
    attempted: list[Message] = field(default_factory=list)
    unreachable: list[Unit] = field(default_factory=list)

    @property
    def failed(self) -> list[Message]:
        return [m for m in self.attempted if m.state == MessageState.FAILED]

    def as_dict(self) -> dict:
        new = {m.key for m in self.queued}
        shown = {m.key: m for m in self.queued} | {m.key: m for m in self.attempted}
        return {
            "as_of": self.as_of.isoformat(),
            "held": self.held,
            "dry_run": self.dry_run,
            "queued": len(self.queued),
            "sent": sum(m.state == MessageState.SENT for m in self.attempted),
            "failed": len(self.failed),
            "messages": [
                {
                    "kind": m.kind,
                    "about": m.about,
                    "unit": m.unit.code,
                    "person": m.person.name if m.person_id else None,
                    "channel": m.channel,
                    "day": m.day.isoformat(),
                    "new": m.key in new,
                    "state": m.state,
                    "attempts": m.attempts,
                    "error": m.last_error,
                }
                for m in shown.values()
            ],
            "unreachable": [u.code for u in self.unreachable],
        }


def run_reminders(
    as_of: date,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    hold: bool = True,
    progress=None,
) -> RunResult:
    """The day's reminders: queue what is due, then send everything outstanding.

    ``hold``: in quiet hours or on a non-working day nothing is queued or sent;
    the next run in working hours does it.
    """
    result = RunResult(as_of, dry_run=dry_run)
    if hold and is_quiet(now or timezone.now()):
        result.held = True
        return result
    dues = collect(as_of)
    # A unit the office already chased (催报) today about a round is not reminded again.
    chased = set(
        Message.objects.filter(kind=ReminderKind.ROUND_REQUEST, day=as_of).values_list(
            "about", "unit_id"
        )
    )
    dues = [d for d in dues if (d.about, d.unit.pk) not in chased]
    reached = set(
        ChannelSet.objects.filter(unit__in={d.unit.pk for d in dues}).values_list(
            "unit_id", flat=True
        )
    )
    result.unreachable = sorted(
        {d.unit.pk: d.unit for d in dues if d.unit.pk not in reached}.values(),
        key=lambda u: u.code,
    )
    if dry_run:
        existing_keys = set(Message.objects.filter(day=as_of).values_list("key", flat=True))
        result.queued = [m for m in plan_messages(dues, as_of) if m.key not in existing_keys]
        return result
    with transaction.atomic():
        result.queued = queue(dues, as_of)
    result.attempted = send_all(outstanding(), progress)
    return result


# ---------------------------------------------------------------- the office's 催报


def queue_round_request(reminder, *, day: date | None = None) -> list[Message]:
    """Queue the messages of a 催报 request (one per unit and channel); inside its transaction."""
    from django.urls import reverse

    from zhaoshang.dispatch.rounds import ordinal_of, round_name
    from zhaoshang.notify.sources import round_due_text

    rnd = reminder.round
    name = round_name(rnd, ordinal_of(rnd))
    late = rnd.deadline < timezone.now()
    path = reverse("dispatch:round", args=[rnd.campaign.code, rnd.pk])
    dues = []
    for unit in reminder.units.all():
        subject, body = round_due_text(unit, rnd.campaign, name, rnd.deadline, late, path)
        if reminder.note:
            body = f"{body}\n\n{reminder.note}"
        dues.append(Due(ReminderKind.ROUND_REQUEST, f"round:{rnd.pk}", unit, subject, body))
    day = day or timezone.localdate()
    return queue(dues, day)


def request_messages(reminder) -> list[Message]:
    """The day's 催报 messages of the request's round to the request's units."""
    return list(
        Message.objects.filter(
            kind=ReminderKind.ROUND_REQUEST,
            about=f"round:{reminder.round_id}",
            day=timezone.localdate(),
            unit__in=reminder.units.all(),
        ).select_related("unit", "person")
    )


def send_request_now(reminder, *, now: datetime | None = None) -> tuple[list[Message], bool]:
    """Send the day's 催报 messages of the request's round at once, unless in quiet hours
    (then the next run does). A second press the same day sends nothing twice.

    Returns (the messages, held).
    """
    messages = request_messages(reminder)
    if is_quiet(now or timezone.now()):
        return messages, True
    send_all(m for m in messages if m.state != MessageState.SENT)
    return messages, False


class SendAfterResponse(HttpResponseRedirect):
    """A redirect that sends the given outbox rows once the server has delivered it.

    The WSGI server calls ``close()`` after the response is written, so the
    office's browser moves on while the robots and the mail server are reached;
    a failure stays on its row (shown on the outbox page, retried by the next run).
    """

    def __init__(self, url: str, messages: Iterable[Message]):
        super().__init__(url)
        self.to_send = [m for m in messages if m.state != MessageState.SENT]

    def close(self):
        try:
            send_all(self.to_send)
        except Exception:  # the response is already out; the rows stay pending for the run
            logger.exception("催报消息发送中断，下次提醒时重试")
        finally:
            super().close()


def do_retry(message: Message, *, actor=None) -> bool:
    """Send a failed or pending row again now (the office's 重发)."""
    if actor is not None:
        require_edit(actor, message.unit)
    if message.state == MessageState.SENT:
        return True
    return send(message)
