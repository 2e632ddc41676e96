"""The system's own sentences in the reader's language.

Order events and labor-risk reasons are kept as written, in English, for operators and the audit
trail. They follow fixed patterns; each context keeps a table of (pattern, message id) whose
``%(name)s`` placeholders take the pattern's named groups, and reads a stored sentence through
``sentence_match``. Free text from people matches no pattern and is shown as written.
"""

from __future__ import annotations

import re

SentencePatterns = tuple[tuple[re.Pattern[str], str], ...]


def sentence_match(text: str, patterns: SentencePatterns) -> tuple[str, dict[str, str]] | None:
    """The message id of the first pattern ``text`` matches, with the pattern's named groups;
    None when it matches none."""
    for pattern, message in patterns:
        match = pattern.match(text or "")
        if match:
            return message, match.groupdict()
    return None
