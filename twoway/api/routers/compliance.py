"""Regulators' API: the review queue and decisions (role regulator or operator)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema

from twoway.api.auth_request import AuthedRequest
from twoway.compliance import selectors
from twoway.compliance.models import ListingReview
from twoway.compliance.review import REVIEWER_ROLES, review_decide
from twoway.core.errors import NotFound
from twoway.core.schemas import Id, Offset
from twoway.identity.auth import api_auth
from twoway.identity.permissions import require_role

router = Router(tags=["compliance"], auth=api_auth)


class ReasonOut(Schema):
    code: str
    level: str
    message: str
    list_name: str
    list_date: str
    evidence: str
    score: float | None = None
    source: str = ""


class EventOut(Schema):
    action: str
    actor: str | None
    reason: str
    at: dt.datetime


class ReviewOut(Schema):
    id: int
    status: str
    product_id: int
    product_title: str
    product_status: str
    seller: str
    origin_country: str
    origin_province: str | None
    level: str
    reasons: list[ReasonOut]
    reason_summary: str
    opened_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_reason: str


class ReviewDetailOut(ReviewOut):
    events: list[EventOut]


class ReviewFilter(Schema):
    status: str | None = None
    level: str | None = None
    limit: int = 50  # clamped to 1..200
    offset: Offset = 0


class DecisionIn(Schema):
    decision: str = Field(..., pattern=r"^(approve|block)$")
    reason: str = Field(..., min_length=1, max_length=2000)


def _out(review: ListingReview, *, events: bool = False) -> dict:
    product = review.product
    assessment = getattr(product, "labor_risk", None)
    data = {
        "id": review.pk,
        "status": review.status,
        "product_id": product.pk,
        "product_title": product.title_en,
        "product_status": product.status,
        "seller": product.business.legal_name,
        "origin_country": product.origin_country,
        "origin_province": product.origin_cn_province_id,
        "level": assessment.level if assessment else review.level,
        "reasons": assessment.reasons if assessment else [],
        "reason_summary": review.reason_summary,
        "opened_at": review.opened_at,
        "decided_by": review.decided_by.get_username() if review.decided_by else None,
        "decided_at": review.decided_at,
        "decision_reason": review.decision_reason,
    }
    if events:
        data["events"] = [
            {
                "action": e.action,
                "actor": e.actor.get_username() if e.actor else None,
                "reason": e.reason,
                "at": e.at,
            }
            for e in review.events.all()
        ]
    return data


def _review(request: AuthedRequest, review_id: int) -> ListingReview:
    require_role(request.auth, *REVIEWER_ROLES)
    review = selectors.review_get(review_id=review_id)
    if review is None:
        raise NotFound(f"Review {review_id}")
    return review


@router.get("/reviews", response=list[ReviewOut], summary="Listing reviews, open ones first")
def review_list(request, filters: Query[ReviewFilter]):
    require_role(request.auth, *REVIEWER_ROLES)
    limit = max(1, min(filters.limit, 200))
    qs = selectors.review_queue(status=filters.status, level=filters.level)
    return [_out(r) for r in qs[filters.offset : filters.offset + limit]]


@router.get("/reviews/{review_id}", response=ReviewDetailOut, summary="One review with its trail")
def review_detail(request, review_id: Id):
    return _out(_review(request, review_id), events=True)


@router.post(
    "/reviews/{review_id}/decision",
    response=ReviewDetailOut,
    summary="Approve (back on sale) or block a held listing, with a reason",
)
def review_decision(request, review_id: Id, payload: DecisionIn):
    review = _review(request, review_id)
    review_decide(review=review, decision=payload.decision, reason=payload.reason, by=request.auth)
    return _out(_review(request, review_id), events=True)
