"""Customs reads: an order's declaration, the recent declarations with their messages."""

from __future__ import annotations

from django.db.models import Prefetch

from .models import CustomsDeclaration, CustomsMessage


def declaration_for(*, order) -> CustomsDeclaration | None:
    """The order's declaration, or None when customs has not looked at the order yet."""
    return CustomsDeclaration.objects.filter(order_id=order.pk).first()


def declarations_recent(*, limit: int = 50) -> list[CustomsDeclaration]:
    return list(
        CustomsDeclaration.objects.select_related("order", "order__business")
        .prefetch_related(Prefetch("order__customs_messages",
                                   queryset=CustomsMessage.objects.order_by("sent_at", "pk")))
        .order_by("-updated_at", "-pk")[:limit]
    )
