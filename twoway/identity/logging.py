"""A logging filter that masks anything shaped like a resident ID number before it is written."""

from __future__ import annotations

import logging
import re

_ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{3})([0-9]{10})([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    return _ID_PATTERN.sub(lambda m: m.group(1) + "*" * 10 + m.group(3).upper(), text)


class MaskResidentIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
