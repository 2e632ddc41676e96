"""The papers a seller prints: bilingual invoice and packing list, a 4 x 6 label with the tracking
number as a Code 128 barcode, the US-side invoice for imports; fulfilment staff of the order's
business only."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from twoway.businesses.models import Business, Membership
from twoway.checkout import services as checkout
from twoway.checkout.channels import EXPORT
from twoway.core.errors import DomainError
from twoway.fulfilment.documents import papers_for
from twoway.fulfilment.pdf import LABEL_SIZE, barcode_for
from twoway.identity.models import User

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def fetch(user, order, kind):
    client = Client()
    client.force_login(user)
    return client.get(reverse("web:seller_order_paper", args=[order.number, kind]))


def test_export_invoice_is_bilingual_with_cbec_references_and_masked_id(cleared_export):
    order, staff = cleared_export
    response = fetch(staff, order, "invoice")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Commercial Invoice" in text
    assert "商业发票" in text
    assert "代收代缴跨境电商综合税" in text
    assert order.number in text
    papers = papers_for(order)
    assert papers.waybill.startswith("TWL")
    assert papers.waybill in text  # the CEB511 waybill declared to customs
    assert papers.refs.get("CEB311", "ebpCode") in text
    assert order.buyer_id_masked in text
    assert "*" in order.buyer_id_masked
    assert "11010519491231002X" not in text  # never the clear ID number
    assert "张三" in text
    line = order.lines.get()
    assert line.sku in text
    assert line.hs_code in text
    assert f"{order.total_payable:,.2f}" in text


def test_packing_list_names_goods_in_both_languages_and_weighs_them(cleared_export):
    order, staff = cleared_export
    text = pdf_text(fetch(staff, order, "packing-list").content)
    line = order.lines.get()
    assert "Packing List" in text
    assert "装箱单" in text
    assert line.title_zh in text
    assert line.title in text
    assert "1.000 kg" in text  # 2 × 0.500 kg


def test_label_is_4x6_inches_with_the_tracking_number_as_code128(cleared_export):
    order, staff = cleared_export
    before = PdfReader(io.BytesIO(fetch(staff, order, "label").content))
    papers = papers_for(order)
    assert papers.barcode_value == papers.waybill  # no tracking number yet: the waybill
    checkout.order_ship(
        order=order, by=staff, tracking_number="EA123456785CN", carrier="china_post"
    )
    order.refresh_from_db()
    response = fetch(staff, order, "label")
    reader = PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == LABEL_SIZE == (288.0, 432.0)
    assert len(before.pages) == 1
    text = reader.pages[0].extract_text()
    assert "EA123456785CN" in text
    assert order.buyer_id_masked in text
    assert "11010519491231002X" not in text
    assert "138****8000" in text  # the phone with its middle digits hidden
    barcode = barcode_for(papers_for(order).barcode_value)
    assert decode_code128(barcode) == "EA123456785CN"


def decode_code128(barcode) -> str:
    """Read the widget's Code 128 symbols back (code sets B and C, ISO/IEC 15417) and check
    the symbol check character: what a scanner would read from these bars."""
    barcode.validate()
    barcode.encode()
    barcode.decompose()
    symbols = barcode.encoded
    assert symbols[-1] == 106  # STOP
    data, check = symbols[:-2], symbols[-2]
    assert (data[0] + sum(i * v for i, v in enumerate(data[1:], start=1))) % 103 == check
    code = {104: "B", 105: "C"}[data[0]]
    text = ""
    for value in data[1:]:
        if value == 99:
            code = "C"
        elif value == 100:
            code = "B"
        elif code == "C":
            text += f"{value:02d}"
        else:
            text += chr(value + 32)
    assert barcode.decomposed  # the bar pattern drawn on the label
    return text


def test_import_order_gets_the_us_invoice_with_hts_origin_and_usd(paid_import):
    order, staff = paid_import
    text = pdf_text(fetch(staff, order, "invoice").content)
    line = order.lines.get()
    assert "Commercial Invoice (US import)" in text
    assert "美国进口" in text
    assert len(line.national_line) == 10
    assert line.national_line in text
    assert "Country of origin" in text
    assert "China" in text
    assert f"USD {order.customs_value_usd:,.2f}" in text
    assert "19 CFR 141.86" in text
    assert "de minimis" in text.lower()
    assert "DM-ALL" in text


def test_import_label_and_packing_list_carry_the_us_entry_data(paid_import):
    order, staff = paid_import
    line = order.lines.get()
    label = pdf_text(fetch(staff, order, "label").content)
    assert "US CUSTOMS" in label
    assert line.national_line in label  # the HTSUS 10-digit number
    assert "Origin 原产国 CN" in label
    assert f"USD {order.customs_value_usd:,.2f}" in label
    assert f"USD {order.tax_total:,.2f}" in label  # duties and fees paid on the buyer's behalf
    assert "No de minimis" in label
    assert "DM-ALL" in label
    packing = pdf_text(fetch(staff, order, "packing-list").content)
    assert "Destination 目的国: United States" in packing
    assert line.national_line in packing
    # Shipped: the carrier's name (not its code) and the tracking number on the papers.
    checkout.order_ship(
        order=order, by=staff, tracking_number="EA123456785CN", carrier="china_post"
    )
    order.refresh_from_db()
    invoice = pdf_text(fetch(staff, order, "invoice").content)
    assert "China Post / EMS 中国邮政 / EMS" in invoice
    assert "EA123456785CN" in invoice
    assert "SOURCES" not in invoice  # no research notes on a seller's papers
    assert "EA123456785CN" in pdf_text(fetch(staff, order, "label").content)


def test_a_chinese_seller_ships_a_paid_import_from_the_order_queue(paid_import):
    order, staff = paid_import
    staff.preferred_language = "zh-hans"  # the seller reads Chinese
    staff.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(staff)
    page = client.get("/seller/orders/").content.decode()
    assert "来自美国买家的订单" in page
    assert f'action="/seller/orders/{order.number}/ship/"' in page  # paid is ready to ship
    assert f"${order.total_payable:,.2f}" in page  # USD, as the buyer paid
    assert "威斯康星州" in page
    assert "?status=declared" not in page  # imports never meet China customs
    refused = client.post(
        f"/seller/orders/{order.number}/ship/",
        {"tracking_number": "EA123456784CN", "carrier": "china_post"},
    )
    assert refused.status_code == 400
    assert "校验位应为 5" in refused.content.decode()
    assert "中国邮政 / EMS" in refused.content.decode()
    shipped = client.post(
        f"/seller/orders/{order.number}/ship/",
        {"tracking_number": "EA123456785CN", "carrier": "china_post"},
    )
    assert shipped.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "EA123456785CN")
    again = client.post(
        f"/seller/orders/{order.number}/ship/",
        {"tracking_number": "EA123456785CN", "carrier": "china_post"},
    )
    assert again.status_code == 409
    assert "只有已付款的订单才能发货" in again.content.decode()


@pytest.mark.parametrize("kind", ["invoice", "packing-list", "label"])
def test_another_business_gets_404(cleared_export, kind, make_seller):
    order, _ = cleared_export
    other = make_seller("Other Farm LLC")
    stranger = User.objects.create(username="stranger", role="seller_staff")
    Membership.objects.create(user=stranger, business=other)
    assert fetch(stranger, order, kind).status_code == 404


def test_unknown_kind_and_unpaid_orders_are_404(cleared_export, export_shop):
    order, staff = cleared_export
    assert fetch(staff, order, "passport").status_code == 404
    _, product, buyer, identity, _ = export_shop
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={product.pk: 1},
        identity=identity,
        consignee=checkout.Consignee("张三", "13800138000", "北京市东城区东长安街1号", "110101"),
    )
    assert fetch(staff, purchase.orders.get(), "invoice").status_code == 404


def test_an_order_refunded_before_it_shipped_offers_no_papers(paid_import):
    from twoway.payments.services import order_cancel

    order, staff = paid_import
    client = Client()
    client.force_login(staff)
    url = reverse("web:seller_order_paper", args=[order.number, "invoice"])
    assert url in client.get("/seller/orders/").content.decode()  # paid: papers to print
    order_cancel(order=order, by=order.buyer, reason="Ordered the wrong size.")
    order.refresh_from_db()
    assert order.status == "refunded"
    queue = client.get("/seller/orders/").content.decode()
    assert f'data-order="{order.number}"' in queue  # still listed, as refunded
    assert 'data-testid="order-papers"' not in queue
    assert f"/seller/orders/{order.number}/papers/" not in queue
    for kind in ("invoice", "packing-list", "label"):
        assert fetch(staff, order, kind).status_code == 404


@pytest.mark.parametrize(
    ("status", "shipped", "held_from", "papers"),
    [
        ("created", False, "", False),
        ("held", False, "created", False),  # held before it was paid
        ("paid", False, "", True),
        ("held", False, "paid", True),
        ("cleared", False, "", True),
        ("shipped", True, "", True),
        ("cancelled", False, "", False),
        ("refunded", False, "", False),  # cancelled after paying, before shipping
        ("refunded", True, "", True),  # refunded after a return: the papers of a shipment
        ("returned", True, "", True),
    ],
)
def test_which_orders_have_papers(status, shipped, held_from, papers):
    from twoway.checkout.rules.order_status import has_papers

    assert has_papers(status, shipped=shipped, held_from=held_from) is papers


def test_a_buyer_cannot_fetch_papers(cleared_export):
    order, _ = cleared_export
    response = fetch(order.buyer, order, "invoice")
    assert response.status_code in (302, 403, 404)


def test_shipping_checks_the_carrier_format_and_check_digit(cleared_export):
    order, staff = cleared_export
    with pytest.raises(DomainError) as exc:
        checkout.order_ship(
            order=order, by=staff, tracking_number="EA123456784CN", carrier="china_post"
        )
    assert exc.value.problems[0].field == "tracking_number"
    assert exc.value.problems[0].rule == "tracking_check_digit"
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("cleared", "")
    with pytest.raises(DomainError) as exc:
        checkout.order_ship(
            order=order, by=staff, tracking_number="1Z879E930346834440", carrier="pigeon"
        )
    assert exc.value.problems[0].rule == "carrier_known"
    shipped = checkout.order_ship(
        order=order, by=staff, tracking_number="1z879e930346834440", carrier="ups"
    )
    shipped.refresh_from_db()
    assert (shipped.status, shipped.carrier, shipped.tracking_number) == (
        "shipped",
        "ups",
        "1Z879E930346834440",
    )
    assert Business.objects.count() >= 1


def test_the_api_checks_the_carrier_format_when_the_carrier_is_named(paid_import):
    order, staff = paid_import
    client = Client()
    client.force_login(staff)
    url = f"/api/v1/seller/orders/{order.number}/ship"
    bad = client.post(
        url,
        {"tracking_number": "1Z879E930346834441", "carrier": "ups"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0] == {
        "field": "tracking_number",
        "rule": "tracking_check_digit",
        "message": "1Z879E930346834441 is not a valid UPS tracking number: its check digit "
        "should be 0. Check the number for a typo.",
    }
    order.refresh_from_db()
    assert order.status == "paid"
    good = client.post(
        url,
        {"tracking_number": "1Z879E930346834440", "carrier": "ups"},
        content_type="application/json",
    )
    assert good.status_code == 200, good.content
    order.refresh_from_db()
    assert (order.status, order.carrier) == ("shipped", "ups")


def test_the_chinese_travels_inside_the_pdf_and_renders(cleared_export, tmp_path):
    """The Chinese font is embedded, so a reader without Chinese fonts still shows 商业发票: the
    page is rasterised (pdfium, which uses only the fonts in the file for embedded ones) and the
    Chinese title is drawn in ink, not left blank."""
    import pypdfium2
    from reportlab.pdfgen import canvas

    from twoway.core.pdffonts import FONT, FONT_EMBEDDED

    assert FONT_EMBEDDED, "scripts/ensure-cjk-font.sh installs the font `make test` needs"
    order, staff = cleared_export
    invoice = fetch(staff, order, "invoice").content
    assert b"/FontFile2" in invoice  # a TrueType font program inside the file

    def ink(text: str) -> int:
        out = io.BytesIO()
        page = canvas.Canvas(out, pagesize=(200, 60))
        page.setFont(FONT, 28)
        page.drawString(10, 20, text)
        page.save()
        bitmap = pypdfium2.PdfDocument(out.getvalue())[0].render(scale=1).to_pil().convert("L")
        return sum(1 for value in bitmap.getdata() if value < 128)

    assert ink("商业发票") > 200  # dark pixels where the four characters are
    rendered = pypdfium2.PdfDocument(invoice)[0].render(scale=2).to_pil()
    rendered.save(tmp_path / "invoice.png")


# --- variants: the packer picks the size and colour bought ----------------------------------


@pytest.fixture
def cheddar_sizes(
    keys_and_csl, make_seller, make_product, make_buyer, django_capture_on_commit_callbacks
):
    """A cleared export of two sizes and colours of one cheddar (a variant group)."""
    from twoway.catalog.models import ProductGroup
    from twoway.fulfilment.tests.fixtures import CONSIGNEE, pay_export

    seller = make_seller("Badger Creamery LLC")
    group = ProductGroup.objects.create(
        business=seller, title_en="Farmstead Cheddar Cheese Block", title_zh="农场切达奶酪块"
    )
    common = {
        "title_en": "Farmstead Cheddar Cheese Block", "title_zh": "农场切达奶酪块", "group": group,
    }  # fmt: skip
    white = make_product(seller, variant_size="227 g", variant_colour="White", **common)
    orange = make_product(seller, variant_size="454 g", variant_colour="橙色 Orange", **common)
    staff = User.objects.create(username="creamery-packer", role="seller_staff")
    Membership.objects.create(user=staff, business=seller, role="owner")
    buyer, identity = make_buyer()
    purchase = checkout.purchase_place(
        channel=EXPORT,
        buyer=buyer,
        items={white.pk: 1, orange.pk: 3},
        identity=identity,
        consignee=CONSIGNEE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        pay_export(purchase)
    order = purchase.orders.get()
    assert order.status == "cleared"
    return order, staff, white, orange


def test_packing_list_has_a_size_and_colour_column_for_the_packer(cheddar_sizes):
    order, staff, white, orange = cheddar_sizes
    text = pdf_text(fetch(staff, order, "packing-list").content)
    assert "Size / colour 规格" in text
    cells = text.splitlines()  # one table cell a line, row after row

    def row(sku: str) -> list[str]:
        at = cells.index(sku)
        return cells[at : at + 6]

    name, zh = "Farmstead Cheddar Cheese Block", "农场切达奶酪块"
    assert row(white.sku) == [white.sku, name, "227 g · White", zh, "1", "0.500"]
    assert row(orange.sku) == [orange.sku, name, "454 g · 橙色 Orange", zh, "3", "1.500"]


def test_invoices_describe_each_line_with_its_variant_in_both_languages(cheddar_sizes):
    order, staff, _white, orange = cheddar_sizes
    text = pdf_text(fetch(staff, order, "invoice").content)
    assert "(454 g · 橙色 Orange)" in text  # after the English description, in the table
    assert f"{orange.sku}: 农场切达奶酪块(454 g · 橙色 Orange)" in text  # the Chinese name line


def test_the_us_invoice_names_the_shirt_size_and_colour(paid_import):
    order, staff = paid_import
    line = order.lines.get()
    line.variant_label = "L · Blue"  # as placed from a variant: the papers read the line
    line.save(update_fields=["variant_label"])
    text = pdf_text(fetch(staff, order, "invoice").content)
    assert "Men's Cotton Oxford Shirt (L · Blue)" in text
    assert f"{line.sku}: 男士纯棉牛津纺衬衫(L · Blue)" in text
    packing = pdf_text(fetch(staff, order, "packing-list").content)
    assert "L · Blue" in packing
