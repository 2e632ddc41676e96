"""Regulators' listing reviews: hold a listing, decide approve / block, keep the audit trail.

A listing is held (product status ``blocked``: off the storefronts and not buyable, since
checkout sells ``active`` products only) when its labor-risk assessment is BLOCKED
(``review_hold_for_block``, called by ``labor.labor_risk_assess``) or when a regulator holds it
(``review_open``). ``review_decide`` closes the review: approve puts the product back on sale,
block keeps it off. The decision records the blocking evidence it was made on, so a later
re-assessment on the same evidence does not hold the listing again; new evidence does.
Every step writes a ``ReviewEvent`` (append-only).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.catalog.models import Product, ProductStatus
from twoway.catalog.services import listings_status_set
from twoway.core.errors import DomainError
from twoway.identity.models import Role, User
from twoway.identity.permissions import require_role

from .models import (
    LaborRiskAssessment,
    ListingReview,
    ReviewAction,
    ReviewEvent,
    ReviewStatus,
)

DECISIONS = {"approve": ReviewStatus.APPROVED, "block": ReviewStatus.BLOCKED}
REVIEWER_ROLES = (Role.REGULATOR, Role.OPERATOR)
_RESTORABLE = (ProductStatus.DRAFT, ProductStatus.ACTIVE)


def _summary(assessment: LaborRiskAssessment) -> str:
    blocking = [r for r in assessment.reasons if r["level"] == "blocked"]
    return "; ".join(
        f"{r['message']} [{r['list_name']}, {r['list_date'] or 'date not recorded'}]"
        for r in blocking
    )


def _set_product_status(
    product_id: int, status: str, now: dt.datetime, *, reason: str = "", final: bool = False
) -> None:
    """Through catalog, which tells checkout in this transaction: a block holds every open order
    on the listing, an approval releases them, a final block ends them (refunded)."""
    listings_status_set(
        product_ids=[product_id],
        status=status,
        now=now,
        final=final,
        reason=reason or "The listing is held for a labor-risk review by a regulator.",
    )


def _event(review: ListingReview, action: str, reason: str, actor: User | None, now) -> None:
    event = ReviewEvent(review=review, action=action, reason=reason, actor=actor, at=now)
    event.full_clean()
    event.save()


def _open(
    *, product: Product, level: str, summary: str, fingerprint: str, actor: User | None, now
) -> ListingReview:
    review = ListingReview(
        product_id=product.pk,
        opened_at=now,
        reason_summary=summary,
        level=level,
        status=ReviewStatus.OPEN,
        status_before=product.status,
        evidence_fingerprint=fingerprint,
    )
    review.full_clean(validate_constraints=False)
    review.save()
    _set_product_status(product.pk, ProductStatus.BLOCKED, now)
    _event(review, ReviewAction.OPENED, summary, actor, now)
    return review


def review_hold_for_block(
    *, product: Product, assessment: LaborRiskAssessment, now: dt.datetime | None = None
) -> ListingReview | None:
    """Hold ``product`` after a BLOCKED assessment; idempotent (one open review per product).

    Returns the open review, or the closed review whose decision covers this evidence
    (None when a regulator approved the listing on the same evidence: nothing is held).
    """
    now = now or timezone.now()
    fingerprint = assessment.evidence_fingerprint
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        reviews = ListingReview.objects.filter(product_id=product.pk)
        current = reviews.filter(status=ReviewStatus.OPEN).first()
        if current is not None:
            _set_product_status(product.pk, ProductStatus.BLOCKED, now)
            return current
        last = reviews.exclude(status=ReviewStatus.OPEN).order_by("-decided_at", "-id").first()
        if last is not None and fingerprint and last.evidence_fingerprint == fingerprint:
            if last.status == ReviewStatus.APPROVED:
                return None
            _set_product_status(product.pk, ProductStatus.BLOCKED, now)
            return last
        try:
            with transaction.atomic():
                return _open(
                    product=locked,
                    level=assessment.level,
                    summary=_summary(assessment),
                    fingerprint=fingerprint,
                    actor=None,
                    now=now,
                )
        except IntegrityError:  # a concurrent assessment opened it first
            return reviews.get(status=ReviewStatus.OPEN)


def review_open(
    *, product: Product, reason: str, by: User, now: dt.datetime | None = None
) -> ListingReview:
    """A regulator holds any listing (e.g. after a tip or a screening hit) pending a decision."""
    require_role(by, *REVIEWER_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.one("reason", "required", _("Say why the listing is held."))
    now = now or timezone.now()
    assessment = LaborRiskAssessment.objects.filter(product_id=product.pk).first()
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if ListingReview.objects.filter(product_id=product.pk, status=ReviewStatus.OPEN).exists():
            raise DomainError.one(
                "product",
                "review_open",
                _("This listing already has an open review."),
                status=409,
            )
        review = _open(
            product=locked,
            level=assessment.level if assessment else "none",
            summary=reason,
            fingerprint=assessment.evidence_fingerprint if assessment else "",
            actor=by,
            now=now,
        )
    return review


def review_decide(
    *, review: ListingReview, decision: str, reason: str, by: User, now: dt.datetime | None = None
) -> ListingReview:
    """Close an open review: ``approve`` (product back on sale) or ``block`` (stays off sale).

    The reason is mandatory. Raises DomainError (409) when the review is already decided.
    """
    require_role(by, *REVIEWER_ROLES)
    if decision not in DECISIONS:
        raise DomainError.one("decision", "choice", _("The decision is approve or block."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.one("reason", "required", _("Give the reason for the decision."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = ListingReview.objects.select_for_update().get(pk=review.pk)
        if locked.status != ReviewStatus.OPEN:
            raise DomainError.one(
                "review",
                "review_closed",
                _("This review was already decided (%(status)s).")
                % {"status": locked.get_status_display()},
                status=409,
            )
        assessment = LaborRiskAssessment.objects.filter(product_id=locked.product_id).first()
        if assessment is not None:
            locked.evidence_fingerprint = assessment.evidence_fingerprint
        locked.status = DECISIONS[decision]
        locked.decided_by = by
        locked.decided_at = now
        locked.decision_reason = reason
        locked.full_clean(validate_constraints=False)
        locked.save()
        if locked.status == ReviewStatus.APPROVED:
            back = (
                locked.status_before
                if locked.status_before in _RESTORABLE
                else ProductStatus.ACTIVE
            )
            _set_product_status(
                locked.product_id, back, now, reason=f"A regulator approved the listing: {reason}"
            )
            _event(locked, ReviewAction.APPROVED, reason, by, now)
        else:
            _set_product_status(
                locked.product_id,
                ProductStatus.BLOCKED,
                now,
                final=True,
                reason=f"A regulator blocked the listing: {reason}",
            )
            _event(locked, ReviewAction.BLOCKED, reason, by, now)
    review.refresh_from_db()
    return review
