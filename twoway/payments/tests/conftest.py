"""Shared by the payments tests: sandbox keys in a temporary folder and the sample Consolidated
Screening List loaded (customs screens every export before declaring it)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def keys_and_csl(settings, tmp_path, db):
    settings.TWOWAY_PAYMENT_KEY_DIR = str(tmp_path)
    import twoway.compliance
    from twoway.compliance.services import csl_load

    csl_load(path=Path(twoway.compliance.__file__).parent / "data" / "csl_sample.csv")
