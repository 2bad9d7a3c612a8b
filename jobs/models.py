import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """A long piece of work (large import, export, letter batch) the user watches and downloads.

    The work itself runs in a django-tasks worker; this row is what the user's page polls.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("任务类型"), max_length=50)
    title = models.CharField(_("任务名称"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    result_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # Which worker runs it and how many runs were started: a worker that dies mid-job is noticed
    # by its silent heartbeat, and its job is queued again or failed (jobs/recovery.py).
    worker_id = models.CharField(_("后台进程"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class WorkerHeartbeat(models.Model):
    """A running `db_worker` says it is alive; a row that stops moving means the worker died."""

    worker_id = models.CharField(_("后台进程"), max_length=64, primary_key=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    beat_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台进程心跳")
        verbose_name_plural = _("后台进程心跳")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
