"""Thin page views: parse the request, call a selector or a service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from twoway.catalog.models import ProductStatus
from twoway.catalog.selectors import (
    images_for_display,
    product_get,
    variant_choice,
    variants_of,
)
from twoway.identity.models import Role
from twoway.identity.services import user_language_set
from twoway.reference import labels
from twoway.web.checkout.page_data import card_prices_cny_for, landed_price_for, us_made_picks

from . import selectors
from .auth import signed_in_user

LANGUAGES = {code for code, _name in settings.LANGUAGES}

STOREFRONTS = {
    "cn_export": {
        "url_name": "web:storefront_cn",
        "title": _("China storefront"),
        "lead": _(
            "Goods made by US small businesses, sold to consumers in China through "
            "cross-border e-commerce."
        ),
    },
    "us_import": {
        "url_name": "web:storefront_us_imports",
        "title": _("US import storefront"),
        "lead": _(
            "Goods from Chinese sellers, imported to the US. Duties and labor-risk checks are "
            "shown before you buy."
        ),
    },
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"figures": selectors.home_figures()})


def _no_language_chosen(request: HttpRequest) -> bool:
    if "lang" in request.GET or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated and user.preferred_language)


def _clean_chapter(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if labels.is_known_chapter(value) else None


def _clean_state(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    return value if len(value) == 2 and value.isalpha() else None


def _clean_page(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _query(**params: object) -> str:
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else "?"


def _storefront(request: HttpRequest, *, market: str, chinese_first: bool) -> HttpResponse:
    if chinese_first and _no_language_chosen(request):
        translation.activate("zh-hans")
        request.LANGUAGE_CODE = "zh-hans"
    chapter = _clean_chapter(request.GET.get("chapter"))
    state = _clean_state(request.GET.get("state")) if market == "cn_export" else None
    # Import storefront filters (issue 5): "prefer US-made" and "hide high labor risk".
    flags = {
        name: "1"
        for name in ("us_made", "low_risk")
        if market == "us_import" and request.GET.get(name) == "1"
    }
    page = selectors.product_page(
        market=market,
        chapter=chapter,
        state=state,
        page=_clean_page(request.GET.get("page")),
        hide_high_risk="low_risk" in flags,
    )
    chapters = selectors.chapter_counts(market=market, state=state)
    states = selectors.state_counts(market=market, chapter=chapter) if market == "cn_export" else []
    context = {
        "storefront": STOREFRONTS[market],
        "market": market,
        "chapter": chapter,
        "chapter_title": labels.chapter_title(chapter) if chapter else "",
        "state": state,
        "state_label": next((s.name for s in states if s.code == state), state or ""),
        "page": page,
        "chapters": [(c, _query(chapter=c.code, state=state, **flags)) for c in chapters],
        "states_midwest": [
            (s, _query(chapter=chapter, state=s.code)) for s in states if s.is_midwest
        ],
        "states_other": [
            (s, _query(chapter=chapter, state=s.code)) for s in states if not s.is_midwest
        ],
        "all_chapters_query": _query(state=state, **flags),
        "all_states_query": _query(chapter=chapter),
        "previous_query": _query(
            chapter=chapter, state=state, page=page.number - 1 if page.number > 2 else None, **flags
        ),
        "next_query": _query(chapter=chapter, state=state, page=page.number + 1, **flags),
        "flags": flags,
        "us_made_picks": (us_made_picks(chapter=chapter) if "us_made" in flags else []),
        # A buyer in China pays CNY with the CBEC tax: the cards show that, not only USD (a
        # variant group's lowest, "from ¥…").
        "cny_prices": (card_prices_cny_for(cards=page.cards) if market == "cn_export" else {}),
    }
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "web/_catalogue.html" if partial else "web/storefront.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def storefront_cn(request: HttpRequest) -> HttpResponse:
    return _storefront(request, market="cn_export", chinese_first=True)


def storefront_us_imports(request: HttpRequest) -> HttpResponse:
    return _storefront(request, market="us_import", chinese_first=False)


def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = product_get(product_id=product_id)
    if product is None:
        raise Http404
    if product.status != ProductStatus.ACTIVE and not selectors.user_works_for(
        user=request.user, business_id=product.business_id
    ):
        raise Http404
    if product.market_cn_export:
        back_url_name, back_title = "web:storefront_cn", STOREFRONTS["cn_export"]["title"]
    elif product.market_us_import:
        back_url_name, back_title = "web:storefront_us_imports", STOREFRONTS["us_import"]["title"]
    else:
        back_url_name, back_title = "web:home", _("Home")
    context = {
        "product": product,
        "chapter_title": labels.chapter_title(product.hs_chapter),
        "back_url_name": back_url_name,
        "back_title": back_title,
        "back_query": _query(chapter=product.hs_chapter),
        "landed": landed_price_for(product=product) if product.market_cn_export else None,
        "images": images_for_display(product=product),
        "choice": variant_choice(
            product=product,
            variants=variants_of(
                product=product, market="cn_export" if product.market_cn_export else None
            ),
        ),
    }
    return render(request, "web/product_detail.html", context)


@login_required
def seller_center(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if user.role != Role.SELLER_STAFF:
        return render(request, "web/seller_not_for_you.html", status=403)
    from twoway.businesses.permissions import seller_permissions
    from twoway.businesses.selectors import memberships_of

    from .seller.access import current_membership

    membership = current_membership(request)
    permissions = seller_permissions(membership)
    center = selectors.seller_center_for(
        membership=membership, with_products="catalogue" in permissions
    )
    context = {
        "center": center,
        "membership": membership,
        "seller_perms": permissions,
        "memberships": list(memberships_of(user=user)),
    }
    return render(request, "web/seller_center.html", context)


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "web/sources.html", {"datasets": selectors.reference_datasets()})


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + redirect back), and for a signed-in user, kept on the user."""
    chosen = request.POST.get("language", "")
    if chosen not in LANGUAGES:
        return HttpResponseBadRequest("Unknown language.")
    response = set_language(request)
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=chosen)
    return response
