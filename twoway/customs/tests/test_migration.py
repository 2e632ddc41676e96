"""Migration customs 0002 / checkout 0004: the customs columns of Order move to
CustomsDeclaration and back (both directions keep status, info and the EEI decision)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from twoway.customs.models import CustomsDeclaration

from .test_declaration import paid_order  # noqa: F401 - the fixture

BEFORE = [("checkout", "0003_lifecycle"), ("customs", "0001_initial")]


def _latest() -> list[tuple[str, str]]:
    """Every app's latest migration: going back to ``BEFORE`` also unapplies the apps that depend
    on checkout (payouts, integrations, ...), and the database must be whole again afterwards for
    the tests that run next on this worker."""
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_columns_move_to_declarations_and_back(paid_order):  # noqa: F811
    from twoway.customs.declaration import order_declare

    order = order_declare(order_id=paid_order.pk)
    before = CustomsDeclaration.objects.get(order=order)
    latest = _latest()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT customs_status, customs_info, eei_required, eei_reason "
            "FROM checkout_order WHERE id = %s",
            [order.pk],
        )
        status, info, eei_required, eei_reason = cursor.fetchone()
    assert (status, info) == ("accepted", before.info)
    assert (bool(eei_required), eei_reason) == (before.eei_required, before.eei_reason)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)
    after = CustomsDeclaration.objects.get(order_id=order.pk)
    assert (after.status, after.info, after.eei_required, after.eei_reason) == (
        before.status,
        before.info,
        before.eei_required,
        before.eei_reason,
    )
    assert (after.guid, after.gateway, after.reply_code, after.attempts) == (
        before.guid,
        "sandbox",
        "120",
        1,
    )
