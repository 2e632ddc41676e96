"""PostgreSQL: reject UPDATE and DELETE on payout statements and their lines (append-only).

TRUNCATE (tests, resets) is not affected. SQLite gets no trigger: the queryset and the model
refuse updates and deletes there (as the ledger does).
"""

from django.db import migrations

TABLES = ("payouts_payoutstatement", "payouts_payoutline")

FORWARD = """
CREATE OR REPLACE FUNCTION payouts_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (correct it on a later statement)',
        TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION payouts_append_only();
"""
    for table in TABLES
)

BACKWARD = "".join(
    f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};\n" for table in TABLES
) + "DROP FUNCTION IF EXISTS payouts_append_only();\n"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("payouts", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
