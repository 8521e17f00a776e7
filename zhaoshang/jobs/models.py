"""A background job as the user sees it: kind, owner, progress, result and files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_code() -> str:
    # 32 hex digits: a record code (zhaoshang.codes) nobody can guess.
    return uuid.uuid4().hex


class JobKind(models.TextChoices):
    BULLETIN = "bulletin", _("调度通报文件（Word、Excel、JSON）")
    REMINDERS = "reminders", _("发送今日提醒")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


FINISHED = (JobState.DONE, JobState.FAILED)


class Job(models.Model):
    code = models.CharField(_("任务编号"), max_length=32, unique=True, default=new_code)
    kind = models.CharField(_("类型"), max_length=20, choices=JobKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="jobs",
    )
    params = models.JSONField(_("参数"), default=dict)
    state = models.CharField(
        _("状态"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    done = models.PositiveIntegerField(_("已完成步数"), default=0)
    total = models.PositiveIntegerField(_("总步数"), default=0)
    step = models.CharField(_("当前步骤"), max_length=200, blank=True)
    result = models.JSONField(_("结果"), default=dict)
    error = models.TextField(_("失败原因"), blank=True)
    task_id = models.CharField(_("队列编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class JobFile(models.Model):
    """A file a job made, kept in the database so every web worker can serve it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(_("格式"), max_length=20)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    data = models.BinaryField(_("内容"))

    class Meta:
        verbose_name = _("任务文件")
        verbose_name_plural = _("任务文件")
        constraints = [models.UniqueConstraint(fields=["job", "key"], name="jobfile_job_key")]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
