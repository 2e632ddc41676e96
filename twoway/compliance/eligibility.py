"""CBEC positive-list eligibility: can this product be sold to a consumer in China through the
cross-border retail import channel, and if not, why (in words a seller can act on)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from twoway.catalog.models import Product, ProductStatus
from twoway.reference.models import PositiveListEntry, PositiveListStatus
from twoway.reference.selectors import dataset_status_cached, positive_list_entries


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    rule: str
    message: str
    list_partial: bool = False
    remarks: str = ""


def _list_note() -> tuple[bool, str]:
    dataset = dataset_status_cached("cbec_positive_list")
    if dataset is None:
        return True, _("No positive list is loaded.")
    if dataset.completeness == "partial":
        return True, _(
            "Twoway holds a partial copy of the positive list (%(rows)s of about %(size)s lines)."
        ) % {"rows": dataset.row_count, "size": dataset.official_size or "1,476"}
    return False, ""


def cbec_eligibility_many(*, products: list[Product]) -> dict[int, Eligibility]:
    """Eligibility of several products (reference rows cached: checkout's hot path)."""
    entries = positive_list_entries(p.cn_tariff_line for p in products if p.cn_tariff_line)
    note = _list_note()
    return {p.pk: _eligibility(p, entries.get(p.cn_tariff_line), note) for p in products}


def cbec_eligibility(*, product: Product) -> Eligibility:
    return cbec_eligibility_many(products=[product])[product.pk]


def _eligibility(
    product: Product, entry: PositiveListEntry | None, list_note: tuple[bool, str]
) -> Eligibility:
    if product.status != ProductStatus.ACTIVE:
        return Eligibility(False, "not_for_sale", _("This product is not on sale."))
    if not product.market_cn_export:
        return Eligibility(
            False, "wrong_market", _("The seller does not offer this product to buyers in China.")
        )
    line = product.cn_tariff_line
    partial, note = list_note
    if entry is not None and entry.status == PositiveListStatus.LISTED:
        return Eligibility(
            True,
            "on_positive_list",
            _("On the CBEC positive list (%(version)s).") % {"version": entry.list_version},
            partial,
            entry.remarks,
        )
    # Buyers read plain words: the list's research remarks stay on the row (and on /sources/),
    # not in the message.
    if entry is not None:
        message = _(
            "China tariff line %(line)s is not confirmed on the CBEC positive list, so it cannot be "
            "sold through cross-border retail; it needs general trade."
        ) % {"line": line}
    else:
        message = _(
            "China tariff line %(line)s is not on the loaded CBEC positive list, so it cannot be "
            "sold through cross-border retail; it needs general trade."
        ) % {"line": line or "—"}
    return Eligibility(
        False, "not_on_positive_list", message.strip(), partial, entry.remarks if entry else ""
    )


def cbec_line_eligibility(*, cn_tariff_line: str) -> Eligibility:
    """Eligibility of a China tariff line before a product exists (the seller's listing form)."""
    line = "".join(ch for ch in (cn_tariff_line or "") if ch.isdigit())
    if len(line) != 8:
        return Eligibility(
            False, "cn_line_format", _("Enter the 8-digit China tariff line to check eligibility.")
        )
    entry = positive_list_entries([line]).get(line)
    partial, _note = _list_note()
    if entry is not None and entry.status == PositiveListStatus.LISTED:
        return Eligibility(
            True,
            "on_positive_list",
            _("On the CBEC positive list (%(version)s).") % {"version": entry.list_version},
            partial,
            entry.remarks,
        )
    return Eligibility(
        False,
        "not_on_positive_list",
        _(
            "China tariff line %(line)s is not on the loaded CBEC positive list, so it cannot be "
            "sold through cross-border retail; it needs general trade."
        )
        % {"line": line},
        partial,
    )
