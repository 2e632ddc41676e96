"""One validator for the text people type into names and titles (issue 9).

Refused everywhere at entry, naming the field: C0 and C1 control characters (NUL, BEL, ESC, DEL,
U+0080–U+009F), Unicode bidirectional controls (U+202A–U+202E such as the right-to-left override,
U+2066–U+2069 isolates, U+200E/U+200F/U+061C marks) and the line/paragraph separators
U+2028/U+2029. One such character in an ID-card name makes the customs message invalid after the
buyer has paid; an RTL override makes a name display as something else.

``clean_name`` also normalises names: Unicode NFKC (full-width letters and digits become ASCII,
compatibility forms fold) and surrounding whitespace trimmed, inner runs of spaces kept as typed.
``clean_text`` only trims and refuses; multi-line text (descriptions) may keep newlines and tabs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import DomainError, FieldProblem

RULE = "control_character"
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)
MULTILINE_ALLOWED = frozenset("\n\r\t")


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first refused character of ``value``, or None."""
    for char in value:
        if multiline and char in MULTILINE_ALLOWED:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            return char
    return None


def _problem(field_name: str, char: str) -> FieldProblem:
    message = _(
        "%(field)s contains an invisible control character (U+%(code)04X); remove it and type "
        "the text again."
    ) % {"field": field_name, "code": ord(char)}
    return FieldProblem(field_name, RULE, message)


def clean_text(value: str | None, field_name: str, *, multiline: bool = False) -> str:
    """Trimmed ``value``; DomainError naming ``field_name`` if it holds a refused character."""
    text = "" if value is None else str(value)
    char = forbidden_character(text, multiline=multiline)
    if char is not None:
        problem = _problem(field_name, char)
        raise DomainError(problem.message, [problem])
    return text.strip()


def clean_name(value: str | None, field_name: str) -> str:
    """A person's or business's name: refused characters out, NFKC-normalised, trimmed."""
    return unicodedata.normalize("NFKC", clean_text(value, field_name))


def clean_fields(
    values: Mapping[str, str | None],
    *,
    names: AbstractSet[str] = frozenset(),
    multiline: AbstractSet[str] = frozenset(),
) -> dict[str, str]:
    """Check several fields at once and report every one at fault in one error."""
    problems: list[FieldProblem] = []
    clean: dict[str, str] = {}
    for field_name, value in values.items():
        try:
            if field_name in names:
                clean[field_name] = clean_name(value, field_name)
            else:
                clean[field_name] = clean_text(value, field_name, multiline=field_name in multiline)
        except DomainError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DomainError("; ".join(p.message for p in problems), problems)
    return clean


def validate_no_control_characters(value: str) -> None:
    """The same rule as a Django form/model validator."""
    char = forbidden_character(str(value or ""), multiline=True)
    if char is not None:
        raise ValidationError(
            _("Contains an invisible control character (U+%(code)04X); remove it.")
            % {"code": ord(char)},
            code=RULE,
        )
