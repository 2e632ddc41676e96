"""Reference data endpoints: what lists are loaded and how complete they are."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from twoway.reference.models import ReferenceDataset

router = Router(tags=["reference"])


class DatasetOut(Schema):
    name: str
    title: str
    row_count: int
    completeness: str
    official_size: int | None
    completeness_note: str
    loaded_at: dt.datetime


@router.get("/datasets", response=list[DatasetOut], summary="Loaded reference datasets")
def dataset_list(request):
    return list(ReferenceDataset.objects.all())
