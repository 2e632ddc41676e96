"""Writes of the search context: the outbox and the index, the anonymous search log, sellers'
demand subscriptions and their notices."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.businesses.models import Business
from twoway.core.errors import DomainError, PermissionDenied
from twoway.identity.models import User
from twoway.identity.permissions import can_manage_products_of

from . import documents
from .backends import tantivy_backend
from .models import DemandNotice, DemandSubscription, SearchLog, SearchOutbox
from .rules.analyze import fold
from .rules.demand import demand_rose

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from django.contrib.sessions.backends.base import SessionBase

    from twoway.catalog.models import Product

logger = logging.getLogger(__name__)

DRAIN_BATCH = 2000
SESSION_CLICKS = "search_clicks"
MAX_SESSION_CLICKS = 50
DEMAND_WINDOW = dt.timedelta(days=7)


# --- the outbox and the index ---------------------------------------------------------------


def outbox_enqueue(*, product_ids: Iterable[int]) -> int:
    rows = [SearchOutbox(product_id=int(pid)) for pid in dict.fromkeys(product_ids)]
    SearchOutbox.objects.bulk_create(rows)
    return len(rows)


def on_product_changed(product: Product) -> None:
    """Catalogue hook (after commit of a create or update): queue the product for the index."""
    outbox_enqueue(product_ids=[product.pk])


def on_products_changed(product_ids: list[int]) -> None:
    """Catalogue hook for many products (bulk import, after commit)."""
    from django.db import connection

    if connection.vendor == "postgresql":  # one statement, the ids as one array parameter
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SearchOutbox._meta.db_table} (product_id, created_at) "
                "SELECT unnest(%s::bigint[]), %s",
                [[int(pid) for pid in product_ids], timezone.now()],
            )
        return
    SearchOutbox.objects.bulk_create(
        [SearchOutbox(product_id=int(pid)) for pid in product_ids], batch_size=5000
    )


def outbox_drain(*, limit: int = DRAIN_BATCH) -> int:
    """Write the queued products into the index (removing those no longer shown); returns how
    many products were processed. Runs every few seconds (Celery beat: ``search.outbox_drain``).
    Another writer at work (a rebuild, a drain in another process) → nothing now, next run."""
    rows = list(SearchOutbox.objects.order_by("id").values_list("id", "product_id")[:limit])
    if not rows:
        return 0
    last_id = rows[-1][0]
    backend = tantivy_backend()
    if not backend.available():
        # No index yet: the next full rebuild reads the whole catalogue anyway.
        SearchOutbox.objects.filter(id__lte=last_id).delete()
        return 0
    ids = list(dict.fromkeys(pid for _id, pid in rows))
    docs = documents.documents_for(documents.products_by_id(ids))
    kept = {d.product_id for d in docs}
    try:
        backend.upsert(docs, remove=[pid for pid in ids if pid not in kept])
    except ValueError as exc:
        if "LockBusy" in str(exc) or "lock" in str(exc).lower():
            logger.info("search: index writer busy, outbox left for the next run")
            return 0
        raise
    SearchOutbox.objects.filter(id__lte=last_id).delete()
    return len(ids)


def index_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Every active storefront product into a fresh index, then switch to it. Products changed
    meanwhile stay in the outbox and are drained afterwards."""
    total = documents.active_count()
    return tantivy_backend().rebuild(documents.all_documents(), total=total, progress=progress)


# --- the anonymous search log ---------------------------------------------------------------


def session_hash(session_key: str) -> str:
    """A keyed hash of the session key: sessions can be told apart, not recovered."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"search:{session_key}".encode(), hashlib.sha256).hexdigest()


def search_log_record(
    *, query: str, language: str, market: str, province: str, hs_chapter: str,
    result_count: int, session_key: str,
) -> SearchLog:  # fmt: skip
    return SearchLog.objects.create(
        query=query[:200],
        query_norm=fold(query)[:200],
        language=language[:2],
        market=market,
        province=(province or "")[:2],
        hs_chapter=(hs_chapter or "")[:2],
        result_count=max(0, int(result_count)),
        session_hash=session_hash(session_key),
    )


def search_click_record(*, log_id: int, product_id: int, session: SessionBase) -> bool:
    """The buyer opened a result. Only the session that searched can mark its own log row."""
    digest = session_hash(session.session_key or "")
    updated = SearchLog.objects.filter(pk=log_id, session_hash=digest).update(
        clicked_product_id=product_id
    )
    if updated:
        clicks = dict(session.get(SESSION_CLICKS, {}))
        clicks[str(product_id)] = log_id
        session[SESSION_CLICKS] = dict(list(clicks.items())[-MAX_SESSION_CLICKS:])
    return bool(updated)


def search_purchase_attribute(*, session: SessionBase, product_ids: Iterable[int]) -> int:
    """Called by the checkout pages once a purchase is placed: the searches whose click led to one
    of these products are marked as having led to a purchase."""
    clicks = session.get(SESSION_CLICKS) or {}
    log_ids = [clicks[str(pid)] for pid in product_ids if str(pid) in clicks]
    if not log_ids:
        return 0
    return SearchLog.objects.filter(pk__in=log_ids).update(bought=True)


# --- demand subscriptions -------------------------------------------------------------------


def _check_seller(by: User, business: Business) -> None:
    if not can_manage_products_of(by, business):
        raise PermissionDenied(_("Only this seller's staff can manage its demand alerts."))


def demand_subscribe(
    *, business: Business, by: User, query: str = "", hs_chapter: str = "", email: str = ""
) -> DemandSubscription:
    _check_seller(by, business)
    query_norm = fold(query)[:200]
    hs_chapter = (hs_chapter or "").strip()
    if not query_norm and not hs_chapter:
        raise DomainError.one(
            "query", "query_or_chapter", _("Give a search term or choose a category to follow.")
        )
    if hs_chapter and not (len(hs_chapter) == 2 and hs_chapter.isdigit()):
        raise DomainError.one("hs_chapter", "chapter_format", _("An HS chapter has two digits."))
    with transaction.atomic():
        sub, _created = DemandSubscription.objects.get_or_create(
            business=business, query_norm=query_norm, hs_chapter=hs_chapter,
            defaults={"email": email or by.email},
        )  # fmt: skip
    return sub


def demand_unsubscribe(*, subscription: DemandSubscription, by: User) -> None:
    _check_seller(by, subscription.business)
    subscription.delete()


def _matching(sub: DemandSubscription) -> Q:
    q = Q(market="cn_export")
    if sub.query_norm:
        q &= Q(query_norm__contains=sub.query_norm)
    if sub.hs_chapter:
        q &= Q(hs_chapter=sub.hs_chapter)
    return q


def demand_notify(*, now: dt.datetime | None = None) -> int:
    """Compare each subscription's searches in the last week with the week before; when demand
    rose (``rules.demand.demand_rose``), write a notice for the seller center and email it.
    Runs daily (Celery beat: ``search.demand_notify``). Returns the notices written."""
    now = now or timezone.now()
    this_week = now - DEMAND_WINDOW
    last_week = this_week - DEMAND_WINDOW
    written = 0
    for sub in DemandSubscription.objects.select_related("business").order_by("id"):
        counts = SearchLog.objects.filter(_matching(sub), created_at__gte=last_week).aggregate(
            current=Count("id", filter=Q(created_at__gte=this_week)),
            previous=Count("id", filter=Q(created_at__lt=this_week)),
        )
        current, previous = counts["current"], counts["previous"]
        already_told = sub.last_checked_at is not None and sub.last_checked_at > this_week
        rose = demand_rose(previous=previous, current=current) and not (
            already_told and current <= sub.last_week_count
        )
        with transaction.atomic():
            if rose:
                notice = DemandNotice.objects.create(
                    subscription=sub, business=sub.business,
                    previous_count=previous, current_count=current,
                )  # fmt: skip
                if sub.email:
                    notice.emailed = _email_notice(sub, previous, current) > 0
                    notice.save(update_fields=["emailed"])
                written += 1
            sub.last_week_count = current
            sub.last_checked_at = now
            sub.save(update_fields=["last_week_count", "last_checked_at"])
    return written


def _email_notice(sub: DemandSubscription, previous: int, current: int) -> int:
    what = sub.query_norm or _("HS chapter %(chapter)s") % {"chapter": sub.hs_chapter}
    subject = _("Twoway: more buyers in China are searching for %(what)s") % {"what": what}
    body = _(
        "Searches on the Twoway China storefront for %(what)s: %(current)s in the last 7 days, "
        "%(previous)s in the 7 days before.\n\nSee what buyers in China are looking for in your "
        "seller center: /seller/demand/"
    ) % {"what": what, "current": current, "previous": previous}
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [sub.email], fail_silently=True)


# --- after the demo seed --------------------------------------------------------------------


def after_seed(*, seed: int = 1, stdout: SupportsWrite[str] | None = None) -> None:
    """The end of ``twoway seed``: demo searches (if the log is empty) and a full index rebuild."""
    from .demo import demo_searches_seed

    made = demo_searches_seed(seed=seed)
    n = index_rebuild()
    SearchOutbox.objects.all().delete()
    if stdout is not None:
        stdout.write(f"search: index rebuilt with {n} products; {made} demo searches logged")
