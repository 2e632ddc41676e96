"""Seller center: staff and roles (/seller/staff/), API keys and webhooks
(/seller/integrations/), and accepting an invitation (/seller/join/<token>/). Thin views: parse,
authorize (``seller_page``), call one service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from twoway.businesses import selectors as business_selectors
from twoway.businesses import services as business_services
from twoway.businesses.models import Membership
from twoway.core.errors import DomainError
from twoway.integrations import selectors as integration_selectors
from twoway.integrations import services as integration_services
from twoway.integrations.scopes import EVENTS, SCOPES
from twoway.web.auth import SellerRequest, signed_in_user

from .access import SESSION_KEY, seller_page
from .team_forms import ApiKeyForm, InviteForm, RoleForm, WebhookForm

# --- staff ---------------------------------------------------------------------------------


def _staff_page(
    request: SellerRequest, *, form=None, error: str = "", status: int = 200
) -> HttpResponse:
    business = request.seller_business
    members = list(business_selectors.members_of(business=business))
    context = {
        "business": business,
        "members": [(m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in members],
        "invitations": list(
            business_selectors.invitations_open(business=business, now=timezone.now())
        ),
        "form": form or InviteForm(),
        "error": error,
        "invite_link": request.session.pop("seller_invite_link", ""),
    }
    return render(request, "seller/staff.html", context, status=status)


@seller_page("staff")
def staff(request: SellerRequest) -> HttpResponse:
    return _staff_page(request)


@seller_page("staff")
@require_POST
def staff_invite(request: SellerRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _staff_page(request, form=form, status=400)
    user = signed_in_user(request)
    try:
        invitation, token = business_services.invitation_create(
            business=request.seller_business,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=user,
        )
    except DomainError as exc:
        return _staff_page(request, form=form, error=exc.message, status=exc.status)
    link = request.build_absolute_uri(reverse("web:seller_join", args=[token]))
    send_mail(
        _("You are invited to %(business)s on Twoway") % {"business": invitation.business},
        _(
            "%(who)s invites you to work for %(business)s on Twoway as %(role)s. Accept within "
            "%(days)s days: %(link)s"
        )
        % {
            "who": user.email or user.username,
            "business": invitation.business,
            "role": invitation.get_role_display(),
            "link": link,
            "days": settings.TWOWAY_INVITATION_DAYS,
        },
        None,
        [invitation.email],
        fail_silently=True,
    )
    request.session["seller_invite_link"] = link
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("web:seller_staff")


def _member(request: SellerRequest, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("business", "user")
        .filter(pk=membership_id, business=request.seller_business)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@seller_page("staff")
@require_POST
def staff_role(request: SellerRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if not form.is_valid():
        return _staff_page(request, error=_("Choose a role."), status=400)
    try:
        business_services.membership_role_set(
            membership=membership, role=form.cleaned_data["role"], by=signed_in_user(request)
        )
    except DomainError as exc:
        return _staff_page(request, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("Role of %(who)s changed.") % {"who": membership.user.email or membership.user.username},
    )
    return redirect("web:seller_staff")


@seller_page("staff")
@require_POST
def staff_remove(request: SellerRequest, membership_id: int) -> HttpResponse:
    membership = _member(request, membership_id)
    try:
        business_services.membership_remove(membership=membership, by=signed_in_user(request))
    except DomainError as exc:
        return _staff_page(request, error=exc.message, status=exc.status)
    messages.success(
        request,
        _("%(who)s no longer works here.")
        % {"who": membership.user.email or membership.user.username},
    )
    return redirect("web:seller_staff")


@seller_page("staff")
@require_POST
def invitation_withdraw(request: SellerRequest, invitation_id: int) -> HttpResponse:
    invitation = request.seller_business.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    business_services.invitation_withdraw(invitation=invitation, by=signed_in_user(request))
    messages.success(request, _("Invitation withdrawn."))
    return redirect("web:seller_staff")


def join(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: who invites them, as what; accept once signed in with that address."""
    try:
        invitation = business_services.invitation_from_token(token)
    except DomainError as exc:
        return render(request, "seller/join.html", {"error": exc.message}, status=exc.status)
    context = {
        "invitation": invitation,
        "token": token,
        "error": "",
        "next": request.get_full_path(),
        # addresses are codes, not words to translate: shown in a .mono span
        "invitation_email": format_html('<span class="mono">{}</span>', invitation.email),
        "user_email": format_html(
            '<span class="mono">{}</span>', getattr(request.user, "email", "")
        ),
    }
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = business_services.invitation_accept(token=token, user=request.user)
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "seller/join.html", context, status=exc.status)
        request.session[SESSION_KEY] = membership.business_id
        messages.success(
            request,
            _("You now work for %(business)s as %(role)s.")
            % {"business": membership.business, "role": membership.get_role_display()},
        )
        return redirect("web:seller_center")
    return render(request, "seller/join.html", context)


@require_POST
def switch_business(request: HttpRequest) -> HttpResponse:
    """Choose which of one's businesses the seller center shows."""
    if not request.user.is_authenticated:
        raise Http404
    try:
        business_id = int(request.POST.get("business_id", ""))
    except ValueError:
        raise Http404 from None
    if not Membership.objects.filter(user=request.user, business_id=business_id).exists():
        raise Http404
    request.session[SESSION_KEY] = business_id
    return redirect("web:seller_center")


# --- integrations --------------------------------------------------------------------------


def _integrations_page(
    request: SellerRequest, *, key_form=None, hook_form=None, error: str = "", status: int = 200
) -> HttpResponse:
    business = request.seller_business
    context = {
        "business": business,
        "keys": list(integration_selectors.api_keys_of(business_id=business.pk)),
        "endpoints": list(integration_selectors.endpoints_of(business_id=business.pk)),
        "deliveries": integration_selectors.deliveries_of(business_id=business.pk),
        "key_form": key_form or ApiKeyForm(),
        "hook_form": hook_form or WebhookForm(),
        "scopes": [(name, text) for name, (text, _p) in SCOPES.items()],
        "events": list(EVENTS.items()),
        "error": error,
        "new_key": request.session.pop("seller_new_key", ""),
        "new_secret": request.session.pop("seller_new_secret", ""),
    }
    return render(request, "seller/integrations.html", context, status=status)


@seller_page("integrations")
def integrations(request: SellerRequest) -> HttpResponse:
    return _integrations_page(request)


@seller_page("integrations")
@require_POST
def api_key_issue(request: SellerRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _integrations_page(request, key_form=form, status=400)
    try:
        _key, plaintext = integration_services.api_key_issue(
            business=request.seller_business,
            by=signed_in_user(request),
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
        )
    except DomainError as exc:
        return _integrations_page(request, key_form=form, error=exc.message, status=exc.status)
    request.session["seller_new_key"] = plaintext
    return redirect("web:seller_integrations")


@seller_page("integrations")
@require_POST
def api_key_revoke(request: SellerRequest, key_id: int) -> HttpResponse:
    key = integration_selectors.api_key_get(business_id=request.seller_business.pk, key_id=key_id)
    if key is None:
        raise Http404
    integration_services.api_key_revoke(api_key=key, by=signed_in_user(request))
    messages.success(request, _("Key %(prefix)s revoked.") % {"prefix": key.prefix})
    return redirect("web:seller_integrations")


@seller_page("integrations")
@require_POST
def webhook_create(request: SellerRequest) -> HttpResponse:
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _integrations_page(request, hook_form=form, status=400)
    try:
        _endpoint, secret = integration_services.endpoint_create(
            business=request.seller_business,
            by=signed_in_user(request),
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
        )
    except DomainError as exc:
        form.add_error("url", exc.message)
        return _integrations_page(request, hook_form=form, status=exc.status)
    request.session["seller_new_secret"] = secret
    return redirect("web:seller_integrations")


def _endpoint(request: SellerRequest, endpoint_id: int):
    endpoint = integration_selectors.endpoint_get(
        business_id=request.seller_business.pk, endpoint_id=endpoint_id
    )
    if endpoint is None:
        raise Http404
    return endpoint


@seller_page("integrations")
@require_POST
def webhook_active(request: SellerRequest, endpoint_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    integration_services.endpoint_set_active(
        endpoint=endpoint, by=signed_in_user(request), active=request.POST.get("active") == "1"
    )
    return redirect("web:seller_integrations")


@seller_page("integrations")
@require_POST
def webhook_delete(request: SellerRequest, endpoint_id: int) -> HttpResponse:
    integration_services.endpoint_delete(
        endpoint=_endpoint(request, endpoint_id), by=signed_in_user(request)
    )
    messages.success(request, _("Webhook endpoint removed."))
    return redirect("web:seller_integrations")


@seller_page("integrations")
@require_POST
def delivery_replay(request: SellerRequest, delivery_id: int) -> HttpResponse:
    delivery = integration_selectors.delivery_get(
        business_id=request.seller_business.pk, delivery_id=delivery_id
    )
    if delivery is None:
        raise Http404
    integration_services.delivery_replay(delivery=delivery, by=signed_in_user(request))
    messages.success(
        request, _("Event %(event)s queued to be sent again.") % {"event": delivery.event_id}
    )
    return redirect("web:seller_integrations")
