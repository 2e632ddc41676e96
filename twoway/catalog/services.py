"""Writes for the catalogue: products and their stock.

Stock on hand is a contended counter: it changes only in ``stock_adjust`` (and, from issue 3, the
reservation services next to it), with a conditional UPDATE and F() — never read-modify-write.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from twoway.businesses.models import Business
from twoway.core.errors import DomainError, FieldProblem, PermissionDenied, from_validation_error
from twoway.core.schemas import MAX_STOCK_DELTA
from twoway.core.text import clean_fields
from twoway.identity.models import User
from twoway.identity.permissions import can_manage_products_of, has_role
from twoway.reference.models import ChinaProvince, UsState

from .models import Product, ProductGroup, ProductImage, ProductStatus, StockAdjustment
from .rules.images import ImageRejected, process_image
from .rules.listing import needs_chinese
from .selectors import variant_zh_draft

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
        # issue 13: the listing editor
        "length_cm",
        "width_cm",
        "height_cm",
        "zh_is_draft",
        "made_in_usa_attested",
        "group",
        "variant_size",
        "variant_colour",
        "variant_size_zh",
        "variant_colour_zh",
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


_T = TypeVar("_T")


def _later(hook: Callable[[_T], None], arg: _T) -> Callable[[], None]:
    """``hook(arg)`` as a callback (a function, so Django's robust on_commit can name it)."""

    def call() -> None:
        hook(arg)

    return call


def _product_changed(product: Product) -> None:
    for hook in PRODUCT_SAVED_HOOKS:
        hook(product)
    for hook in PRODUCT_CHANGED_HOOKS:
        transaction.on_commit(_later(hook, product), robust=True)


def products_changed_many(product_ids: list[int]) -> None:
    """Tell the contexts above that many products were written (call inside the transaction)."""
    ids = sorted(set(product_ids))
    if not ids:
        return
    for hook in PRODUCTS_SAVED_MANY_HOOKS:
        hook(ids)
    for hook in PRODUCTS_CHANGED_MANY_HOOKS:
        transaction.on_commit(_later(hook, ids), robust=True)


def listings_status_set(
    *,
    product_ids: Iterable[int],
    status: str,
    reason: str,
    final: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """Set listings' status (regulators and operators; sellers use product_update) and tell the
    contexts above, in this transaction. Returns how many rows changed."""
    ids = sorted(set(product_ids))
    now = now or timezone.now()
    with transaction.atomic():
        changed = (
            Product.objects.filter(pk__in=ids)
            .exclude(status=status)
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
        "variant_size",
        "variant_colour",
        "variant_size_zh",
        "variant_colour_zh",
    }
)


MAX_STOCK = 2_147_483_647  # stock_on_hand is a 32-bit integer column on every database
_MULTILINE_FIELDS = frozenset({"description_en", "description_zh", "raw_material_suppliers"})


def _check_can_manage(by: User, business: Business) -> None:
    from twoway.businesses.permissions import has_seller_permission

    if not (
        can_manage_products_of(by, business)
        and (by.is_operator or has_seller_permission(by, business, "catalogue"))
    ):
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
        elif name == "group":
            value = _group(value)
        clean[name] = value
    return clean


def _region(
    model: type[UsState] | type[ChinaProvince], value: Any, field_name: str
) -> UsState | ChinaProvince | None:
    if value in (None, "") or isinstance(value, model):
        return value or None
    code = str(value).strip().upper()
    found = model.objects.filter(pk=code).first()
    if found is None:
        raise DomainError.one(
            field_name, "region_unknown", _("Unknown code %(code)s.") % {"code": code}
        )
    return found


def _group(value: Any) -> ProductGroup | None:
    if value in (None, "") or isinstance(value, ProductGroup):
        return value or None
    try:
        found = ProductGroup.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise DomainError.one("group", "group_unknown", _("This product group does not exist."))
    return found


def _check_status(
    *, product: Product, by: User, new_status: str | None, old_status: str | None
) -> None:
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


def _full_clean(row: models.Model) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def _listing_rules(product: Product, *, by: User, attested_before: bool) -> list[str]:
    """The editor's rules beyond one row's model checks. Returns notices (not errors) for the
    seller, e.g. that an unconfirmed Chinese draft keeps the listing a draft."""
    problems: list[FieldProblem] = []
    notices: list[str] = []
    group = product.group if product.group_id else None
    if group is not None and group.business_id != product.business_id:
        problems.append(
            FieldProblem(
                "group",
                "group_other_business",
                _("A variant belongs to a product group of the same business."),
            )
        )
    if product.made_in_usa_attested and product.origin_country != "US":
        problems.append(
            FieldProblem(
                "made_in_usa_attested",
                "made_in_usa_needs_us_origin",
                _("Only goods made in the US can be attested Made in USA."),
            )
        )
    if problems:
        raise DomainError("; ".join(f"{p.field}: {p.message}" for p in problems), problems)
    if product.made_in_usa_attested and not attested_before:
        product.made_in_usa_attested_by = by
        product.made_in_usa_attested_at = timezone.now()
    elif not product.made_in_usa_attested:
        product.made_in_usa_attested_by = None
        product.made_in_usa_attested_at = None
    if product.zh_is_draft and product.status == ProductStatus.ACTIVE:
        product.status = ProductStatus.DRAFT
        notices.append(
            str(
                _(
                    "The Chinese title and description are an unconfirmed draft: the listing stays a "
                    "draft until you confirm them."
                )
            )
        )
    return notices


def listing_validate(
    *, business: Business, by: User, fields: dict[str, Any], product: Product | None = None
) -> tuple[Product, dict[str, Any], list[str]]:
    """Every listing rule, without writing: the one validation the listing editor, the bulk
    import and the API share. ``product`` None validates a new listing of ``business``; otherwise
    the changes to ``product`` (stock not editable there). Returns the product as it would be
    saved (unsaved), the normalized values, and notices for the seller; raises DomainError naming
    each field and rule."""
    _check_can_manage(by, business)
    if product is None:
        values = _normalize(fields, EDITABLE_FIELDS | CREATE_ONLY_FIELDS)
        candidate = Product(business=business, **values)
        old_status, attested_before = None, False
    else:
        values = _normalize(fields, EDITABLE_FIELDS)
        candidate = product
        old_status, attested_before = product.status, product.made_in_usa_attested
        for name, value in values.items():
            setattr(candidate, name, value)
    _check_status(product=candidate, by=by, new_status=values.get("status"), old_status=old_status)
    _full_clean(candidate)
    notices = _listing_rules(candidate, by=by, attested_before=attested_before)
    return candidate, values, notices


def product_create(*, business: Business, by: User, **fields: Any) -> Product:
    """A new product of ``business`` (draft unless ``status="active"`` and it is verified)."""
    product, _values, notices = listing_validate(business=business, by=by, fields=fields)
    product.notices = notices  # shown by the editor; not a column
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


#: Columns the editor's rules may change besides the ones a caller sends.
_DERIVED_COLUMNS = frozenset(
    {
        "hs_code",
        "cn_tariff_line",
        "us_hts_line",
        "updated_at",
        "status",
        "made_in_usa_attested_by",
        "made_in_usa_attested_at",
    }
)


def product_update(*, product: Product, by: User, **fields: Any) -> Product:
    """Change the given fields; stock on hand is left to stock_adjust and never overwritten.

    A variant's name is its group's: renaming one variant (``title_en``, ``title_zh``) renames
    the group and every other variant of it in the same transaction, each checked by the same
    listing rules (the storefront card shows the group's name, the product page the variant's).
    """
    _check_can_manage(by, product.business)
    fresh = Product.objects.select_related("business").get(pk=product.pk)
    old_name = (fresh.title_en, fresh.title_zh)
    fresh, values, notices = listing_validate(
        business=fresh.business, by=by, fields=fields, product=fresh
    )
    group_id = fresh.group_id
    renamed = group_id is not None and (fresh.title_en, fresh.title_zh) != old_name
    # Only the columns a seller can edit (plus the ones clean() normalizes): saving the whole row
    # would write back a stale stock_on_hand over a concurrent adjustment or reservation.
    update_fields = set(values) | _DERIVED_COLUMNS
    try:
        with transaction.atomic():
            if group_id is not None and renamed:
                # the group row first: two renames of one group go one after the other
                list(ProductGroup.objects.select_for_update().filter(pk=group_id))
            fresh.save(update_fields=sorted(update_fields))
            _product_changed(fresh)
            if renamed:
                notices += _group_rename(fresh, by=by)
    except IntegrityError:
        raise DomainError.one(
            "sku", "sku_taken", _("This business already has a product with this SKU.")
        ) from None
    product.refresh_from_db()
    product.notices = notices
    return product


def _group_rename(product: Product, *, by: User) -> list[str]:
    """Give ``product``'s group and its other variants the product's (new) name; inside the
    transaction of its update, which holds the group row's lock. The other variants are locked
    (in id order) before they are read, so a status a regulator set meanwhile is not written
    over. Returns notices for the seller."""
    group = ProductGroup.objects.filter(pk=product.group_id).first() if product.group_id else None
    if group is None:
        return []
    ProductGroup.objects.filter(pk=group.pk).update(
        title_en=product.title_en, title_zh=product.title_zh, updated_at=timezone.now()
    )
    name: dict[str, Any] = {"title_en": product.title_en, "title_zh": product.title_zh}
    if product.zh_is_draft:  # an unconfirmed generated name is unconfirmed on every variant
        name["zh_is_draft"] = True
    others = (
        Product.objects.select_for_update(of=("self",))
        .select_related("business")
        .filter(group_id=group.pk, business_id=product.business_id)
        .exclude(pk=product.pk)
        .order_by("pk")
    )
    count, held = 0, False
    for other in others:
        try:
            other, values, other_notices = listing_validate(
                business=product.business, by=by, fields=name, product=other
            )
        except DomainError as exc:
            problem = "; ".join(p.message for p in exc.problems) or exc.message
            message = _("The name is shared by all variants; variant %(sku)s: %(problem)s") % {
                "sku": other.sku,
                "problem": problem,
            }
            raise DomainError(
                message, [FieldProblem(p.field, p.rule, message) for p in exc.problems], exc.status
            ) from None
        other.save(update_fields=sorted(set(values) | _DERIVED_COLUMNS))
        _product_changed(other)
        count += 1
        held = held or bool(other_notices)
    notices = []
    if count:
        notices.append(
            ngettext(
                "The new name is on the other variant of this product too.",
                "The new name is on the %(n)d other variants of this product too.",
                count,
            )
            % {"n": count}
        )
    if held:
        notices.append(
            _("The other variants stay drafts too until you confirm the generated name.")
        )
    return notices


def product_group_create(
    *, business: Business, by: User, title_en: str, title_zh: str = ""
) -> ProductGroup:
    """A group for a product's variants (size, colour), each variant its own SKU."""
    _check_can_manage(by, business)
    texts = clean_fields({"title_en": title_en, "title_zh": title_zh}, multiline=frozenset())
    group = ProductGroup(
        business=business, title_en=texts["title_en"] or "", title_zh=texts["title_zh"] or ""
    )
    _full_clean(group)
    group.save()
    return group


def product_variant_add(
    *,
    product: Product,
    by: User,
    sku: str,
    unit_price: Decimal | str,
    stock_on_hand: int = 0,
    variant_size: str = "",
    variant_colour: str = "",
    variant_size_zh: str = "",
    variant_colour_zh: str = "",
    weight_kg: Decimal | str | None = None,
) -> Product:
    """Another size/colour of ``product``: a new SKU with its own price and stock, under the same
    product group (made on the first variant), copying the listing's other fields. For a listing
    sold to China, a size or colour with Latin words and no Chinese one gets a generated Chinese
    draft ("Orange" → 橙色): like a generated title, the variant stays a draft until the seller
    confirms it in the listing editor."""

    _check_can_manage(by, product.business)
    with transaction.atomic():
        # FOR UPDATE OF the product row only: PostgreSQL refuses to lock the nullable group side.
        base = (
            Product.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=product.pk)
        )
        if base.group_id is None:
            group = product_group_create(
                business=base.business, by=by, title_en=base.title_en, title_zh=base.title_zh
            )
            Product.objects.filter(pk=base.pk).update(group=group)
            base.group = group
        drafted = False
        if base.market_cn_export:
            if needs_chinese(variant_size) and not (variant_size_zh or "").strip():
                variant_size_zh, drafted = variant_zh_draft(variant_size), True
            if needs_chinese(variant_colour) and not (variant_colour_zh or "").strip():
                variant_colour_zh, drafted = variant_zh_draft(variant_colour), True
        copied = {
            name: getattr(base, name)
            for name in EDITABLE_FIELDS
            - {
                "sku",
                "unit_price",
                "variant_size",
                "variant_colour",
                "variant_size_zh",
                "variant_colour_zh",
                "weight_kg",
                "group",
                "status",
                "made_in_usa_attested",
                "zh_is_draft",
            }
        }
        return product_create(
            business=base.business,
            by=by,
            **copied,
            group=base.group,
            sku=sku,
            unit_price=unit_price,
            stock_on_hand=stock_on_hand,
            variant_size=variant_size,
            variant_colour=variant_colour,
            variant_size_zh=variant_size_zh,
            variant_colour_zh=variant_colour_zh,
            weight_kg=weight_kg or base.weight_kg,
            made_in_usa_attested=base.made_in_usa_attested,
            zh_is_draft=base.zh_is_draft or drafted,
            status=base.status,
        )


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
        product_ids=product_ids,
        status=ProductStatus.SUSPENDED,
        reason="The listing was suspended by an operator.",
    )


# --- product images -----------------------------------------------------------------------------


def _image_problem(exc: ImageRejected) -> DomainError:
    figures = exc.figures
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("An image is at most %(max)s MB.")
        % {"max": settings.TWOWAY_IMAGE_MAX_BYTES // (1024 * 1024)},
        "too_many_pixels": _("An image has at most %(max)s million pixels.")
        % {"max": settings.TWOWAY_IMAGE_MAX_PIXELS // 1_000_000},
        "wrong_type": _("Upload a JPEG, PNG or WebP image (this file is %(found)s).")
        % {"found": figures.get("found", "?")},
        "not_an_image": _("This file is not a JPEG, PNG or WebP image."),
    }
    message = messages.get(exc.rule, _("This image cannot be used."))
    return DomainError.one("image", f"image_{exc.rule}", str(message))


def product_image_add(
    *, product: Product, by: User, data: bytes, alt_en: str = "", alt_zh: str = ""
) -> ProductImage:
    """Check and re-encode an upload (catalog.rules.images), store it and its thumbnails through
    the default storage, and record it as the product's next image."""
    _check_can_manage(by, product.business)
    texts = clean_fields({"alt_en": alt_en, "alt_zh": alt_zh}, multiline=frozenset())
    for name, limit in (("alt_en", 200), ("alt_zh", 120)):
        if len(texts[name] or "") > limit:
            raise DomainError.one(name, "max_length", _("At most %(n)s characters.") % {"n": limit})
    if product.images.count() >= settings.TWOWAY_IMAGES_PER_PRODUCT:
        raise DomainError.one(
            "image",
            "too_many_images",
            _("A product has at most %(n)s images.") % {"n": settings.TWOWAY_IMAGES_PER_PRODUCT},
        )
    try:
        processed = process_image(
            data,
            max_bytes=settings.TWOWAY_IMAGE_MAX_BYTES,
            max_pixels=settings.TWOWAY_IMAGE_MAX_PIXELS,
            max_side=settings.TWOWAY_IMAGE_MAX_SIDE,
            thumb_sides=tuple(settings.TWOWAY_IMAGE_THUMB_SIDES),
        )
    except ImageRejected as exc:
        raise _image_problem(exc) from None
    storage = storages["default"]
    stem = f"products/{product.business_id}/{product.pk}/{uuid.uuid4().hex}"
    small, large = sorted(processed.thumbs)[:1][0], sorted(processed.thumbs)[-1]
    saved: list[str] = []
    try:
        full = storage.save(f"{stem}.{processed.extension}", ContentFile(processed.full))
        saved.append(full)
        names = {}
        for side, blob in processed.thumbs.items():
            names[side] = storage.save(f"{stem}-{side}.{processed.extension}", ContentFile(blob))
            saved.append(names[side])
        with transaction.atomic():
            position = ProductImage.objects.filter(product=product).aggregate(m=Max("position"))[
                "m"
            ]
            image = ProductImage(
                product=product,
                position=0 if position is None else position + 1,
                alt_en=texts["alt_en"] or "",
                alt_zh=texts["alt_zh"] or "",
                file_full=full,
                file_960=names[large],
                file_320=names[small],
                width=processed.width,
                height=processed.height,
                bytes_full=len(processed.full),
                content_type=processed.content_type,
            )
            image.save()
    except BaseException:
        for name in saved:
            storage.delete(name)
        raise
    return image


def product_image_delete(*, image: ProductImage, by: User) -> None:
    _check_can_manage(by, image.product.business)
    names = [image.file_full, image.file_960, image.file_320]
    with transaction.atomic():
        image.delete()

        def delete_files() -> None:
            for name in names:
                storages["default"].delete(name)

        transaction.on_commit(delete_files)
