"""Abstract model bits shared by every context."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Confidence(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class SourcedRow(models.Model):
    """A row of reference data: where it comes from, how sure we are, and when it applies."""

    source = models.TextField(_("source"), help_text=_("Citation: document, page or source ids."))
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(
        _("effective to"), null=True, blank=True, help_text=_("Last day in force; empty = open.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        abstract = True


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=settings.MONEY_MAX_DIGITS,
        decimal_places=settings.MONEY_DECIMAL_PLACES,
        **kwargs,
    )


def move_to_field(exc, code_to_field: dict[str, str]):
    """Re-home non-field constraint errors (``__all__``) onto the field they are about.

    Multi-column unique constraints report under ``__all__``; a seller's system needs the field.
    Returns a new ValidationError; errors with other codes stay where they were.
    """
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    moved: dict[str, list] = {}
    for field_name, errors in exc.update_error_dict({}).items():
        for error in errors:
            target = (
                code_to_field.get(error.code, field_name)
                if field_name == NON_FIELD_ERRORS
                else field_name
            )
            moved.setdefault(target, []).append(error)
    return ValidationError(moved)
