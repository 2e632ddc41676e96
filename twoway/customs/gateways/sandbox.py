"""The sandbox customs gateway: the in-process simulator answers at once (demo and tests only;
``get_gateway`` refuses it when the sandbox is off, as production settings have it)."""

from __future__ import annotations

from datetime import datetime

from .base import DeclarationDocuments, GatewayResult
from .simulator import sandbox_declare


class SandboxCustomsGateway:
    name = "sandbox"

    def submit(self, documents: DeclarationDocuments, *, now: datetime) -> GatewayResult:
        answer = sandbox_declare(
            order=documents.order, payment=documents.payment, logistics=documents.logistics, now=now
        )
        return GatewayResult(
            gateway=self.name,
            reference=f"sandbox-{documents.order.guid}",
            replies=dict(answer.replies),
        )
