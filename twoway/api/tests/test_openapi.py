"""The committed OpenAPI schema (docs/openapi.json) must match the code.

When an endpoint changes on purpose, regenerate it:

    UPDATE_OPENAPI=1 .venv/bin/pytest -q twoway/api/tests/test_openapi.py

and commit docs/openapi.json with the change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

from twoway.api.errors import MESSAGES
from twoway.api.main import api

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def current_schema() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def test_openapi_schema_has_not_drifted():
    schema = current_schema()
    if os.environ.get("UPDATE_OPENAPI") == "1":
        SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
        SCHEMA_PATH.write_text(schema, encoding="utf-8")
    committed = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    assert committed == schema, (
        "The API changed but docs/openapi.json did not. If the change is intended, run\n"
        "    UPDATE_OPENAPI=1 .venv/bin/pytest -q twoway/api/tests/test_openapi.py\n"
        "and commit docs/openapi.json."
    )


def test_schema_is_deterministic():
    assert current_schema() == current_schema()


def test_schema_lists_the_seller_endpoints():
    paths = json.loads(current_schema())["paths"]
    assert set(paths["/api/v1/catalog/products"]) == {"get", "post"}
    assert set(paths["/api/v1/catalog/products/{product_id}"]) == {"patch"}
    assert set(paths["/api/v1/catalog/products/{product_id}/stock-adjustments"]) == {"post"}
    assert set(paths["/api/v1/businesses"]) == {"post"}
    assert set(paths["/api/v1/me/language"]) == {"put"}


def test_common_request_errors_have_human_messages():
    for kind in (
        "missing",
        "int_parsing",
        "decimal_parsing",
        "bool_parsing",
        "string_type",
        "json_invalid",
    ):
        assert kind in MESSAGES
