"""The day's reminders sent by the background worker, with progress per message."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from zhaoshang.notify.services import run_reminders


def send_reminders(job, progress) -> dict:
    as_of = date.fromisoformat(job.params["as_of"])
    progress(step=_("正在汇总今日应发的提醒"))

    def sending(done: int, total: int) -> None:
        progress(done=done, total=total, step=_("正在发送提醒"))

    result = run_reminders(as_of, hold=job.params.get("hold", True), progress=sending)
    document = result.as_dict()
    if result.held:
        summary = _("现在是免打扰时段或非工作日，提醒未发送，将在下次工作时间自动发送。")
    else:
        summary = _("已发送 %(sent)d 条提醒，失败 %(failed)d 条。") % {
            "sent": document["sent"],
            "failed": document["failed"],
        }
    document["summary"] = summary
    return document
