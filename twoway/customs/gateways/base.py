"""The customs-facing side of the customs context: one interface for every way of declaring.

A gateway receives the three documents of one order (CEB311 order, CEB411 payment, CEB511
waybill), already built and validated, and answers with what customs replied. Plain values in and
out; no Django ORM and no settings here (``twoway.customs.gateways.get_gateway`` reads settings
and hands the configuration in), the way ``twoway.payments.providers`` keeps the wallets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from ..ceb import CebLogistics, CebOrder, CebPayment, MessageType
from ..replies import CustomsReply, ReplyStatus

#: Reply statuses after which customs has decided (anything else: still on its way).
ACCEPTING = frozenset(
    {ReplyStatus.ACCEPTED, ReplyStatus.CONCLUDED, ReplyStatus.RELEASED, ReplyStatus.CLOSED}
)
REJECTING = frozenset({ReplyStatus.REJECTED, ReplyStatus.RETURNED, ReplyStatus.DETAINED})


class CustomsGatewayUnavailable(ConnectionError):
    """The gateway could not be reached or is not configured: try again later (the sweep)."""


@dataclass(frozen=True)
class DeclarationDocuments:
    """One order's three documents and their built XML (clear ID number inside: never stored)."""

    order: CebOrder
    payment: CebPayment
    logistics: CebLogistics
    messages: dict[MessageType, bytes]


@dataclass
class GatewayResult:
    """What customs answered to one submission (replies may be missing: customs answers later)."""

    gateway: str
    reference: str = ""
    replies: dict[MessageType, CustomsReply] = field(default_factory=dict)

    @property
    def rejected(self) -> bool:
        return any(reply.status in REJECTING for reply in self.replies.values())

    @property
    def accepted(self) -> bool:
        return (
            not self.rejected
            and set(self.replies) == set(MessageType)
            and all(reply.status in ACCEPTING for reply in self.replies.values())
        )

    @property
    def decided(self) -> bool:
        return self.accepted or self.rejected

    @property
    def reasons(self) -> list[str]:
        return [
            reply.info or reply.meaning
            for reply in self.replies.values()
            if reply.status not in ACCEPTING
        ]


@runtime_checkable
class CustomsGateway(Protocol):
    """Declares one order's documents to China customs."""

    name: str

    def submit(self, documents: DeclarationDocuments, *, now: datetime) -> GatewayResult:
        """Send the three messages; raise ``CustomsGatewayUnavailable`` when they could not be
        sent (nothing was accepted, the caller retries)."""
        ...
