"""Reads for compliance: the product page's labor-risk panel and the regulators' review queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from twoway.catalog.models import Product
from twoway.reference.models import DatasetCompleteness, ReferenceDataset

from .labor import ILAB_DATASET, LIST_DATASETS, UFLPA_DATASET
from .models import LaborRiskAssessment, ListingReview, ReviewStatus, RiskLevel

LEVEL_LABELS = {
    "not_assessed": _("Labor risk not assessed"),
    RiskLevel.NONE: _("No labor-risk signal on the lists in force"),
    RiskLevel.ELEVATED: _("Elevated labor risk"),
    RiskLevel.HIGH: _("High labor risk"),
    RiskLevel.BLOCKED: _("Blocked: presumed made with forced labor (UFLPA)"),
}
LIST_LABELS = {
    ILAB_DATASET: _("DOL ILAB List of Goods Produced by Child Labor or Forced Labor"),
    UFLPA_DATASET: _("UFLPA Entity List"),
    "uflpa_sectors": _("UFLPA high-priority sectors"),
}


@dataclass(frozen=True)
class PanelReason:
    code: str
    level: str
    message: str
    list_name: str
    list_date: str
    evidence: str
    score: float | None
    source: str


@dataclass(frozen=True)
class PanelList:
    name: str
    label: str
    loaded_at: dt.datetime | None
    completeness: str
    note: str
    partial: bool


@dataclass(frozen=True)
class RiskPanel:
    level: str  # "not_assessed", or a RiskLevel value
    label: str
    reasons: list[PanelReason] = field(default_factory=list)
    lists: list[PanelList] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # partial-list warnings
    assessed_at: dt.datetime | None = None
    under_review: bool = False

    @property
    def assessed(self) -> bool:
        return self.level != "not_assessed"


def _lists() -> tuple[list[PanelList], list[str]]:
    records = {r.name: r for r in ReferenceDataset.objects.filter(name__in=LIST_DATASETS)}
    lists: list[PanelList] = []
    notices: list[str] = []
    for name in LIST_DATASETS:
        record = records.get(name)
        label = str(LIST_LABELS[name])
        if record is None:
            lists.append(PanelList(name, label, None, "", "", True))
            notices.append(
                str(_("%(list)s is not loaded: its signals are missing.") % {"list": label})
            )
            continue
        partial = record.completeness == DatasetCompleteness.PARTIAL
        lists.append(
            PanelList(
                name,
                label,
                record.loaded_at,
                record.completeness,
                record.completeness_note,
                partial,
            )
        )
        if partial:
            if record.official_size:
                notices.append(
                    str(
                        _(
                            "%(list)s is partial: %(rows)d of the %(size)d listed entries are "
                            "loaded, so no match here does not clear a party."
                        )
                        % {"list": label, "rows": record.row_count, "size": record.official_size}
                    )
                )
            else:
                # The completeness note is written for operators (it names the load command):
                # it stays on /sources/; the panel says what it means for the reader.
                notices.append(
                    str(
                        _(
                            "%(list)s is partial (%(rows)d rows loaded), so no match here does "
                            "not clear a party."
                        )
                        % {"list": label, "rows": record.row_count}
                    )
                )
    return lists, notices


def risk_panel_for(*, product: Product) -> RiskPanel:
    """What the product page shows about labor risk: level, cited reasons, the lists' dates and
    completeness (a partial list is said to be partial)."""
    assessment = LaborRiskAssessment.objects.filter(product_id=product.pk).first()
    lists, notices = _lists()
    under_review = ListingReview.objects.filter(
        product_id=product.pk, status=ReviewStatus.OPEN
    ).exists()
    if assessment is None:
        return RiskPanel(
            level="not_assessed",
            label=str(LEVEL_LABELS["not_assessed"]),
            lists=lists,
            notices=notices,
            under_review=under_review,
        )
    reasons = [
        PanelReason(
            code=r["code"],
            level=r["level"],
            message=r["message"],
            list_name=r["list_name"],
            list_date=r["list_date"],
            evidence=r["evidence"],
            score=r.get("score"),
            source=r.get("source", ""),
        )
        for r in assessment.reasons
    ]
    return RiskPanel(
        level=assessment.level,
        label=str(LEVEL_LABELS.get(assessment.level, assessment.level)),
        reasons=reasons,
        lists=lists,
        notices=notices,
        assessed_at=assessment.assessed_at,
        under_review=under_review,
    )


# --- the regulators' queue ---------------------------------------------------------------------


def review_queue(*, status: str | None = None, level: str | None = None) -> QuerySet[ListingReview]:
    """Reviews, open ones first (oldest first), then decided ones (latest decision first)."""
    qs = ListingReview.objects.select_related(
        "product",
        "product__business",
        "product__origin_cn_province",
        "product__labor_risk",
        "decided_by",
    ).annotate(
        open_first=Case(
            When(status=ReviewStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if status in ReviewStatus.values:
        qs = qs.filter(status=status)
    if level in RiskLevel.values:
        qs = qs.filter(product__labor_risk__level=level)
    return qs.order_by("open_first", "opened_at", "id")


def review_get(*, review_id: int) -> ListingReview | None:
    return (
        ListingReview.objects.select_related(
            "product",
            "product__business",
            "product__origin_cn_province",
            "product__labor_risk",
            "decided_by",
        )
        .prefetch_related("events__actor")
        .filter(pk=review_id)
        .first()
    )


def review_states(*, product_ids: list[int]) -> dict[int, str]:
    """For held listings: "open" while a regulator's review is pending, else the last decision
    ("approved" / "blocked"). Products never reviewed are absent."""
    states: dict[int, str] = {}
    rows = (
        ListingReview.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "-opened_at", "-id")
        .values_list("product_id", "status")
    )
    for product_id, status in rows:
        if status == ReviewStatus.OPEN or product_id not in states:
            states[product_id] = status
    return states
