"""Fulfilment papers of one order as PDF: /seller/orders/<number>/papers/<kind>.pdf.

Fulfilment staff of the order's business only; another business's order is a 404, and so is an
order with nothing to print (unpaid, or cancelled or refunded before it shipped)."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from twoway.checkout.models import Order
from twoway.fulfilment.documents import KINDS, papers_available, papers_for
from twoway.fulfilment.pdf import paper_pdf
from twoway.web.auth import SellerRequest

from .access import seller_page


@seller_page("fulfilment")
def order_paper(request: SellerRequest, number: str, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    business = request.seller_business
    order = (
        Order.objects.select_related("business", "purchase")
        .filter(business=business, number=number)
        .first()
    )
    if order is None or not papers_available(order):
        raise Http404
    pdf = paper_pdf(kind, papers_for(order))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}-{kind}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
