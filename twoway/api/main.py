"""One NinjaAPI for sellers' systems; each context mounts its own router here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from twoway.core.errors import DomainError

from .errors import problem_of

ROUTERS_PACKAGE = "twoway.api.routers."


class TwowayAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """``<module>_<function>`` as ninja names it, with a router under ``api/routers/<area>.py``
        keeping the id it had as ``twoway/<area>/api.py``: clients generated from the schema do
        not change when a router moves to the presentation layer."""
        module = operation.view_func.__module__
        if module.startswith(ROUTERS_PACKAGE):
            module = f"twoway.{module[len(ROUTERS_PACKAGE) :].split('.')[0]}.api"
        return (module + "_" + operation.view_func.__name__).replace(".", "_")


api = TwowayAPI(
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
    problems = [problem_of(err) for err in exc.errors]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return api.create_response(request, {"message": summary, "errors": problems}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # e.g. the session's CSRF check: same shape as every other error.
    return api.create_response(
        request, {"message": str(exc.message), "errors": []}, status=exc.status_code
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"message": "Authentication required.", "errors": []}, status=401
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"message": "Not found.", "errors": []}, status=404)


def _mount_routers() -> None:
    from .routers.businesses import router as businesses_router
    from .routers.catalog import router as catalog_router
    from .routers.identity import router as identity_router
    from .routers.reference import router as reference_router

    api.add_router("/reference/", reference_router)
    api.add_router("/catalog/", catalog_router)
    api.add_router("/businesses", businesses_router)
    api.add_router("/me", identity_router)
    from twoway.api.routers.checkout import router as checkout_router
    from twoway.api.routers.real_name import router as real_name_router
    from twoway.api.routers.seller import router as seller_router

    api.add_router("/checkout", real_name_router)  # real-name identities (paths kept)
    api.add_router("/checkout", checkout_router)
    from .routers.dashboard import router as dashboard_router  # trade dashboard (public)

    api.add_router("/dashboard", dashboard_router)
    api.add_router("/seller", seller_router)
    from .routers.seller_imports import router as seller_imports_router  # catalogue imports

    api.add_router("/seller", seller_imports_router)
    from .routers.compliance import router as compliance_router  # regulators' queue

    api.add_router("/compliance", compliance_router)
    from twoway.api.routers.after_sales import (
        router as after_sales_router,  # cancel, returns, refunds
    )

    api.add_router("/after-sales", after_sales_router)
    from .routers.search import router as search_router  # bilingual product search (public)

    api.add_router("/search", search_router)


_mount_routers()
