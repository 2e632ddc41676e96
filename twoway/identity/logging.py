"""Resident ID numbers never reach a log: a filter that masks anything shaped like one, attached to
every handler (settings.LOGGING: console, runserver's ``django.server``, error e-mails) and to
gunicorn's access and error logs (``MaskingGunicornLogger``, set in ``gunicorn.conf.py``)."""

from __future__ import annotations

import logging
import re

from django.utils.log import AdminEmailHandler

_ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{3})([0-9]{10})([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    return _ID_PATTERN.sub(lambda m: m.group(1) + "*" * 10 + m.group(3).upper(), text)


class MaskResidentIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when set: the traceback is masked once, here.
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


class MaskingAdminEmailHandler(AdminEmailHandler):
    """Django's error e-mails carry the request (path, GET, META) and the traceback in the body:
    mask the whole message, not only the log line."""

    def send_mail(self, subject, message, *args, **kwargs):
        html = kwargs.get("html_message")
        if html:
            kwargs["html_message"] = mask_text(html)
        super().send_mail(mask_text(subject), mask_text(message), *args, **kwargs)


def _gunicorn_logger_class():
    from gunicorn.glogging import Logger

    class MaskingGunicornLogger(Logger):
        """gunicorn's logger with the mask on its error and access logs (the request line)."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            mask = MaskResidentIdFilter()
            for log in (self.error_log, self.access_log):
                log.addFilter(mask)
                for handler in log.handlers:
                    handler.addFilter(mask)

    return MaskingGunicornLogger


def __getattr__(name: str):
    if name == "MaskingGunicornLogger":  # imported lazily: gunicorn is not needed elsewhere
        return _gunicorn_logger_class()
    raise AttributeError(name)
