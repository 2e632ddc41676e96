"""Simplified Chinese number formats as Chinese shopping sites write amounts: ¥26,000.00
(three-digit groups with commas). Django's own zh_Hans formats group by 4 with no separator;
everything else is Django's."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
