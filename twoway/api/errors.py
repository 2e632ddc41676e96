"""Human messages for request-validation errors (pydantic), one per error type.

Zulip's typed_endpoint idea: every pydantic error type a client can trigger gets a sentence a
person can act on; the rule keeps pydantic's type name (``missing`` is called ``required``, as in
the domain's own errors). ``UNMAPPED`` types fall back to pydantic's message and are caught by a
test.
"""

from __future__ import annotations

from typing import Any

_LOCATION_PARTS = {"body", "query", "path", "payload", "header", "cookie", "form", "filters"}

MESSAGES: dict[str, str] = {
    "missing": "This field is required.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_from_float": "Enter a whole number, without decimals.",
    "float_parsing": "Enter a number.",
    "float_type": "Enter a number.",
    "decimal_parsing": "Enter a number such as 12.50.",
    "decimal_type": "Enter a number such as 12.50.",
    "decimal_max_digits": "At most {max_digits} digits in all.",
    "decimal_max_places": "At most {decimal_places} digits after the decimal point.",
    "decimal_whole_digits": "At most {whole_digits} digits before the decimal point.",
    "bool_parsing": "Enter true or false.",
    "bool_type": "Enter true or false.",
    "string_type": "Enter text.",
    "string_too_short": "At least {min_length} characters.",
    "string_too_long": "At most {max_length} characters.",
    "greater_than": "Must be greater than {gt}.",
    "greater_than_equal": "Must be {ge} or more.",
    "less_than": "Must be less than {lt}.",
    "less_than_equal": "Must be {le} or less.",
    "literal_error": "Choose one of {expected}.",
    "enum": "Choose one of {expected}.",
    "json_invalid": "The request body is not valid JSON.",
    "model_attributes_type": "Send a JSON object.",
    "dict_type": "Send a JSON object.",
    "model_type": "Send a JSON object.",
    "list_type": "Send a list.",
    "extra_forbidden": "This field is not accepted here.",
    "datetime_parsing": "Enter a date and time such as 2025-01-31T12:00:00Z.",
    "date_parsing": "Enter a date such as 2025-01-31.",
}
RULES = {"missing": "required"}


def field_of(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if str(p) not in _LOCATION_PARTS]
    return ".".join(parts) or "__all__"


def problem_of(err: dict[str, Any]) -> dict[str, str]:
    kind = err.get("type", "invalid")
    template = MESSAGES.get(kind)
    if template is None:
        message = err.get("msg") or "Invalid value."
    else:
        try:
            message = template.format(**(err.get("ctx") or {}))
        except (KeyError, IndexError):
            message = err.get("msg") or template
    return {"field": field_of(err.get("loc")), "rule": RULES.get(kind, kind), "message": message}
