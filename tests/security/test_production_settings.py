"""Issue 9: the production settings start and serve with real secrets, refuse to start without
them, pass `check --deploy`, route no sandbox, and refuse `twoway seed`.

Each check runs in a fresh interpreter under ``twoway.config.settings.production`` (settings are
read once per process)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "twoway.config.settings.production"


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture(scope="module")
def prod_env(tmp_path_factory):
    var = tmp_path_factory.mktemp("prod-var")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "TWOWAY_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        TWOWAY_ID_ENCRYPTION_KEY=_key(),
        TWOWAY_ID_HASH_KEY=_key(),
        TWOWAY_WEBHOOK_SECRET_KEY=_key(),
        DATABASE_URL=f"sqlite:///{var / 'prod.sqlite3'}",
        TWOWAY_VAR_DIR=str(var),
        DJANGO_ALLOWED_HOSTS="twoway.example",
    )
    return env


def run(env, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = (
        [sys.executable, "-m", "twoway", *args]
        if code is None
        else [sys.executable, "-c", textwrap.dedent(code)]
    )
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_it_refuses_to_start_without_real_secrets(prod_env):
    for missing in (
        "DJANGO_SECRET_KEY",
        "TWOWAY_ID_ENCRYPTION_KEY",
        "TWOWAY_ID_HASH_KEY",
        "TWOWAY_WEBHOOK_SECRET_KEY",
    ):
        env = {k: v for k, v in prod_env.items() if k != missing}
        result = run(env, "check")
        assert result.returncode != 0
        assert f"{missing} must be set to a real secret" in result.stderr
    weak = prod_env | {"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 40}
    assert run(weak, "check").returncode != 0


def test_check_deploy_is_clean(prod_env):
    result = run(prod_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_serves_routes_no_sandbox_and_refuses_seed(prod_env):
    migrated = run(prod_env, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    collected = run(prod_env, "collectstatic", "--noinput", "-v0")
    assert collected.returncode == 0, collected.stderr
    seed = run(prod_env, "seed")
    assert seed.returncode != 0
    assert "does not run under production settings" in seed.stderr

    result = run(
        prod_env,
        code="""
        import json
        import django
        django.setup()
        from django.test import Client
        from django.urls import Resolver404, get_resolver, resolve

        def walk(patterns, prefix=""):
            for p in patterns:
                if hasattr(p, "url_patterns"):
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
                else:
                    yield prefix + str(p.pattern)

        routes = list(walk(get_resolver().url_patterns))
        out = {"sandbox_routes": [r for r in routes if "sandbox" in r]}
        for path in ("/payments/sandbox/card/pay/", "/payments/sandbox/alipay/gateway.do",
                     "/payments/sandbox/wechat/pay/"):
            try:
                resolve(path)
                out[path] = "routed"
            except Resolver404:
                out[path] = "404"
        client = Client(HTTP_HOST="twoway.example")
        plain = client.get("/")
        out["http"] = [plain.status_code, plain.get("Location", "")]
        home = client.get("/", secure=True)
        out["home"] = home.status_code
        out["hsts"] = home.get("Strict-Transport-Security", "")
        out["csp"] = home.get("Content-Security-Policy", "")
        missing = client.get("/api/v1/nope/11010519491231002X", secure=True)
        out["api_404"] = [missing.status_code, missing["Content-Type"], missing.json()]
        card = client.post("/payments/sandbox/card/pay/", {"card_number": "4242424242424242"},
                           secure=True)
        out["sandbox_card"] = card.status_code
        print(json.dumps(out))
    """,
    )
    assert result.returncode == 0, result.stderr
    import json

    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["sandbox_routes"] == []
    assert {
        out[p]
        for p in (
            "/payments/sandbox/card/pay/",
            "/payments/sandbox/alipay/gateway.do",
            "/payments/sandbox/wechat/pay/",
        )
    } == {"404"}
    assert out["http"] == [301, "https://twoway.example/"]
    assert out["home"] == 200
    assert "max-age=31536000" in out["hsts"]
    assert "default-src 'self'" in out["csp"]
    assert "frame-ancestors 'none'" in out["csp"]
    assert out["api_404"][0] == 404
    assert out["api_404"][1].startswith("application/json")
    assert set(out["api_404"][2]) == {"message", "errors"}
    assert out["sandbox_card"] == 404
    assert "Traceback" not in result.stderr
    assert "11010519491231002X" not in result.stderr


def test_production_installs_and_routes_no_simulator(prod_env):
    """Issue 11: the dev-only sandbox app (wallet pay pages, sandbox customs) is neither installed
    nor routed under the production settings — even with the sandbox switch turned on — and
    customs goes to the Single Window gateway, never the simulator."""
    result = run(
        prod_env | {"TWOWAY_PAYMENTS_SANDBOX": "1", "TWOWAY_CUSTOMS_GATEWAY": "sandbox"},
        code="""
        import json
        import django
        django.setup()
        from django.apps import apps
        from django.conf import settings
        from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

        def walk(patterns, prefix=""):
            for p in patterns:
                if hasattr(p, "url_patterns"):
                    yield from walk(p.url_patterns, prefix + str(p.pattern))
                else:
                    yield prefix + str(p.pattern), getattr(p, "callback", None)

        routes = list(walk(get_resolver().url_patterns))
        out = {
            "installed": [a for a in settings.INSTALLED_APPS if "sandbox" in a],
            "is_installed": apps.is_installed("twoway.sandbox"),
            "gateway": settings.TWOWAY_CUSTOMS_GATEWAY,
            "sandbox_views": sorted(r for r, view in routes
                                    if "sandbox" in (getattr(view, "__module__", "") or "")
                                    or "sandbox" in r),
        }
        for path in ("/payments/sandbox/card/pay/", "/payments/sandbox/alipay/gateway.do",
                     "/payments/sandbox/wechat/pay/", "/sandbox/customs/", "/sandbox/customs/sweep/"):
            try:
                resolve(path)
                out[path] = "routed"
            except Resolver404:
                out[path] = "404"
        try:
            reverse("sandbox:sandbox-card")
            out["reverse"] = "routed"
        except NoReverseMatch:
            out["reverse"] = "none"
        out["notify"] = resolve("/payments/notify/alipay/").url_name
        print(json.dumps(out))
    """,
    )
    assert result.returncode == 0, result.stderr
    import json

    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["installed"] == []
    assert out["is_installed"] is False
    assert out["gateway"] == "single_window"
    assert out["sandbox_views"] == []
    assert {
        out[p]
        for p in (
            "/payments/sandbox/card/pay/",
            "/payments/sandbox/alipay/gateway.do",
            "/payments/sandbox/wechat/pay/",
            "/sandbox/customs/",
            "/sandbox/customs/sweep/",
        )
    } == {"404"}
    assert out["reverse"] == "none"
    assert out["notify"] == "notify"  # the real notify endpoint stays
