"""Signals of the checkout context: how lower floors tell higher ones (customs) that something
happened to orders, without importing them. Receivers are connected in their AppConfig.ready()."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent inside the transaction that recorded a payment, with ``order_ids``: the orders that
#: payment moved to ``paid`` (customs declares the exports among them once it commits).
orders_paid = Signal()
