"""Writes for the catalogue: products and their stock.

Stock on hand is a contended counter: it changes only in ``stock_adjust`` (and, from issue 3, the
reservation services next to it), with a conditional UPDATE and F() — never read-modify-write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.businesses.models import Business
from twoway.core.errors import DomainError, FieldProblem, PermissionDenied, from_validation_error
from twoway.core.schemas import MAX_STOCK_DELTA
from twoway.core.text import clean_fields
from twoway.identity.models import User
from twoway.identity.permissions import can_manage_products_of, has_role
from twoway.reference.models import ChinaProvince, UsState

from .models import Product, ProductStatus, StockAdjustment

# What a seller (or operator) may set. Stock and the seller are not here: stock changes through
# stock_adjust, and a product never moves to another business.
EDITABLE_FIELDS = frozenset(
    {
        "sku",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "hs_code",
        "cn_tariff_line",
        "us_hts_line",
        "origin_country",
        "origin_us_state",
        "origin_cn_province",
        "unit_price",
        "currency",
        "weight_kg",
        "market_cn_export",
        "market_us_domestic",
        "market_us_import",
        "status",
        "manufacturer",
        "raw_material_suppliers",
    }
)
CREATE_ONLY_FIELDS = frozenset({"stock_on_hand"})
# Higher contexts (compliance: labor risk of import listings) register here from their
# AppConfig.ready; each hook gets the product after the create/update has committed.
PRODUCT_CHANGED_HOOKS: list[Callable[[Product], None]] = []
# Hooks that must run INSIDE the create/update transaction (compliance assesses an import
# listing's labor risk there, so a listing that will be blocked is never buyable, not even for
# the moment between commit and assessment).
PRODUCT_SAVED_HOOKS: list[Callable[[Product], None]] = []
# The same for many products at once (the bulk import): each hook gets the product ids. SAVED runs
# inside the writing transaction, CHANGED after its commit.
PRODUCTS_SAVED_MANY_HOOKS: list[Callable[[list[int]], None]] = []
PRODUCTS_CHANGED_MANY_HOOKS: list[Callable[[list[int]], None]] = []

#: Sent inside the transaction that changes listings' status (block, suspension, release):
#: ``product_ids``, ``status``, ``reason``, ``final`` (a regulator's last word), ``now``.
#: Checkout holds (or releases) the open orders on them in that same transaction.
listing_status_changed = Signal()


def _product_changed(product: Product) -> None:
    for hook in PRODUCT_SAVED_HOOKS:
        hook(product)
    for hook in PRODUCT_CHANGED_HOOKS:
        transaction.on_commit(lambda hook=hook: hook(product), robust=True)


def products_changed_many(product_ids: list[int]) -> None:
    """Tell the contexts above that many products were written (call inside the transaction)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    for hook in PRODUCTS_SAVED_MANY_HOOKS:
        hook(ids)
    for hook in PRODUCTS_CHANGED_MANY_HOOKS:
        transaction.on_commit(lambda hook=hook: hook(ids), robust=True)


def listings_status_set(
    *, product_ids: Iterable[int], status: str, reason: str, final: bool = False,
    now=None,
) -> int:
    """Set listings' status (regulators and operators; sellers use product_update) and tell the
    contexts above, in this transaction. Returns how many rows changed."""
    ids = sorted(set(product_ids))
    now = now or timezone.now()
    with transaction.atomic():
        changed = (
            Product.objects.filter(pk__in=ids).exclude(status=status)
            .update(status=status, updated_at=now)
        )
        listing_status_changed.send(
            sender=Product, product_ids=ids, status=status, reason=reason, final=final, now=now
        )
    return changed


SELLER_STATUSES = frozenset({ProductStatus.DRAFT, ProductStatus.ACTIVE})
_TEXT_FIELDS = frozenset(
    {
        "sku",
        "title_en",
        "title_zh",
        "description_en",
        "description_zh",
        "hs_code",
        "cn_tariff_line",
        "us_hts_line",
        "origin_country",
        "currency",
        "manufacturer",
        "raw_material_suppliers",
        "status",
    }
)


MAX_STOCK = 2_147_483_647  # stock_on_hand is a 32-bit integer column on every database
_MULTILINE_FIELDS = frozenset({"description_en", "description_zh", "raw_material_suppliers"})


def _check_can_manage(by: User, business: Business) -> None:
    from twoway.businesses.permissions import has_seller_permission

    if not (can_manage_products_of(by, business)
            and (by.is_operator or has_seller_permission(by, business, "catalogue"))):
        raise PermissionDenied(
            _("Only staff of this business or an operator can change its products.")
        )


def _normalize(fields: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    allowed = set(allowed)
    problems = []
    for name in sorted(fields):
        if name == "stock_on_hand" and "stock_on_hand" not in allowed:
            problems.append(
                FieldProblem(
                    name,
                    "use_stock_adjustment",
                    _("Stock changes through a stock adjustment with a reason."),
                )
            )
        elif name not in allowed:
            problems.append(
                FieldProblem(name, "unknown_field", _("%(name)s cannot be set.") % {"name": name})
            )
    if problems:
        raise DomainError("; ".join(f"{p.field}: {p.message}" for p in problems), problems)
    clean: dict[str, Any] = {}
    # Control characters refused in every text field, naming each field at fault (one validator).
    texts = clean_fields(
        {name: (None if fields[name] is None else str(fields[name]))
         for name in fields if name in _TEXT_FIELDS},
        multiline=_MULTILINE_FIELDS,
    )  # fmt: skip
    for name, value in fields.items():
        if name in _TEXT_FIELDS:
            value = texts[name]
            if name in {"origin_country", "currency"}:
                value = value.upper()
        elif name == "origin_us_state":
            value = _region(UsState, value, name)
        elif name == "origin_cn_province":
            value = _region(ChinaProvince, value, name)
        clean[name] = value
    return clean


def _region(model, value, field_name: str):
    if value in (None, "") or isinstance(value, model):
        return value or None
    code = str(value).strip().upper()
    found = model.objects.filter(pk=code).first()
    if found is None:
        raise DomainError.one(
            field_name, "region_unknown", _("Unknown code %(code)s.") % {"code": code}
        )
    return found


def _check_status(*, product: Product, by: User, new_status: str | None, old_status: str | None):
    if new_status is None or has_role(by, "operator"):
        return
    if old_status in (ProductStatus.SUSPENDED, ProductStatus.BLOCKED) and new_status != old_status:
        raise DomainError.one(
            "status",
            "status_locked",
            _("A suspended or blocked product is released by an operator or regulator only."),
            status=403,
        )
    if new_status not in SELLER_STATUSES and new_status != old_status:
        raise DomainError.one(
            "status", "status_not_allowed", _("Sellers set a product to draft or active only.")
        )
    if new_status == ProductStatus.ACTIVE and not product.business.is_verified:
        raise DomainError.one(
            "status",
            "business_not_verified",
            _("Products go on sale once the business is verified."),
        )


def _full_clean(product: Product) -> None:
    try:
        product.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def product_create(*, business: Business, by: User, **fields: Any) -> Product:
    """A new product of ``business`` (draft unless ``status="active"`` and it is verified)."""
    _check_can_manage(by, business)
    values = _normalize(fields, EDITABLE_FIELDS | CREATE_ONLY_FIELDS)
    product = Product(business=business, **values)
    _check_status(product=product, by=by, new_status=values.get("status"), old_status=None)
    _full_clean(product)
    try:
        with transaction.atomic():
            product.save()
            if product.stock_on_hand:
                StockAdjustment.objects.create(
                    product=product,
                    delta=product.stock_on_hand,
                    reason="initial stock",
                    stock_after=product.stock_on_hand,
                    by=by,
                )
            _product_changed(product)
    except IntegrityError:
        raise DomainError.one(
            "sku", "sku_taken", _("This business already has a product with this SKU.")
        ) from None
    return product


def product_update(*, product: Product, by: User, **fields: Any) -> Product:
    """Change the given fields; stock on hand is left to stock_adjust and never overwritten."""
    _check_can_manage(by, product.business)
    values = _normalize(fields, EDITABLE_FIELDS)
    fresh = Product.objects.select_related("business").get(pk=product.pk)
    old_status = fresh.status
    for name, value in values.items():
        setattr(fresh, name, value)
    _check_status(product=fresh, by=by, new_status=values.get("status"), old_status=old_status)
    _full_clean(fresh)
    # Only the columns a seller can edit (plus the ones clean() normalizes): saving the whole row
    # would write back a stale stock_on_hand over a concurrent adjustment or reservation.
    update_fields = set(values) | {"hs_code", "cn_tariff_line", "us_hts_line", "updated_at"}
    try:
        with transaction.atomic():
            fresh.save(update_fields=sorted(update_fields))
            _product_changed(fresh)
    except IntegrityError:
        raise DomainError.one(
            "sku", "sku_taken", _("This business already has a product with this SKU.")
        ) from None
    product.refresh_from_db()
    return product


def stock_adjust(*, product: Product, delta: int, reason: str, by: User) -> StockAdjustment:
    """Add (delta > 0) or remove (delta < 0) units, with a reason; never below zero."""
    _check_can_manage(by, product.business)
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise DomainError.one("delta", "integer", _("The change is a whole number of units."))
    if delta == 0:
        raise DomainError.one("delta", "delta_zero", _("A stock adjustment changes the stock."))
    if abs(delta) > MAX_STOCK_DELTA:
        raise DomainError.one(
            "delta", "out_of_range",
            _("A stock adjustment changes at most %(max)s units.") % {"max": f"{MAX_STOCK_DELTA:,}"},
        )  # fmt: skip
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.one("reason", "required", _("Say why the stock changes."))
    if len(reason) > 200:
        raise DomainError.one("reason", "max_length", _("At most 200 characters."))
    with transaction.atomic():
        rows = Product.objects.filter(pk=product.pk)
        if delta < 0:
            rows = rows.filter(stock_on_hand__gte=-delta)
        else:  # the column holds at most MAX_STOCK units
            rows = rows.filter(stock_on_hand__lte=MAX_STOCK - delta)
        updated = rows.update(stock_on_hand=F("stock_on_hand") + delta, updated_at=timezone.now())
        current = (
            Product.objects.filter(pk=product.pk).values_list("stock_on_hand", flat=True).first()
        )
        if current is None:
            raise DomainError.one("product", "not_found", _("The product does not exist."), 404)
        if not updated and delta > 0:
            raise DomainError.one(
                "delta", "out_of_range",
                _("Stock can hold at most %(max)s units.") % {"max": f"{MAX_STOCK:,}"},
            )  # fmt: skip
        if not updated:
            raise DomainError.one(
                "stock_on_hand",
                "stock_not_negative",
                _("Only %(stock)d units are on hand; cannot remove %(units)d.")
                % {"stock": current, "units": -delta},
                status=409,
            )
        adjustment = StockAdjustment.objects.create(
            product_id=product.pk, delta=delta, reason=reason, stock_after=current, by=by
        )
    product.stock_on_hand = current
    return adjustment


def products_suspend(*, product_ids: Iterable[int], by: User) -> int:
    """Operators take products off sale (admin action). Returns how many changed."""
    if not has_role(by, "operator"):
        raise PermissionDenied(_("Only operators suspend products."))
    return listings_status_set(
        product_ids=product_ids, status=ProductStatus.SUSPENDED,
        reason="The listing was suspended by an operator.",
    )
