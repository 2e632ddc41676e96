"""Shared schema bases for the API routers of every context."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field


class StrictIn(Schema):
    """Request bodies refuse unknown fields, so a typo in a seller's system is an error, not a
    silently ignored value (``stock_on_hand`` on PATCH, for instance: stock has its own endpoint)."""

    model_config = ConfigDict(extra="forbid")


# Bounded numbers for request fields (issue 9): a number no row can hold is refused by the schema
# (422 naming the field) before it reaches the database, instead of overflowing there.
MAX_ID = 2**63 - 1  # bigint primary keys
MAX_OFFSET = 1_000_000_000
MAX_STOCK_DELTA = 1_000_000_000  # stock is an int column (2,147,483,647 at most)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Field(ge=1, le=200)]
