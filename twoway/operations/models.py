"""What the in-process scheduler last did with each scheduled job (one row per schedule entry),
so an operator can see it from another process (``twoway worker --list``, the admin)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobOutcome(models.TextChoices):
    OK = "ok", _("ok")
    FAILED = "failed", _("failed")


class ScheduledJobState(models.Model):
    name = models.CharField(_("job"), max_length=64, unique=True)
    task = models.CharField(_("task"), max_length=100)
    every_seconds = models.PositiveIntegerField(_("every (seconds)"))
    last_started_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=8, choices=JobOutcome.choices, blank=True
    )
    last_result = models.CharField(_("last result"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)  # ID numbers masked
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
