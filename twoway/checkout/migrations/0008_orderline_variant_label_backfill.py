"""Lines placed before the variant was snapshotted: the variant of their product today (sizes
and colours of a SKU rarely change after it sells; the best record there is)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    OrderLine = apps.get_model("checkout", "OrderLine")
    variants = (
        Product.objects.exclude(variant_size="", variant_colour="")
        .values_list("pk", "variant_size", "variant_colour")
        .iterator()
    )
    for pk, size, colour in variants:
        label = " · ".join(v for v in (size, colour) if v)
        OrderLine.objects.filter(product_id=pk, variant_label="").update(variant_label=label)


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0007_orderline_variant_label"),
        ("catalog", "0004_merge_20261202_1535"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
