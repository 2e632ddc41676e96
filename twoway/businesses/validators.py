"""Registration numbers: US EIN (format and IRS-assigned prefix) and China USCC (checksum)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc
from stdnum.us import ein


def validate_ein(value: str) -> str:
    try:
        return ein.format(ein.validate(value))
    except stdnum_exceptions.InvalidComponent as exc:
        raise ValidationError(
            _("EIN prefix %(prefix)s is not a prefix the IRS assigns.")
            % {"prefix": ein.compact(value)[:2]},
            code="ein_prefix",
        ) from exc
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(_("An EIN has 9 digits (NN-NNNNNNN)."), code="ein_length") from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(_("An EIN is 9 digits, NN-NNNNNNN."), code="ein_format") from exc


def validate_uscc(value: str) -> str:
    try:
        return uscc.validate(value)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            _("The check character of the Unified Social Credit Code does not match (GB 32100)."),
            code="uscc_checksum",
        ) from exc
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(
            _("A Unified Social Credit Code has 18 characters."), code="uscc_length"
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(
            _("Not a valid Unified Social Credit Code (GB 32100)."), code="uscc_format"
        ) from exc
