"""The listing editor's pages: one editor for both channels, the htmx checks, images, variants,
and who may open them (seller staff of the business only; another business's product is a 404)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from twoway.businesses.models import Membership
from twoway.businesses.tests.factories import CnBusinessFactory, UsBusinessFactory
from twoway.catalog.models import Product, ProductImage
from twoway.catalog.tests.factories import UsExportProductFactory
from twoway.identity.models import User

pytestmark = pytest.mark.django_db

HONEY = {
    "sku": "HONEY-1",
    "title_en": "Clover honey",
    "hs_code": "040900",
    "cn_tariff_line": "04090000",
    "origin_us_state": "IA",
    "unit_price": "18.50",
    "weight_kg": "0.500",
    "stock_on_hand": "10",
    "market_cn_export": "on",
    "status": "active",
    "action": "save",
}


def _staff(business, name=None):
    user = User.objects.create(username=name or f"staff-{business.pk}", role="seller_staff")
    Membership.objects.create(user=user, business=business, role="catalogue")
    return user


@pytest.fixture
def us_seller(reference_data, client):
    business = UsBusinessFactory(display_name_zh="草原蜂场")
    client.force_login(_staff(business))
    return business


def _jpeg(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (220, 160, 60)).save(out, "JPEG")
    return out.getvalue()


def test_hs_picker_finds_codes_by_chinese_and_english_words(us_seller, client):
    zh = client.get("/seller/listing/hs/", {"q": "蜂蜜"}).content.decode()
    assert 'data-code="040900"' in zh
    assert "蜂蜜 = honey" in zh
    en = client.get("/seller/listing/hs/", {"q": "american ginseng"}).content.decode()
    assert 'data-code="121120"' in en
    none = client.get("/seller/listing/hs/", {"q": "zzzzqqq"}).content.decode()
    assert "No HS subheading found" in none
    pick = client.get("/seller/listing/hs/pick/", {"code": "121120"})
    body = pick.content.decode()
    assert pick["HX-Trigger-After-Settle"] == "listing-changed"
    assert 'value="12112011"' in body
    assert "on the CBEC positive list" in body
    assert client.get("/seller/listing/hs/pick/", {"code": "99"}).status_code == 400


def test_live_checks_show_eligibility_tax_class_and_landed_price_before_saving(us_seller, client):
    html = client.post("/seller/listing/check/", HONEY).content.decode()
    assert 'data-eligible="yes"' in html
    assert 'data-testid="landed-total"' in html
    assert "¥" in html
    assert 'data-testid="tax-category"' in html
    missing = client.post("/seller/listing/check/", {**HONEY, "weight_kg": ""}).content.decode()
    assert "Add the price and the shipping weight" in missing
    assert not Product.objects.exists()


def test_chinese_draft_must_be_confirmed_or_the_listing_stays_a_draft(us_seller, client):
    draft = client.post(
        "/seller/listing/draft/",
        {
            **HONEY,
            "title_en": "Wisconsin organic honey",
            "description_en": "Organic clover honey.",
        },
    ).content.decode()
    assert 'data-testid="draft-notice"' in draft
    assert 'name="text_confirmed"' in draft
    assert "威斯康星州有机蜂蜜" in draft
    assert "产地：美国" in draft
    fields = {**HONEY, "title_zh": "威斯康星州有机蜂蜜", "text_is_draft": "1"}
    response = client.post("/seller/products/new/", fields)
    product = Product.objects.get()
    assert response.status_code == 302
    assert (product.status, product.zh_is_draft) == ("draft", True)
    page = client.get(f"/seller/products/{product.pk}/").content.decode()
    assert 'data-testid="text-draft"' in page
    assert 'data-testid="publish"' not in page
    edit = client.post(f"/seller/products/{product.pk}/edit/", {**fields, "text_confirmed": "on"})
    assert edit.status_code == 302
    product.refresh_from_db()
    assert (product.status, product.zh_is_draft) == ("active", False)


def test_a_saved_listing_opens_in_the_editor_with_its_checks_and_draft(us_seller, client):
    """The editor of a saved export listing (prices and weights are numbers there, not typed
    text) shows its live checks; a generated Chinese text still waiting says so; the product
    page shows the positive list and the CBEC tax class."""
    fields = {**HONEY, "title_zh": "三叶草蜂蜜", "text_is_draft": "1"}
    client.post("/seller/products/new/", fields)
    product = Product.objects.get()
    edit = client.get(f"/seller/products/{product.pk}/edit/")
    html = edit.content.decode()
    assert edit.status_code == 200
    assert 'data-eligible="yes"' in html
    assert 'data-testid="tax-category"' in html
    assert 'data-testid="draft-notice"' in html
    page = client.get(f"/seller/products/{product.pk}/").content.decode()
    assert 'data-testid="text-draft"' in page
    assert 'data-testid="china-tax"' in page
    assert "Tax category:" in page
    assert 'data-testid="landed-total"' in page


def test_bad_input_names_the_field_and_the_rule_with_400(us_seller, client):
    response = client.post(
        "/seller/products/new/", {**HONEY, "hs_code": "999999", "length_cm": "-2"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-length_cm"' in html
    response = client.post("/seller/products/new/", {**HONEY, "hs_code": "999999"})
    assert response.status_code == 400
    assert 'id="error-hs_code"' in response.content.decode()
    assert not Product.objects.exists()


def test_variants_images_and_publishing_reach_the_storefront(us_seller, client, settings):
    client.post(
        "/seller/products/new/",
        {**HONEY, "variant_size": "500 g", "status": "draft", "title_zh": "三叶草蜂蜜"},
    )
    product = Product.objects.get()
    added = client.post(
        f"/seller/products/{product.pk}/variants/",
        {
            "sku": "HONEY-2",
            "variant_size": "1 kg",
            "unit_price": "30.00",
            "stock_on_hand": "4",
        },
    )
    assert added.status_code == 302
    assert Product.objects.filter(group__isnull=False).count() == 2
    refused = client.post(
        f"/seller/products/{product.pk}/variants/", {"sku": "HONEY-3", "unit_price": "1"}
    )
    assert refused.status_code == 400
    assert 'id="error-variant_size"' in refused.content.decode()
    wrong = client.post(
        f"/seller/products/{product.pk}/images/",
        {
            "image": SimpleUploadedFile("photo.jpg", b"%PDF-1.4 nope", content_type="image/jpeg"),
        },
    )
    assert wrong.status_code == 400
    assert 'id="error-image"' in wrong.content.decode()
    good = client.post(
        f"/seller/products/{product.pk}/images/",
        {
            "image": SimpleUploadedFile("photo.jpg", _jpeg(), content_type="image/jpeg"),
            "alt_en": "A jar of honey",
            "alt_zh": "一罐蜂蜜",
        },
    )
    assert good.status_code == 302
    assert ProductImage.objects.count() == 1
    published = client.post(f"/seller/products/{product.pk}/publish/")
    assert published["Location"].endswith("?published=1")
    assert set(Product.objects.values_list("status", flat=True)) == {"active"}
    image = ProductImage.objects.get()
    storefront = client.get("/cn/?lang=en").content.decode()
    assert image.url_320 in storefront
    assert 'data-testid="card-image"' in storefront
    page = client.get(f"/products/{product.pk}/").content.decode()
    assert 'data-testid="variant-picker"' in page
    assert "1 kg" in page
    assert image.url_960 in page
    served = client.get(image.url_320)
    assert served.status_code == 200


def test_chinese_seller_sees_the_labor_risk_precheck_and_an_english_draft(reference_data, client):
    business = CnBusinessFactory()
    client.force_login(_staff(business))
    form = client.get("/seller/products/new/").content.decode()
    assert 'name="manufacturer"' in form
    assert 'name="cn_tariff_line"' not in form
    html = client.post(
        "/seller/listing/check/",
        {
            "title_en": "Cotton shirt",
            "hs_code": "620520",
            "us_hts_line": "6205202066",
            "origin_cn_province": "65",
            "unit_price": "20",
            "weight_kg": "0.3",
            "manufacturer": "Kashgar Cotton Co.",
            "raw_material_suppliers": "Xinjiang Cotton Mill",
        },
    ).content.decode()
    assert 'data-testid="labor-precheck"' in html
    assert 'data-level="blocked"' in html
    assert 'data-testid="us-landed-cost"' in html
    draft = client.post("/seller/listing/draft/", {"title_zh": "有机蜂蜜"}).content.decode()
    assert 'value="Organic honey"' in draft or "Organic 蜂蜜" in draft


def test_other_businesses_products_are_404_and_other_roles_refused(reference_data, client):
    mine = UsBusinessFactory()
    theirs = UsExportProductFactory()
    client.force_login(_staff(mine))
    for path in (f"/seller/products/{theirs.pk}/", f"/seller/products/{theirs.pk}/edit/"):
        assert client.get(path).status_code == 404
    for path in ("images/", "variants/", "publish/", "images/1/delete/"):
        assert client.post(f"/seller/products/{theirs.pk}/{path}").status_code == 404
    assert not ProductImage.objects.exists()
    assert Product.objects.count() == 1
    consumer = User.objects.create(username="buyer", role="consumer_cn")
    client.force_login(consumer)
    assert client.get("/seller/products/new/").status_code == 403
    assert client.get("/seller/listing/hs/", {"q": "honey"}).status_code == 403


def test_editor_and_list_in_both_languages(us_seller, client):
    UsExportProductFactory(business=us_seller, unit_price=Decimal("9.99"))
    english = client.get("/seller/products/new/").content.decode()
    assert "Name and description, in both languages" in english
    assert "中文" in english
    User.objects.filter(memberships__business=us_seller).update(preferred_language="zh-hans")
    chinese = client.get("/seller/products/new/").content.decode()
    assert "名称和描述（中英文对照）" in chinese
    assert "保存之前" in chinese
    listing = client.get("/seller/products/").content.decode()
    assert "HONEY-" in listing
    assert "$9.99" in listing


def test_a_variant_edits_the_name_of_all_sizes_and_the_storefront_card_follows(us_seller, client):
    from django.core.cache import cache

    cache.clear()
    client.post(
        "/seller/products/new/", {**HONEY, "variant_size": "500 g", "title_zh": "三叶草蜂蜜"}
    )
    product = Product.objects.get()
    alone = client.get(f"/seller/products/{product.pk}/edit/?lang=en").content.decode()
    assert "Title (English)" in alone  # one listing, no variants: its own title
    assert 'data-testid="shared-name"' not in alone
    client.post(
        f"/seller/products/{product.pk}/variants/",
        {"sku": "HONEY-2", "variant_size": "1 kg", "unit_price": "30.00", "stock_on_hand": "4"},
    )
    big = Product.objects.get(sku="HONEY-2")
    editor = client.get(f"/seller/products/{big.pk}/edit/?lang=en").content.decode()
    assert "Product name (English), all sizes and colours" in editor
    assert "The product name is shared by its 2 variants (sizes and colours)" in editor
    chinese = client.get(f"/seller/products/{big.pk}/edit/?lang=zh-hans").content.decode()
    assert "商品名称（中文），所有尺寸和颜色通用" in chinese
    assert "该商品名称由其 2 个规格" in chinese
    # the draft button re-renders the name fields: still the group's name
    draft = client.post(
        "/seller/listing/draft/?lang=en", {**HONEY, "product_id": big.pk}
    ).content.decode()
    assert "Product name (English), all sizes and colours" in draft
    saved = client.post(
        f"/seller/products/{big.pk}/edit/?lang=en",
        {
            **HONEY,
            "sku": "HONEY-2",
            "variant_size": "1 kg",
            "unit_price": "30.00",
            "title_en": "Raw clover honey",
            "title_zh": "生三叶草蜂蜜",
        },
    )
    assert saved.status_code == 302
    page = client.get(saved["Location"] + "&lang=en").content.decode()
    assert "The new name is on the other variant of this product too." in page
    assert set(Product.objects.values_list("title_en", "title_zh")) == {
        ("Raw clover honey", "生三叶草蜂蜜")
    }
    storefront = client.get("/cn/?lang=en").content.decode()
    assert storefront.count('data-testid="product-card"') == 1
    assert "Raw clover honey" in storefront
    assert "Clover honey" not in storefront
    zh_front = client.get("/cn/?lang=zh-hans").content.decode()
    assert "生三叶草蜂蜜" in zh_front


def test_the_colour_in_chinese_is_asked_for_drafted_and_confirmed_in_the_editor(us_seller, client):
    """A listing sold to China in a Latin colour: saving without the Chinese colour names the
    field; the draft button writes 橙色 into it (and the title), which stays a draft until
    confirmed."""
    fields = {**HONEY, "title_zh": "三叶草蜂蜜", "variant_size": "500 g", "variant_colour": "Amber"}
    refused = client.post("/seller/products/new/?lang=en", fields)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'id="error-variant_colour_zh"' in body
    assert "needs its colour in Chinese" in body
    draft = client.post("/seller/listing/draft/", {**fields, "variant_colour": "Orange"})
    oob = draft.content.decode()
    assert 'id="variant-zh-fields"' in oob
    assert 'hx-swap-oob="true"' in oob
    assert 'name="variant_colour_zh"' in oob
    assert 'value="橙色"' in oob
    saved = client.post(
        "/seller/products/new/",
        {**fields, "variant_colour": "Orange", "variant_colour_zh": "橙色", "text_is_draft": "1"},
    )
    assert saved.status_code == 302
    product = Product.objects.get()
    assert (product.variant_colour_zh, product.status, product.zh_is_draft) == (
        "橙色",
        "draft",
        True,
    )
    editor = client.get(f"/seller/products/{product.pk}/edit/").content.decode()
    assert 'value="橙色"' in editor
