"""Validation of a Chinese resident identity card number (GB 11643) with python-stdnum."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric


def validate_resident_id(value: str) -> str:
    """Return the compact number or raise ValidationError with the rule that failed."""
    try:
        return ric.validate(value)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit (the 18th character) does not match GB 11643."),
            code="gb11643_checksum",
        ) from exc
    except stdnum_exceptions.InvalidLength as exc:
        raise ValidationError(
            _("A resident ID number has 18 characters."), code="gb11643_length"
        ) from exc
    except stdnum_exceptions.InvalidComponent as exc:
        raise ValidationError(
            _("The birth date or region code in the ID number is not valid."),
            code="gb11643_component",
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(
            _("Not a valid resident ID number (GB 11643)."), code="gb11643_format"
        ) from exc
