"""PostgreSQL: reject UPDATE and DELETE on trade-flow entries at the database (append-only).

TRUNCATE (tests, benchmark resets) is not affected. SQLite gets no trigger: its test flush uses
DELETE; the queryset and the model refuse updates and deletes there.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_tradeflowentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger_tradeflowentry is append-only: % refused (post a reversal instead)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_tradeflowentry_append_only
    BEFORE UPDATE OR DELETE ON ledger_tradeflowentry
    FOR EACH ROW EXECUTE FUNCTION ledger_tradeflowentry_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_tradeflowentry_append_only ON ledger_tradeflowentry;
DROP FUNCTION IF EXISTS ledger_tradeflowentry_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
