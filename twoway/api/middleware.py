"""Every answer under /api/ has the documented error shape, whatever fails (issue 9).

Ninja's handlers (twoway.api.main) shape the errors the API raises itself. This middleware covers
the rest: a URL no route matches (404), a method a route does not take (405), a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413), a number no database column can hold (400 ``out_of_range``
instead of an overflow deep in the driver) and any other exception (500, logged with its
traceback; the client sees only ``{message, errors}``, never a traceback, also with DEBUG off).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("twoway.api")
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(status: int, message: str, errors: list[dict[str, str]] | None = None):
    response = JsonResponse({"message": message, "errors": errors or []}, status=status)
    return response


def _out_of_range() -> JsonResponse:
    message = "A number in the request is out of range."
    return error_response(
        400, message, [{"field": "__all__", "rule": "out_of_range", "message": message}]
    )


def _too_large() -> JsonResponse:
    message = "The request body is too large (at most 2.5 MB)."
    return error_response(
        413, message, [{"field": "body", "rule": "too_large", "message": message}]
    )


def exception_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return _too_large()
    if isinstance(exc, OverflowError | DataError):
        logger.info("out-of-range number in %s %s: %s", request.method, request.path, exc)
        return _out_of_range()
    if isinstance(exc, SuspiciousOperation):
        return error_response(400, "Bad request.")
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return error_response(500, "Something went wrong on our side; it has been logged.")


class ApiErrorShapeMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = "Error"
        shaped = error_response(response.status_code, f"{phrase}.")
        if response.has_header("Allow"):
            shaped["Allow"] = response["Allow"]
        return shaped

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None
        return exception_response(request, exc)
