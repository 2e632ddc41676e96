"""Labor-risk reasons and their evidence in the reader's language.

The pure rule (``rules.labor_risk``) writes each reason's message and evidence in English, and that
text is what reviews and the audit trail keep. They follow fixed patterns; these give a Chinese
reader the same sentence in Chinese (list, good, entity and party names stay as the lists and the
seller spell them). A text that matches no pattern is shown as written.
"""

from __future__ import annotations

import re

from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from twoway.core.sentences import SentencePatterns, sentence_match

#: The parties the rule names ("The manufacturer matches ..."), in the reader's language.
ROLES = {"manufacturer": gettext_noop("manufacturer"), "supplier": gettext_noop("supplier")}
#: Origins the pages name in words (others keep the list's two-letter code).
COUNTRIES = {"CN": gettext_noop("China")}
#: The kind of labor an ILAB listing is for.
ILAB_KINDS = {
    "forced labor": gettext_noop("forced labor"),
    "child labor": gettext_noop("child labor"),
    "child or forced labor (type not stated)": gettext_noop(
        "child or forced labor (type not stated)"
    ),
}

#: (pattern, message id): the message id's %(name)s placeholders take the pattern's groups.
PATTERNS: SentencePatterns = (
    (
        re.compile(
            r"^(?P<good>.+) from (?P<country>[A-Z]{2}) is on the ILAB list for (?P<kind>.+) "
            r"\((?P<edition>[^)]+) edition\)\.$"
        ),
        gettext_noop(
            "%(good)s from %(country)s is on the ILAB list for %(kind)s (%(edition)s edition)."
        ),
    ),
    (
        re.compile(
            r"^HS (?P<hs>\d+) is in the UFLPA high-priority sector '(?P<sector>.+)': CBP expects "
            r"supply-chain tracing to show no Xinjiang input\.$"
        ),
        gettext_noop(
            "HS %(hs)s is in the UFLPA high-priority sector '%(sector)s': CBP expects "
            "supply-chain tracing to show no Xinjiang input."
        ),
    ),
    (
        re.compile(r"^Made in the Xinjiang Uyghur Autonomous Region: presumed made with forced"),
        gettext_noop(
            "Made in the Xinjiang Uyghur Autonomous Region: presumed made with forced labor and "
            "barred from entry unless the importer rebuts the presumption."
        ),
    ),
    (
        re.compile(
            r"^The (?P<role>\w+) matches '(?P<entity>.+)' on the UFLPA Entity List: its goods "
            r"are presumed"
        ),
        gettext_noop(
            "The %(role)s matches '%(entity)s' on the UFLPA Entity List: its goods are presumed "
            "made with forced labor and barred from entry."
        ),
    ),
    (
        re.compile(r"^The (?P<role>\w+) nearly matches '(?P<entity>.+)' on the UFLPA Entity List;"),
        gettext_noop(
            "The %(role)s nearly matches '%(entity)s' on the UFLPA Entity List; the listing is "
            "held until a person confirms it is a different company."
        ),
    ),
    (
        re.compile(r"^The (?P<role>\w+) resembles '(?P<entity>.+)' on the UFLPA Entity List;"),
        gettext_noop(
            "The %(role)s resembles '%(entity)s' on the UFLPA Entity List; a person must confirm "
            "it is a different company."
        ),
    ),
    (
        re.compile(r"^The (?P<role>\w+)'s name places it in Xinjiang;"),
        gettext_noop(
            "The %(role)s's name places it in Xinjiang; goods made there fall under the UFLPA "
            "presumption. Confirm where the goods were made."
        ),
    ),
)


def labor_reason_text(message: str) -> str:
    """``message`` (a reason the labor-risk rule wrote) in the active language."""
    found = sentence_match(message, PATTERNS)
    if found is None:
        return message
    text, values = found
    if "role" in values:
        values["role"] = _(ROLES.get(values["role"], values["role"]))
    if "country" in values and values["country"] in COUNTRIES:
        values["country"] = _(COUNTRIES[values["country"]])
    if "kind" in values:
        values["kind"] = _(ILAB_KINDS.get(values["kind"], values["kind"]))
    return _(text) % values


_ROLE = r"(?P<role>manufacturer|supplier)"
#: Evidence as the rule writes it (most specific first); placeholders as in ``PATTERNS``.
EVIDENCE_PATTERNS: SentencePatterns = (
    (
        re.compile(
            r"^good term (?P<term>.+) matches ILAB good (?P<good>.+) \((?P<code>[A-Z]{2})\)$"
        ),
        gettext_noop("good term %(term)s matches ILAB good %(good)s (%(code)s)"),
    ),
    (
        re.compile(r"^HS (?P<hs>\d+) starts with (?P<prefix>\d+)$"),
        gettext_noop("HS %(hs)s starts with %(prefix)s"),
    ),
    (
        re.compile(r"^origin (?P<code>[A-Z]{2}), province code (?P<province>\w+)$"),
        gettext_noop("origin %(code)s, province code %(province)s"),
    ),
    (
        re.compile(
            rf"^{_ROLE} (?P<name>.+) ~ (?P<alias>.+) "
            r"\(entity (?P<entity>.+), section (?P<section>[^)]+)\)$"
        ),
        gettext_noop("%(role)s %(name)s ~ %(alias)s (entity %(entity)s, section %(section)s)"),
    ),
    (
        re.compile(rf"^{_ROLE} (?P<name>.+) ~ (?P<alias>.+) \(near match\)$"),
        gettext_noop("%(role)s %(name)s ~ %(alias)s (near match)"),
    ),
    (
        re.compile(rf"^{_ROLE} (?P<name>.+) contains (?P<places>.+)$"),
        gettext_noop("%(role)s %(name)s contains %(places)s"),
    ),
    (
        re.compile(rf"^{_ROLE} (?P<name>.+) ~ (?P<alias>.+)$"),
        gettext_noop("%(role)s %(name)s ~ %(alias)s"),
    ),
)
#: What the evidence quotes (product words, list entries, names): marked up as written.
_QUOTED = ("term", "good", "name", "alias", "entity", "places", "section")


def labor_evidence_html(evidence: str) -> SafeString:
    """``evidence`` (as the labor-risk rule wrote it) in the active language, as HTML: what it
    quotes stays as written, marked ``lang="en"``."""
    found = sentence_match(evidence, EVIDENCE_PATTERNS)
    if found is not None:
        text, groups = found
        values: dict[str, str] = {}
        for key, value in groups.items():
            if key == "role":
                values[key] = conditional_escape(_(ROLES[value]))
            elif key in _QUOTED:
                values[key] = f'<span lang="en">{conditional_escape(value)}</span>'
            else:
                values[key] = conditional_escape(value)
        return mark_safe(escape(_(text)) % values)  # noqa: S308 — every part escaped above
    return mark_safe(f'<span lang="en">{conditional_escape(evidence or "")}</span>')  # noqa: S308
