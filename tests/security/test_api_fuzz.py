"""Issue 9: schemathesis over the OpenAPI schema, every operation, as each role and anonymous.

Generated requests (valid by the schema, plus the edge values hypothesis finds) must never get a
server error, a response documented in the schema must match it, and every error response must
have the documented shape ``{message, errors: [{field, rule, message}]}``.
``status_code_conformance`` is left out: django-ninja documents only the success codes, and the
error shape is checked by ``error_shape`` instead. Bounded: ``EXAMPLES_PER_OPERATION`` examples
per operation, each sent as every role (about 400 requests in all).
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from twoway.identity.models import Role

ROLES = ["anonymous", *Role.values]
EXAMPLES_PER_OPERATION = 3


def error_shape(ctx, response, case) -> bool | None:
    if response.status_code < 400:
        return None
    body = json.loads(response.content)
    assert isinstance(body.get("message"), str), body
    assert isinstance(body.get("errors"), list), body
    for problem in body["errors"]:
        assert set(problem) == {"field", "rule", "message"}, problem
    return True


@pytest.fixture
def _keep_the_test_connection():
    """Requests go straight to the WSGI application (not through Django's test client), whose
    request_started/finished signals close "old" connections. Inside the test's transaction that
    would close the test's own PostgreSQL connection; the test client disconnects the same
    handler for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, reference_data, make_seller, make_product, settings, _keep_the_test_connection):
    from twoway.config.wsgi import application

    settings.TWOWAY_API_KEY_FAILURE_LIMIT = 10**6  # fuzzing sends many wrong keys
    make_product(make_seller())
    # Only the fuzzing phase, bounded by max_examples below (the coverage phase would send
    # hundreds of boundary cases per operation and take minutes).
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "phases": {
                "examples": {"enabled": False},
                "coverage": {"enabled": False},
                "stateful": {"enabled": False},
            }
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def role_headers(db):
    from twoway.identity.services import api_key_issue, user_create

    headers = {"anonymous": {}}
    for role in Role.values:
        user = user_create(
            username=f"fuzz-{role}",
            email=f"{role}@fuzz.example",
            password="a long fuzzing passphrase",
            role=role,
        )
        _key, secret = api_key_issue(user=user)
        headers[role] = {"Authorization": f"Bearer {secret}"}
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_responses_match_the_schema(case, role_headers):
    for role in ROLES:
        response = case.call(headers=role_headers[role])
        case.validate_response(
            response,
            checks=[
                not_a_server_error,
                content_type_conformance,
                response_schema_conformance,
                error_shape,
            ],
        )
