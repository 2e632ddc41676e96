"""Regulators' pages: the queue of held listings, one review with its evidence, the decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.compliance import selectors
from twoway.compliance.models import ListingReview, ReviewStatus, RiskLevel
from twoway.compliance.review import review_decide
from twoway.core.errors import DomainError
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.web.auth import signed_in_user

from .forms import DecisionForm

REVIEWERS = (Role.REGULATOR, Role.OPERATOR)


@dataclass(frozen=True)
class QueueRow:
    review: ListingReview
    level: str
    evidence: list[dict]  # the blocking (or, failing those, all) reasons of the assessment

    @property
    def level_label(self) -> str:
        from twoway.compliance.selectors import LEVEL_LABELS

        return str(LEVEL_LABELS.get(self.level, self.level))


def _evidence(review: ListingReview) -> tuple[str, list[dict]]:
    assessment = getattr(review.product, "labor_risk", None)
    if assessment is None:
        return review.level, []
    blocking = [r for r in assessment.reasons if r["level"] == RiskLevel.BLOCKED]
    return assessment.level, blocking or list(assessment.reasons)


@role_required(*REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    level = request.GET.get("level") or None
    reviews = selectors.review_queue(status=status, level=level)[:200]
    rows = [QueueRow(review, *_evidence(review)) for review in reviews]
    context = {
        "rows": rows,
        "status": status or "",
        "level": level or "",
        "statuses": ReviewStatus.choices,
        "levels": RiskLevel.choices,
    }
    return render(request, "compliance/queue.html", context)


def _detail(request: HttpRequest, review: ListingReview, form: DecisionForm, status: int = 200):
    context = {
        "review": review,
        "product": review.product,
        "panel": selectors.risk_panel_for(product=review.product),
        "events": list(review.events.all()),
        "form": form,
    }
    return render(request, "compliance/review_detail.html", context, status=status)


@role_required(*REVIEWERS)
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(review_id=review_id)
    if review is None:
        raise Http404
    return _detail(request, review, DecisionForm())


@require_POST
@role_required(*REVIEWERS)
def review_decide_view(request: HttpRequest, review_id: int) -> HttpResponse:
    review = selectors.review_get(review_id=review_id)
    if review is None:
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            review_decide(
                review=review,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=signed_in_user(request),
            )
        except DomainError as exc:
            for problem in exc.problems:
                target = problem.field if problem.field in form.fields else None
                form.add_error(target, problem.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("compliance:review", review_id=review.pk)
    review = selectors.review_get(review_id=review_id)
    if review is None:  # removed while the form was being checked
        raise Http404
    return _detail(request, review, form, status=400)
