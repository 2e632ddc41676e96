"""What the buyer's step pages show per channel: the presentation side of a channel policy
(templates, forms, the cart read model, how a placement's problems are put next to fields).

The views (``views.py``) are one set for both channels; they take the policy from the URL
prefix (``/cn/`` → export, ``/us/`` → import) and ask these objects for what differs.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.checkout import selectors
from twoway.checkout.channels import EXPORT, IMPORT, ChannelPolicy, Consignee
from twoway.core.errors import DomainError
from twoway.identity.services import real_name_identity_register

from . import page_data
from .forms import (
    DOMAIN_FIELDS,
    IMPORT_DOMAIN_FIELDS,
    NEW_IDENTITY,
    CheckoutForm,
    ImportCheckoutForm,
    ImportPayForm,
    PayForm,
)


class Steps:
    channel: ClassVar[ChannelPolicy]
    #: Template of each step page.
    templates: ClassVar[dict[str, str]]
    pay_form: ClassVar[type]
    #: The tracking page's htmx fragment (None: the page does not refresh itself).
    partial_template: ClassVar[str | None] = None

    @property
    def namespace(self) -> str:
        return self.channel.namespace

    def cart_context(self, request: HttpRequest) -> dict[str, Any]:
        raise NotImplementedError

    def cart_error(self, exc: DomainError) -> str:
        return exc.message

    def cart_items(self, request: HttpRequest) -> dict[int, int]:
        raise NotImplementedError

    def checkout_context(self, request: HttpRequest, form) -> dict[str, Any]:
        raise NotImplementedError

    def checkout_form(self, request: HttpRequest):
        raise NotImplementedError

    def place_kwargs(self, request: HttpRequest, form) -> dict[str, Any]:
        """What besides items and key the placement service takes from the form."""
        raise NotImplementedError

    def place_errors(self, form, exc: DomainError, context: dict[str, Any]) -> None:
        raise NotImplementedError

    def pay_closed(self) -> str:
        """Why this channel takes no payment now ("" = it does)."""
        return ""


class ExportSteps(Steps):
    channel = EXPORT
    templates: ClassVar[dict[str, str]] = {
        "cart": "checkout/cart.html",
        "checkout": "checkout/checkout.html",
        "pay": "checkout/pay.html",
        "pay_redirect": "checkout/pay_redirect.html",
        "purchase": "checkout/purchase_detail.html",
        "purchases": "checkout/purchase_list.html",
    }
    pay_form = PayForm
    partial_template = "checkout/_purchase_orders.html"

    def cart_context(self, request):
        identities = selectors.identities_for(user=request.user)
        return {
            "cart": page_data.cart_page_for(
                buyer=request.user, identity=identities[0] if identities else None
            )
        }

    def cart_error(self, exc):
        return _("This product is not on sale.")

    def cart_items(self, request):
        return page_data.cart_items(buyer=request.user)

    def checkout_form(self, request):
        identities = selectors.identities_for(user=request.user)
        if request.method == "POST":
            return CheckoutForm(request.POST, identities=identities)
        initial = {
            "idempotency_key": uuid.uuid4().hex,
            "identity": str(identities[0].pk) if identities else NEW_IDENTITY,
        }
        return CheckoutForm(initial=initial, identities=identities)

    def checkout_context(self, request, form):
        identities = list(form.identities.values())  # newest first, as the selector gives them
        chosen = form.chosen_identity() if form.is_bound and hasattr(form, "cleaned_data") else None
        if chosen is None and form.is_bound:
            chosen = form.identities.get(form.data.get("identity", ""))
        if chosen is None and not form.is_bound and identities:
            chosen = identities[0]
        cart_page = page_data.cart_page_for(buyer=request.user, identity=chosen)
        return {
            "form": form,
            "cart": cart_page,
            "identity": chosen,
            "identities": identities,
            "quote": cart_page.quote,
            "items": cart_page.items,
        }

    def place_kwargs(self, request, form):
        data = form.cleaned_data
        identity = form.chosen_identity()
        if data["identity"] == NEW_IDENTITY:
            identity = real_name_identity_register(
                user=request.user, full_name=data["full_name"], id_number=data["id_number"]
            )
        return {
            "identity": identity,
            "consignee": Consignee(
                name=data["consignee_name"].strip(),
                phone=data["consignee_phone"].strip(),
                address=data["consignee_address"].strip(),
                district=data["consignee_district"],
            ),
        }

    def place_errors(self, form, exc, context):
        """Put each problem next to the field it names; list those that belong to no field."""
        cart_page = context["cart"]
        other: list[str] = []
        for problem in exc.problems or []:
            target = DOMAIN_FIELDS.get(problem.field)
            if target:
                form.add_error(target, problem.message)
            elif problem.field == "quota":
                other.append(page_data.problem_text(problem, quote=cart_page.quote))
            elif problem.field.startswith("items."):
                line = next(
                    (ln for ln in cart_page.lines if f"items.{ln.product.pk}" == problem.field),
                    None,
                )
                text = page_data.problem_text(
                    problem,
                    product=line.product if line else None,
                    quantity=line.quantity if line else None,
                    quote=cart_page.quote,
                )
                other.append(
                    f"{line.product.title_zh or line.product.title_en}: {text}" if line else text
                )
            else:
                other.append(page_data.problem_text(problem, quote=cart_page.quote))
        if not exc.problems:
            other.append(exc.message)
        context["errors"] = other


class ImportSteps(Steps):
    channel = IMPORT
    templates: ClassVar[dict[str, str]] = {
        "cart": "checkout/import/cart.html",
        "checkout": "checkout/import/checkout.html",
        "pay": "checkout/import/pay.html",
        "pay_redirect": "checkout/import/pay_redirect.html",
        "purchase": "checkout/import/purchase_detail.html",
        "purchases": "checkout/import/purchase_list.html",
    }
    pay_form = ImportPayForm

    def cart_context(self, request):
        return {
            "cart": page_data.import_cart_page_for(buyer=request.user, day=timezone.now().date())
        }

    def cart_items(self, request):
        return page_data.import_cart_items(buyer=request.user)

    def checkout_form(self, request):
        return ImportCheckoutForm(
            request.POST or None, initial={"idempotency_key": uuid.uuid4().hex}
        )

    def checkout_context(self, request, form):
        return {
            "form": form,
            "cart": page_data.import_cart_page_for(buyer=request.user, day=timezone.now().date()),
            "items": self.cart_items(request),
        }

    def place_kwargs(self, request, form):
        data = form.cleaned_data
        return {
            "consignee_state": data["consignee_state"],
            "consignee": Consignee(
                name=data["consignee_name"],
                phone=data["consignee_phone"],
                address=data["consignee_address"],
            ),
        }

    def place_errors(self, form, exc, context):
        for problem in exc.problems:
            name = IMPORT_DOMAIN_FIELDS.get(problem.field)
            if name:
                form.add_error(name, problem.message)
        context["error"] = exc.message

    def pay_closed(self):
        from twoway.payments.providers.card import card_channel_open

        if card_channel_open():
            return ""
        # Production without a card processor: say so, take nothing.
        return _(
            "Card payment is not available yet: Twoway has no card processor connected. "
            "Nothing has been charged."
        )


STEPS: dict[str, Steps] = {steps.channel.code: steps for steps in (ExportSteps(), ImportSteps())}
