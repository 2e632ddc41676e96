"""Order event reasons in the reader's language.

Events keep the reason as written (English, for operators and the audit trail). The system's own
reasons follow fixed patterns; these are translated for the buyer. Free text from people (a
buyer's return reason, a regulator's note) is shown as written.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from twoway.core.sentences import SentencePatterns, sentence_match

#: (pattern, message id): the message id's %(name)s placeholders take the pattern's groups.
PATTERNS: SentencePatterns = (
    (
        re.compile(
            r"^Payment not received before the reservation expired; stock and quota were "
            r"given back\.$"
        ),
        gettext_noop(
            "Payment was not received before the reservation expired, so the order was "
            "cancelled; the items and your annual quota were given back."
        ),
    ),
    (
        re.compile(r"^placed; stock and quota reserved until (?P<until>[\d:\- ]+) UTC$"),
        gettext_noop("Order placed; items and quota reserved until %(until)s (UTC)."),
    ),
    (
        re.compile(
            r"^placed; stock reserved until (?P<until>[\d:\- ]+) UTC; US duties "
            r"\$(?P<duty>[\d.,]+) as of (?P<day>[\d-]+)$"
        ),
        gettext_noop(
            "Order placed; items reserved until %(until)s (UTC); US duties $%(duty)s as of %(day)s."
        ),
    ),
    (
        re.compile(
            r"^Refund (?P<number>\S+) of (?P<cur>[A-Z]{3}) (?P<amount>[\d.]+) requested "
            r"through (?P<provider>\w+)\.$"
        ),
        gettext_noop("Refund %(number)s of %(cur)s %(amount)s requested."),
    ),
    (
        re.compile(r"^Refund (?P<number>\S+) of (?P<cur>[A-Z]{3}) (?P<amount>[\d.]+) completed\.$"),
        gettext_noop("Refund %(number)s of %(cur)s %(amount)s completed."),
    ),
    (
        re.compile(r"^Refund (?P<number>\S+) completed\.$"),
        gettext_noop("Refund %(number)s completed."),
    ),
    (
        re.compile(r"^Return (?P<number>\S+) requested: (?P<text>.*)$", re.S),
        gettext_noop("Return %(number)s requested: %(text)s"),
    ),
    (
        re.compile(r"^Return (?P<number>\S+) approved\.$"),
        gettext_noop("Return %(number)s approved by the seller."),
    ),
    (
        re.compile(r"^Return (?P<number>\S+) rejected: (?P<text>.*)$", re.S),
        gettext_noop("Return %(number)s rejected by the seller: %(text)s"),
    ),
    (
        re.compile(r"^Return (?P<number>\S+): goods received back, stock restored\.$"),
        gettext_noop("Return %(number)s: the seller received the goods back."),
    ),
    (
        re.compile(r"^Cancelled by the buyer before payment\.$"),
        gettext_noop("Cancelled by you before payment."),
    ),
    (
        re.compile(r"^Cancelled by the buyer after payment\.$"),
        gettext_noop("Cancelled by you after payment; a full refund follows."),
    ),
    (re.compile(r"^The buyer confirmed receipt\.$"), gettext_noop("You confirmed receipt.")),
    (
        re.compile(r"^Handed to the carrier, tracking (?P<tracking>\S+)\.$"),
        gettext_noop("Handed to the carrier, tracking number %(tracking)s."),
    ),
    (
        re.compile(r"^CEB311 order, CEB411 payment and CEB511 waybill agree"),
        gettext_noop("Declared to China customs: the order, payment and waybill records agree."),
    ),
    (re.compile(r"^Customs accepted"), gettext_noop("China customs accepted the declaration.")),
    (
        re.compile(r"^Customs rejected the declaration"),
        gettext_noop("China customs did not accept the declaration; our team is fixing it."),
    ),
    (
        re.compile(r"^The customs declaration could not be built"),
        gettext_noop("The customs declaration could not be prepared; our team is fixing it."),
    ),
    (
        re.compile(r"^Consolidated Screening List"),
        gettext_noop("Held for a routine compliance check before customs."),
    ),
    (
        re.compile(r"^(The listing is held for a labor-risk review|UFLPA review)"),
        gettext_noop("Held: a regulator is reviewing this product."),
    ),
    (
        re.compile(r"^A regulator approved the listing"),
        gettext_noop("A regulator approved the product; the order continues."),
    ),
    (
        re.compile(r"^A regulator blocked the listing"),
        gettext_noop(
            "A regulator blocked the product; the order ends and you are refunded in full."
        ),
    ),
    (re.compile(r"^(alipay|wechat|card) transaction \S+$"), gettext_noop("Payment received.")),
)


def translate_reason(text: str) -> str | None:
    """The reason in the active language when it is one of the system's patterns, else None."""
    found = sentence_match(text, PATTERNS)
    if found is None:
        return None
    message, values = found
    return _(message) % values
