"""Search pages (presentation): results on both storefronts, suggestions as the buyer types, the
click that tells demand signals what was opened, and the seller's demand page."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from twoway.core.errors import DomainError
from twoway.reference import labels
from twoway.reference.models import CensusRegion
from twoway.search import selectors, services
from twoway.search.backends.base import MARKETS, SORTS, Filters
from twoway.search.models import DemandNotice, DemandSubscription
from twoway.web.auth import SellerRequest, signed_in_user
from twoway.web.seller.access import seller_page

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class _Storefront(TypedDict):
    title: StrOrPromise
    url: str


STOREFRONT: dict[str, _Storefront] = {
    "cn_export": {"title": _("Search the China storefront"), "url": "search:cn"},
    "us_import": {"title": _("Search the US import storefront"), "url": "search:us_import"},
}
FILTER_PARAMS = ("chapter", "origin", "midwest", "stock", "eligible", "risk", "alt", "price")


def _chinese_first(request: HttpRequest) -> None:
    if "lang" in request.GET or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferred_language:
        return
    translation.activate("zh-hans")
    request.LANGUAGE_CODE = "zh-hans"


def filters_from(params, market: str) -> Filters:
    chapter = (params.get("chapter") or "").strip()
    origin = (params.get("origin") or "").strip().upper()
    risk = (params.get("risk") or "").strip()
    return Filters(
        chapter=chapter if labels.is_known_chapter(chapter) else None,
        origin=origin if len(origin) in (4, 5) and origin[:3] in ("US-", "CN-") else None,
        midwest=params.get("midwest") == "1" and market == "cn_export",
        in_stock=params.get("stock") == "1",
        cbec_eligible=params.get("eligible") == "1" and market == "cn_export",
        risk=risk
        if market == "us_import" and risk in ("none", "elevated", "high", "low")
        else None,
        us_alt=params.get("alt") == "1" and market == "us_import",
        band=selectors.band_by_key(market, params.get("price")),
    )


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


class _Links:
    """Query strings for facet, sort and pager links, from the current parameters."""

    def __init__(self, base: str, params: dict[str, str]) -> None:
        self.base, self.params = base, params

    def with_(self, **changes: str | None) -> str:
        kept = {k: v for k, v in {**self.params, **changes, "ref": "1"}.items() if v}
        kept.pop("page", None) if "page" not in changes else None
        return f"{self.base}?{urlencode(kept)}"


def _facet_rows(page: selectors.SearchPage, links: _Links, params: dict) -> dict:
    facets = page.facets
    chapters = [
        {"key": b.key, "label": labels.chapter_title(b.key), "count": b.count,
         "url": links.with_(chapter=None if params.get("chapter") == b.key else b.key),
         "on": params.get("chapter") == b.key}
        for b in sorted(facets.get("chapter", []), key=lambda b: -b.count)
    ]  # fmt: skip
    origins = []
    if "origin" in facets:
        from twoway.reference.models import UsState

        states = {s.code: s for s in UsState.objects.all()}
        for b in sorted(facets["origin"], key=lambda b: -b.count):
            code = b.key[3:]
            state = states.get(code)
            origins.append({
                "key": b.key, "count": b.count,
                "label": labels.state_name(code, state.name) if state else b.key,
                "midwest": bool(state and state.region == CensusRegion.MIDWEST),
                "url": links.with_(origin=None if params.get("origin") == b.key else b.key),
                "on": params.get("origin") == b.key,
            })  # fmt: skip

    def count(name: str, key: str = "true") -> int:
        return next((b.count for b in facets.get(name, []) if b.key == key), 0)

    bands = [
        {"key": b.key, "count": next((x.count for x in facets.get("price", []) if x.key == b.key), 0),
         "url": links.with_(price=None if params.get("price") == b.key else b.key),
         "on": params.get("price") == b.key, "low": b.low, "high": b.high}
        for b in page.bands
    ]  # fmt: skip
    risks = [
        {"key": b.key, "count": b.count,
         "url": links.with_(risk=None if params.get("risk") == b.key else b.key),
         "on": params.get("risk") == b.key}
        for b in facets.get("risk", []) if b.key != "unassessed"
    ]  # fmt: skip
    flags = {}
    for name, param in (("midwest", "midwest"), ("in_stock", "stock"),
                        ("cbec_eligible", "eligible"), ("us_alt", "alt")):  # fmt: skip
        if name in facets:
            on = params.get(param) == "1"
            flags[name] = {
                "count": count(name),
                "on": on,
                "url": links.with_(**{param: None if on else "1"}),
            }
    return {
        "chapters": chapters, "origins_midwest": [o for o in origins if o["midwest"]],
        "origins_other": [o for o in origins if not o["midwest"]], "bands": bands,
        "risks": risks, "flags": flags,
    }  # fmt: skip


def _search(request: HttpRequest, market: str) -> HttpResponse:
    if market == "cn_export":
        _chinese_first(request)
    query = (request.GET.get("q") or "").strip()[:200]
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else "relevance"
    number = _page_number(request.GET.get("page"))
    page = selectors.search_page(
        query=query,
        market=market,
        filters=filters_from(request.GET, market),
        sort=sort,
        page=number,
        group_variants=True,  # a variant group is one result, as on the storefront
    )
    if page.stale:  # blocked or taken off sale since indexed: the drain re-indexes them
        services.outbox_enqueue(product_ids=page.stale)
    log_id = None
    if query and number == 1 and request.GET.get("ref") != "1":
        if not request.session.session_key:
            request.session.save()
        log_id = services.search_log_record(
            query=query, language=page.language, market=market,
            province=selectors.buyer_province(request.user) if market == "cn_export" else "",
            hs_chapter=page.hs_chapter, result_count=page.total,
            session_key=str(request.session.session_key),  # set: save() above
        ).pk  # fmt: skip
    log_id = log_id or _int(request.GET.get("log"))
    base = reverse(STOREFRONT[market]["url"])
    params = {k: request.GET.get(k, "") for k in ("q", "sort", *FILTER_PARAMS)}
    if log_id:
        params["log"] = str(log_id)
    links = _Links(base, params)
    context = {
        "market": market,
        "storefront": STOREFRONT[market],
        "search_url": base,
        "page": page,
        "query": query,
        "sort": sort,
        "sorts": [
            (key, label, links.with_(sort=key))
            for key, label in (
                ("relevance", _("Best match")),
                ("price_asc", _("Price: low to high")),
                ("price_desc", _("Price: high to low")),
                ("newest", _("Newest")),
                ("sales", _("Best selling")),
            )
        ],  # fmt: skip
        "facets": _facet_rows(page, links, params),
        "clear_url": links.with_(**dict.fromkeys(FILTER_PARAMS)),
        "any_filter": any(params.get(k) for k in FILTER_PARAMS),
        "next_url": links.with_(page=str(page.page + 1)) if page.has_next else "",
        "previous_url": links.with_(page=str(page.page - 1)) if page.page > 1 else "",
        "log_id": log_id,
    }
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "search/_results.html" if partial else "search/results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def search_cn(request: HttpRequest) -> HttpResponse:
    return _search(request, "cn_export")


def search_us_import(request: HttpRequest) -> HttpResponse:
    return _search(request, "us_import")


def suggest(request: HttpRequest) -> HttpResponse:
    market = request.GET.get("market", "")
    market = market if market in MARKETS else "cn_export"
    prefix = (request.GET.get("q") or "").strip()[:60]
    items = selectors.suggestions(prefix=prefix, market=market) if prefix else []
    base = reverse(STOREFRONT[market]["url"])
    rows = [(s, f"{base}?{urlencode({'q': s.text})}") for s in items]
    return render(request, "search/_suggest.html", {"rows": rows, "prefix": prefix})


def go(request: HttpRequest, log_id: int, product_id: int) -> HttpResponse:
    """A result was opened: note it on the search's log row (same session only), then go."""
    if request.session.session_key:
        services.search_click_record(log_id=log_id, product_id=product_id, session=request.session)
    from twoway.catalog.models import Product

    product = Product.objects.filter(pk=product_id).only("id", "market_us_import").first()
    if product is None:
        raise Http404
    if product.market_us_import:
        return HttpResponseRedirect(reverse("us_import:product", args=[product_id]))
    return HttpResponseRedirect(reverse("web:product_detail", args=[product_id]))


# --- the seller's demand page ---------------------------------------------------------------


@seller_page("catalogue")
def demand(request: SellerRequest) -> HttpResponse:
    business = request.seller_business
    report = selectors.demand_report(business=business)
    DemandNotice.objects.filter(business=business, read=False).update(read=True)
    context = {
        "business": business,
        "report": report,
        "chapter_rows": [(c, labels.chapter_title(c)) for c in report.chapters],
        "error": request.GET.get("error", ""),
    }
    return render(request, "search/demand.html", context)


@seller_page("catalogue")
@require_POST
def demand_subscribe(request: SellerRequest) -> HttpResponse:
    business = request.seller_business
    try:
        services.demand_subscribe(
            business=business, by=signed_in_user(request), query=request.POST.get("query", ""),
            hs_chapter=request.POST.get("hs_chapter", ""),
        )  # fmt: skip
    except DomainError as exc:
        report = selectors.demand_report(business=business)
        context = {
            "business": business, "report": report,
            "chapter_rows": [(c, labels.chapter_title(c)) for c in report.chapters],
            "error": exc.problems[0].message if exc.problems else str(exc),
        }  # fmt: skip
        return render(request, "search/demand.html", context, status=exc.status)
    return redirect("search:demand")


@seller_page("catalogue")
@require_POST
def demand_unsubscribe(request: SellerRequest, subscription_id: int) -> HttpResponse:
    business = request.seller_business
    sub = get_object_or_404(DemandSubscription, pk=subscription_id, business=business)
    services.demand_unsubscribe(subscription=sub, by=signed_in_user(request))
    return redirect("search:demand")
