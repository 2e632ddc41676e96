"""Sign-up for consumers (in China, in the US) and sellers (US, China), and the seller's
business verification step. Thin: parse, call identity/businesses services, render."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from twoway.businesses.services import business_register
from twoway.core.errors import DomainError
from twoway.identity.models import Role
from twoway.identity.permissions import role_required
from twoway.identity.services import account_sign_up
from twoway.web.auth import signed_in_user
from twoway.web.seller.access import current_membership

from .forms import BusinessForm, SignUpForm

#: URL slug → (role, country of a seller's business, title, lead, where to go next)
KINDS = {
    "consumer-cn": (
        Role.CONSUMER_CN,
        "",
        _("Buy US goods in China"),
        _(
            "Shop US small businesses' goods with the cross-border tax included, within your "
            "personal quota. You add the buyer's real name when you check out."
        ),
        "web:storefront_cn",
    ),
    "consumer-us": (
        Role.CONSUMER_US,
        "",
        _("Buy imports in the US"),
        _("See the duties, the labor-risk checks and US-made alternatives before you buy."),
        "web:storefront_us_imports",
    ),
    "seller-us": (
        Role.SELLER_STAFF,
        "US",
        _("Sell to China as a US business"),
        _(
            "List your goods for consumers in China. Next you register your business with its "
            "EIN, and can attest that your goods are Made in USA."
        ),
        "web:seller_business",
    ),
    "seller-cn": (
        Role.SELLER_STAFF,
        "CN",
        _("Sell to the US as a Chinese business"),
        _(
            "List your goods for US consumers. Next you register your business with its Unified "
            "Social Credit Code."
        ),
        "web:seller_business",
    ),
}


def _put_errors(form, exc: DomainError, fields: dict[str, str] | None = None) -> list[str]:
    """Errors naming a form field go next to it; the rest are returned for the page's top."""
    other = []
    for problem in exc.problems or []:
        name = (fields or {}).get(problem.field, problem.field)
        if name in form.fields:
            form.add_error(name, problem.message)
        else:
            other.append(problem.message)
    if not exc.problems:
        other.append(exc.message)
    return other


def sign_up_choose(request: HttpRequest) -> HttpResponse:
    kinds = [(slug, title, lead) for slug, (_r, _c, title, lead, _n) in KINDS.items()]
    return render(request, "web/signup_choose.html", {"kinds": kinds})


def sign_up(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    role, country, title, lead, next_url = KINDS[kind]
    form = SignUpForm(request.POST or None)
    context = {"form": form, "kind": kind, "title": title, "lead": lead, "errors": []}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_sign_up(
                email=data["email"],
                password=data["password"],
                role=role,
                preferred_language=translation.get_language() or "",
            )
        except DomainError as exc:
            context["errors"] = _put_errors(
                form, exc, {"username": "email", "password": "password"}
            )
            return render(request, "web/signup.html", context, status=exc.status)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        wanted = request.GET.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):  # e.g. back to a staff invitation, to accept it
            return redirect(wanted)
        if country:
            return redirect(f"/seller/business/?country={country}")
        return redirect(next_url)
    return render(request, "web/signup.html", context, status=400 if form.is_bound else 200)


@role_required(Role.SELLER_STAFF)
def seller_business(request: HttpRequest) -> HttpResponse:
    """The seller's business verification step: registration number, place, Made in USA."""
    owner = signed_in_user(request)
    if current_membership(request) is not None:  # works for a business already
        return redirect("web:seller_center")
    country = (request.POST.get("country") or request.GET.get("country") or "US").upper()
    if country not in ("US", "CN"):
        country = "US"
    form = BusinessForm(request.POST or None, country=country)
    context = {"form": form, "country": country, "errors": []}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            business_register(
                legal_name=data["legal_name"],
                display_name_zh=data.get("display_name_zh", ""),
                country=country,
                us_state=data.get("us_state") or None,
                cn_province=data.get("cn_province") or None,
                city=data["city"],
                postal_code=data["postal_code"],
                employee_count=data["employee_count"],
                registration_number=data["registration_number"],
                made_in_usa_attested=bool(data.get("made_in_usa_attested")),
                made_in_usa_statement=data.get("made_in_usa_statement", ""),
                owner=owner,
            )
        except DomainError as exc:
            context["errors"] = _put_errors(form, exc)
            return render(request, "web/seller_business.html", context, status=exc.status)
        return redirect("/seller/?registered=1")
    return render(
        request, "web/seller_business.html", context, status=400 if form.is_bound else 200
    )
