"""The bulletin of a day in its three formats, made by the background worker.

A province bulletin takes seconds per format; the page that asked for it shows
the progress and the files when they are ready (zhaoshang.jobs).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from zhaoshang.campaigns.models import Campaign
from zhaoshang.dispatch.bulletin import build_bulletin, document_for
from zhaoshang.dispatch.render import CONTENT_TYPES, file_name, render
from zhaoshang.engine.progress import campaign_root
from zhaoshang.org.scope import forget_scope, scope_of

# Word first: it is the one printed as the official document.
JOB_FORMATS = ("docx", "xlsx", "json")
FORMAT_NAMES = {"docx": "Word", "xlsx": "Excel", "json": "JSON"}


def bulletin_files(job, progress) -> dict:
    campaign = Campaign.objects.select_related("unit").get(code=job.params["campaign"])
    as_of = date.fromisoformat(job.params["as_of"])
    user = job.user
    # Scope is re-checked when the work runs: a membership removed meanwhile counts.
    if user is None:
        raise PermissionDenied(_("提交任务的账号已不存在"))
    forget_scope(user)
    if not scope_of(user).contains(campaign_root(campaign)):
        raise PermissionDenied(_("无权查看该行动的调度通报"))
    progress(done=0, total=1 + len(JOB_FORMATS), step=_("正在计算通报数据"))
    document = document_for(build_bulletin(campaign, as_of), user)
    for done, fmt in enumerate(JOB_FORMATS, start=1):
        progress(done=done, step=_("正在生成 %(format)s 文件") % {"format": FORMAT_NAMES[fmt]})
        progress.keep_file(fmt, file_name(document, fmt), CONTENT_TYPES[fmt], render(document, fmt))
    return {
        "summary": _("已生成统计截至 %(day)s 的调度通报（Word、Excel、JSON）。")
        % {"day": as_of.isoformat()},
        "campaign": campaign.code,
        "as_of": as_of.isoformat(),
    }
