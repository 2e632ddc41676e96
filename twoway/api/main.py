"""One NinjaAPI for sellers' systems; each context mounts its own router here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from twoway.core.errors import DomainError

api = NinjaAPI(
    title="Twoway API",
    version="1.0.0",
    description=(
        "REST API for sellers' systems, consumers' apps and regulators. Errors always have the "
        "shape {message, errors: [{field, rule, message}]}."
    ),
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "query", "path", "payload")]
        problems.append(
            {
                "field": ".".join(loc) or "__all__",
                "rule": err.get("type", "invalid"),
                "message": err.get("msg", "Invalid value."),
            }
        )
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return api.create_response(request, {"message": summary, "errors": problems}, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"message": "Authentication required.", "errors": []}, status=401
    )


def _mount_routers() -> None:
    from twoway.catalog.api import router as catalog_router
    from twoway.reference.api import router as reference_router

    api.add_router("/reference/", reference_router)
    api.add_router("/catalog/", catalog_router)


_mount_routers()
