"""The plain-text report of a reminder run, for cron mail and people at a terminal."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhaoshang.notify.models import ChannelKind, MessageState, ReminderKind
from zhaoshang.notify.services import RunResult


def run_text(result: RunResult) -> str:
    if result.held:
        return (
            _("%(day)s 不在提醒发送时间（非工作日或非工作时段），本次未发送，下个工作日上午再发。")
            % {"day": result.as_of.isoformat()}
            + "\n"
        )
    data = result.as_dict()
    lines = []
    if result.dry_run:
        lines.append(
            _("（试运行，不发送）%(day)s 将新生成 %(n)d 条提醒：")
            % {"day": data["as_of"], "n": data["queued"]}
        )
    else:
        lines.append(
            _("%(as_of)s 新生成 %(queued)d 条提醒；发送成功 %(sent)d 条，失败 %(failed)d 条。")
            % data
        )
    kinds = dict(ReminderKind.choices)
    channels = dict(ChannelKind.choices)
    states = dict(MessageState.choices)
    for m in data["messages"]:
        line = f"  {m['unit']} {channels[m['channel']]} {kinds[m['kind']]} {m['about']} {states[m['state']]}"
        if m["error"]:
            line += f"：{m['error']}"
        lines.append(line)
    if data["unreachable"]:
        lines.append(
            _("未设置提醒渠道的单位：%(codes)s") % {"codes": "、".join(data["unreachable"])}
        )
    return "\n".join(lines) + "\n"
