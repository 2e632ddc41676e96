"""Issue 9: a resident ID number in a URL is masked by every log handler (Django's request log,
runserver's request lines, gunicorn's access log, error e-mails)."""

from __future__ import annotations

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.core import mail

from twoway.identity.logging import MaskResidentIdFilter

ID = "11010519491231002X"
MASKED = "1101**********002X"


@pytest.fixture
def configured_logging():
    """The project's LOGGING, as Django installs it, with every stream handler captured."""
    logging.config.dictConfig(settings.LOGGING)
    streams = {}
    for name in ("", "django", "django.server", "django.request"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                streams[handler.get_name()] = handler.stream = io.StringIO()
    yield streams
    logging.config.dictConfig(settings.LOGGING)


def test_every_configured_handler_has_the_mask(configured_logging):
    names = ("", "django", "django.server", "django.request", "twoway")
    handlers = {
        h
        for n in names
        for h in logging.getLogger(n).handlers
        if not type(h).__module__.startswith("_pytest")
    }
    assert handlers
    for handler in handlers:
        assert any(isinstance(f, MaskResidentIdFilter) for f in handler.filters), handler


@pytest.mark.django_db
def test_a_404_for_a_url_with_an_id_number_is_logged_masked(client, configured_logging):
    response = client.get(f"/nope/{ID}/")
    assert response.status_code == 404
    logging.getLogger("django.server").info('"GET /nope/%s/ HTTP/1.1" 404 179', ID)
    written = "".join(s.getvalue() for s in configured_logging.values())
    assert f"/nope/{MASKED}/" in written  # django.request "Not Found" and runserver's line
    assert ID not in written


@pytest.mark.django_db
def test_error_emails_mask_the_id_number(settings, rf):
    settings.ADMINS = [("Ops", "ops@example.com")]
    from twoway.identity.logging import MaskingAdminEmailHandler

    handler = MaskingAdminEmailHandler()
    request = rf.get(f"/cn/purchases/{ID}/")
    try:
        raise ValueError(f"bad id {ID}")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            (request.path,),
            None,
        )
        import sys

        record.exc_info = sys.exc_info()
        record.request = request
        record.status_code = 500
        MaskResidentIdFilter().filter(record)
        handler.emit(record)
    [message] = mail.outbox
    assert ID not in message.subject
    assert ID not in message.body
    assert MASKED in message.body


def test_gunicorn_access_log_is_masked():
    from gunicorn.config import Config

    from twoway.identity.logging import MaskingGunicornLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = MaskingGunicornLogger(cfg)
    stream = io.StringIO()
    for handler in logger.access_log.handlers:
        handler.stream = stream
    logger.access_log.info("GET /nope/%s/ HTTP/1.1 404", ID)
    assert MASKED in stream.getvalue()
    assert ID not in stream.getvalue()


def test_the_gunicorn_config_uses_the_masking_logger():
    from pathlib import Path

    conf = Path(settings.BASE_DIR) / "gunicorn.conf.py"
    namespace: dict = {}
    exec(conf.read_text(), namespace)  # noqa: S102 — the repo's own gunicorn config, as gunicorn reads it
    assert namespace["logger_class"] == "twoway.identity.logging.MaskingGunicornLogger"
