from io import StringIO

import pytest
from django.core.management import call_command

from twoway.alternatives.models import UsMadeCandidate

pytestmark = pytest.mark.django_db


def test_dry_run_counts_and_writes_nothing_then_the_rebuild_writes(us_product):
    us_product(title_en="Cotton shirt")
    out = StringIO()
    call_command("alternatives_refresh", "--dry-run", stdout=out)
    assert out.getvalue() == "Dry run: 1 eligible products; nothing written.\n"
    assert UsMadeCandidate.objects.count() == 0

    out = StringIO()
    call_command("alternatives_refresh", stdout=out)
    assert out.getvalue() == "Full rebuild: 1 rows written, 0 removed.\n"
    assert UsMadeCandidate.objects.count() == 1
