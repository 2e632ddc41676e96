"""Payout pages: the platform-fee rule in the reader's words, and a source without its key."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

from .checkout_tags import percent

register = template.Library()

_KEY = re.compile(r"^\s*\[[A-Z]+\d+\]\s*")


@register.simple_tag
def fee_rule_text(rule) -> str:
    """'5% of the goods value; US duties and freight carry no fee' for a fee row (its basis as
    recorded when the direction is not one the pages know)."""
    rate = percent(rule.rate)
    if rule.direction == "us_import":
        return _("%(rate)s of the goods value; US duties and freight carry no fee") % {"rate": rate}
    if rule.direction == "us_export":
        return _("%(rate)s of the goods value; the cross-border tax and freight carry no fee") % {
            "rate": rate
        }
    return f"{rate} {rule.basis}"


@register.filter
def citation(source: str) -> str:
    """A source as readers see it: without the key into the platform's source list ('[R7] ')."""
    return _KEY.sub("", source or "")
