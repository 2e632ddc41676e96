"""Seller center imports and the import API: upload, preview, import, progress, error report;
another business's job is a 404 everywhere."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from twoway.businesses.models import Membership, MembershipRole
from twoway.businesses.tests.factories import UsBusinessFactory
from twoway.catalog.bulk.services import imports_run
from twoway.catalog.models import ImportJob, Product
from twoway.catalog.tests.test_bulk_import import HEADER, csv_bytes, good
from twoway.identity.services import api_key_issue
from twoway.identity.tests.factories import SellerFactory
from twoway.integrations.services import api_key_issue as business_key_issue

pytestmark = pytest.mark.django_db


def seller_of(business):
    user = SellerFactory()
    Membership.objects.create(user=user, business=business, role=MembershipRole.CATALOGUE)
    return user


@pytest.fixture
def seller_a():
    return seller_of(UsBusinessFactory())


@pytest.fixture
def browser_a(seller_a):
    client = Client()
    client.force_login(seller_a)
    return client


def upload(client, data, name="products.csv", **extra):
    return client.post(
        "/seller/imports/",
        {"file": SimpleUploadedFile(name, data), "mode": "listings", "encoding": "auto", **extra},
    )


def test_upload_preview_import_in_both_languages(browser_a, seller_a):
    rows = [good(i) for i in range(1, 4)]
    rows[1][6] = "heavy"  # weight, spreadsheet row 3
    response = upload(browser_a, csv_bytes(rows))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = browser_a.get(response["Location"])
    html = page.content.decode()
    assert "Row 3, column weight_kg: heavy is not a number." in html
    assert 'data-testid="commit-form"' in html
    assert 'value="valid"' in html
    page_zh = browser_a.get(response["Location"] + "?lang=zh-hans")
    assert "第 3 行，weight_kg 列：heavy 不是数字。" in page_zh.content.decode()
    browser_a.get("/?lang=en")
    report = browser_a.get(f"/seller/imports/{job.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines == [
        ["Row", "Column", "Value", "Error"],
        ["3", "weight_kg", "heavy", "heavy is not a number."],
    ]
    response = browser_a.post(f"/seller/imports/{job.pk}/import/", {"rows": "valid"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done"
    assert job.rows_written == 2
    assert Product.objects.filter(business__memberships__user=seller_a).count() == 2
    panel = browser_a.get(f"/seller/imports/{job.pk}/progress/").content.decode()
    assert "2 products were written." in panel
    assert "hx-trigger" not in panel


def test_a_long_file_waits_for_the_worker_and_shows_progress(browser_a, settings):
    settings.TWOWAY_IMPORT_INLINE_ROWS = 0
    settings.TWOWAY_IMPORT_MAX_BYTES = 10**7
    upload(browser_a, csv_bytes([good(i) for i in range(1, 4)]))
    job = ImportJob.objects.get()
    job.file.size  # noqa: B018 - stored
    # 3 rows fit in the request (file size), so make it wait: a larger file
    ImportJob.objects.all().delete()
    big = csv_bytes([good(i) for i in range(1, 8000)])
    upload(browser_a, big)
    job = ImportJob.objects.get()
    assert job.status == "uploaded"
    panel = browser_a.get(f"/seller/imports/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in panel
    assert "<progress" in panel
    assert imports_run() == 1
    job.refresh_from_db()
    assert job.status == "checked"
    assert job.rows_new == 7999


def test_templates_download_in_both_languages(browser_a):
    from openpyxl import load_workbook

    response = browser_a.get("/seller/imports/template.xlsx?mode=listings&lang=zh-hans")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["商品"][1]][:3] == ["SKU", "英文标题", "中文标题"]
    response = browser_a.get("/seller/imports/template.csv?mode=stock&lang=en")
    assert response.content.decode("utf-8-sig").splitlines()[0] == "SKU,Unit price,Stock"
    assert browser_a.get("/seller/imports/template.pdf").status_code == 404


def test_another_business_cannot_see_the_job(browser_a, seller_a):
    upload(browser_a, csv_bytes([good(1)]))
    job = ImportJob.objects.get()
    other = Client()
    other.force_login(seller_of(UsBusinessFactory()))
    for path in (
        f"/seller/imports/{job.pk}/",
        f"/seller/imports/{job.pk}/progress/",
        f"/seller/imports/{job.pk}/errors.csv",
    ):
        assert other.get(path).status_code == 404
    assert other.post(f"/seller/imports/{job.pk}/import/").status_code == 404
    assert "products.csv" not in other.get("/seller/imports/").content.decode()
    job.refresh_from_db()
    assert job.status == "checked"


def test_a_seller_of_two_businesses_imports_into_the_one_they_chose(seller_a, browser_a):
    first = seller_a.memberships.get().business
    second = UsBusinessFactory()
    Membership.objects.create(user=seller_a, business=second, role=MembershipRole.CATALOGUE)
    assert browser_a.post("/seller/switch/", {"business_id": second.pk}).status_code == 302
    response = upload(browser_a, csv_bytes([good(1)]))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.business == second
    assert browser_a.post(f"/seller/imports/{job.pk}/import/").status_code == 302
    assert list(Product.objects.values_list("business", flat=True)) == [second.pk]
    # Back in the first business, the second one's import is not there.
    browser_a.post("/seller/switch/", {"business_id": first.pk})
    assert browser_a.get(f"/seller/imports/{job.pk}/").status_code == 404
    assert "products.csv" not in browser_a.get("/seller/imports/").content.decode()


def test_a_fulfilment_member_may_not_import(db):
    business = UsBusinessFactory()
    packer = SellerFactory()
    Membership.objects.create(user=packer, business=business, role=MembershipRole.FULFILMENT)
    browser = Client()
    browser.force_login(packer)
    assert browser.get("/seller/imports/").status_code == 403
    assert upload(browser, csv_bytes([good(1)])).status_code == 403
    assert browser.get("/seller/imports/template.csv").status_code == 403
    assert ImportJob.objects.count() == 0
    refused = browser.post(
        "/api/v1/seller/imports", {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)]))}
    )
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "role"
    assert ImportJob.objects.count() == 0


def keyed(business, scopes=("products:write",)):
    """A business API key (seller center, Integrations) issued by the business's owner."""
    owner = SellerFactory()
    Membership.objects.create(user=owner, business=business, role=MembershipRole.OWNER)
    _key, plaintext = business_key_issue(
        business=business, by=owner, name="shop system", scopes=list(scopes)
    )
    return Client(headers={"Authorization": f"Bearer {plaintext}"})


def business_of(user):
    return user.memberships.get().business


def test_api_import_dry_run_then_write(seller_a):
    api = keyed(business_of(seller_a))
    rows = [good(1), good(2)]
    rows[1][3] = "12"
    response = api.post(
        "/api/v1/seller/imports",
        {"file": SimpleUploadedFile("p.csv", csv_bytes(rows)), "dry_run": "true"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "checked"
    assert body["rows_invalid"] == 1
    assert body["rows_new"] == 1
    assert body["errors"][0]["row"] == 3
    assert body["errors"][0]["column"] == "hs_code"
    assert body["errors"][0]["message"].startswith("Row 3, column hs_code:")
    assert Product.objects.count() == 0
    response = api.post(
        "/api/v1/seller/imports",
        {"file": SimpleUploadedFile("p.csv", csv_bytes(rows)), "all_or_nothing": "false"},
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "done"
    assert body["rows_written"] == 1
    assert body["errors"][0]["message"].startswith("第 3 行，hs_code 列：")
    assert api.get(f"/api/v1/seller/imports/{body['id']}").json()["rows_written"] == 1
    rejected = api.post(
        "/api/v1/seller/imports", {"file": SimpleUploadedFile("p.csv", csv_bytes(rows))}
    )
    assert rejected.status_code == 422
    assert rejected.json()["message"] == "Nothing was written; rows with errors: 1."
    assert rejected.json()["errors"][0]["field"] == "hs_code"
    assert Product.objects.count() == 1
    other = keyed(UsBusinessFactory())
    assert other.get(f"/api/v1/seller/imports/{body['id']}").status_code == 404


def test_api_refuses_a_bad_mode_naming_the_field(seller_a):
    response = keyed(business_of(seller_a)).post(
        "/api/v1/seller/imports",
        {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)])), "mode": "everything"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "mode"
    assert ImportJob.objects.count() == 0


def test_api_needs_a_business(db):
    browser = Client()
    browser.force_login(SellerFactory())
    response = browser.post(
        "/api/v1/seller/imports", {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)]))}
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "business_id"
    assert HEADER  # the shared header is the catalogue tests'


def test_api_takes_business_keys_with_the_products_scope_only(seller_a):
    """A personal key is refused (seller endpoints take business keys), and so is a business key
    without products:write; a key works in its own business only."""
    personal = Client(headers={"Authorization": f"Bearer {api_key_issue(user=seller_a)[1]}"})
    file = {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)]))}
    refused = personal.post("/api/v1/seller/imports", file)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "business_key_required"
    orders_only = keyed(business_of(seller_a), scopes=("orders:read",))
    refused = orders_only.post(
        "/api/v1/seller/imports", {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)]))}
    )
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "scope"
    elsewhere = keyed(business_of(seller_a)).post(
        "/api/v1/seller/imports",
        {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)])),
         "business_id": UsBusinessFactory().pk},
    )  # fmt: skip
    assert elsewhere.status_code == 404
    assert ImportJob.objects.count() == 0


def test_api_imports_into_the_business_named(seller_a, browser_a):
    second = UsBusinessFactory()
    Membership.objects.create(user=seller_a, business=second, role=MembershipRole.CATALOGUE)
    response = browser_a.post(
        "/api/v1/seller/imports",
        {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)])), "business_id": second.pk},
    )
    assert response.status_code == 201, response.content
    assert response.json()["business_id"] == second.pk
    assert list(Product.objects.values_list("business", flat=True)) == [second.pk]


def test_the_api_called_from_the_browser_works_in_the_business_chosen_there(seller_a, browser_a):
    """The seller center's switcher also decides where a signed-in browser's API calls go when
    they name no business (a key names its own; ``business_id`` overrides)."""
    second = UsBusinessFactory()
    Membership.objects.create(user=seller_a, business=second, role=MembershipRole.CATALOGUE)
    browser_a.post("/seller/switch/", {"business_id": second.pk})
    response = browser_a.post(
        "/api/v1/seller/imports", {"file": SimpleUploadedFile("p.csv", csv_bytes([good(1)]))}
    )
    assert response.status_code in (200, 201), response.content
    assert ImportJob.objects.get().business == second


def test_a_member_without_the_role_is_told_which_permission_is_missing(db):
    """Imports, papers, payouts and insights refuse as every seller page does: 403 on the page
    that names what the role lacks, in the reader's language."""
    business = UsBusinessFactory()
    packer = SellerFactory()
    Membership.objects.create(user=packer, business=business, role=MembershipRole.FULFILMENT)
    browser = Client()
    browser.force_login(packer)
    for path in ("/seller/imports/", "/seller/payouts/"):
        page = browser.get(path)
        assert page.status_code == 403
        assert 'data-testid="forbidden-reason"' in page.content.decode()
