"""Shared schema bases for the API routers of every context."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """Request bodies refuse unknown fields, so a typo in a seller's system is an error, not a
    silently ignored value (``stock_on_hand`` on PATCH, for instance: stock has its own endpoint)."""

    model_config = ConfigDict(extra="forbid")
