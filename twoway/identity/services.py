"""Writes for people and real-name identities."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twoway.core.errors import DomainError, FieldProblem, PermissionDenied, from_validation_error
from twoway.core.text import clean_name

from .auth import KEY_PREFIX, hash_secret
from .crypto import encrypt_id_number, hash_id_number, mask_id_number
from .models import ApiKey, RealNameIdentity, Role, User
from .validators import validate_resident_id


def real_name_identity_register(*, user: User, full_name: str, id_number: str) -> RealNameIdentity:
    """Validate (GB 11643) and store a buyer's identity; the same person is stored once per user."""
    full_name = clean_name(full_name, "full_name")  # NFKC, trimmed; control characters refused
    if not full_name:
        raise DomainError.one("full_name", "required", "The name on the ID card is required.")
    try:
        compact = validate_resident_id(id_number or "")
    except ValidationError as exc:
        raise from_validation_error(ValidationError({"id_number": exc.error_list})) from None
    id_hash = hash_id_number(compact)
    with transaction.atomic():
        existing = RealNameIdentity.objects.filter(user=user, id_number_hash=id_hash).first()
        if existing:
            if existing.full_name != full_name:
                existing.full_name = full_name
                existing.save(update_fields=["full_name", "updated_at"])
            return existing
        return RealNameIdentity.objects.create(
            user=user,
            full_name=full_name,
            id_number_encrypted=encrypt_id_number(compact),
            id_number_hash=id_hash,
            id_number_masked=mask_id_number(compact),
            province_code=compact[:2],
            verified=True,
        )


def user_language_set(*, user: User, language: str) -> None:
    """Keep the user's language; empty means "follow the browser"."""
    language = (language or "").strip().lower()
    supported = {code for code, _name in settings.LANGUAGES}
    if language and language not in supported:
        raise DomainError.one(
            "language",
            "language_unsupported",
            _("Language %(language)s is not offered; choose one of %(choices)s.")
            % {"language": language, "choices": ", ".join(sorted(supported))},
        )
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def user_create(
    *, username: str, email: str, password: str, role: str, preferred_language: str = ""
) -> User:
    """Create a person with a role; operators also get into the admin (``is_staff``)."""
    problems: list[FieldProblem] = []
    if role not in Role.values:
        problems.append(
            FieldProblem(
                "role",
                "invalid_choice",
                _("Role is one of %(roles)s.") % {"roles": ", ".join(Role.values)},
            )
        )
    username = clean_name(username, "username")
    user = User(
        username=username,
        email=User.objects.normalize_email((email or "").strip()),
        role=role,
        preferred_language=(preferred_language or "").strip().lower(),
        is_staff=role == Role.OPERATOR,
    )
    supported = {code for code, _name in settings.LANGUAGES}
    if user.preferred_language and user.preferred_language not in supported:
        problems.append(
            FieldProblem(
                "preferred_language",
                "language_unsupported",
                _("Language is one of %(choices)s.") % {"choices": ", ".join(sorted(supported))},
            )
        )
    try:
        validate_password(password or "", user=user)
    except ValidationError as exc:
        for error in exc.error_list:
            for message in error.messages:
                problems.append(FieldProblem("password", error.code or "invalid", message))
    user.set_password(password or "")
    try:
        user.full_clean(exclude=["role"] if any(p.field == "role" for p in problems) else None)
    except ValidationError as exc:
        problems.extend(from_validation_error(exc).problems)
    if problems:
        summary = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise DomainError(summary, problems)
    with transaction.atomic():
        user.save()
    return user


def api_key_issue(*, user: User) -> tuple[ApiKey, str]:
    """A new key for ``user``'s systems. The plaintext is returned once and never stored."""
    if not user.is_active:
        raise DomainError.one("user", "inactive", _("Inactive users cannot have API keys."))
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32).replace("_", "-")
    key = ApiKey.objects.create(user=user, prefix=prefix, secret_hash=hash_secret(secret))
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def api_key_revoke(*, api_key: ApiKey, by: User) -> ApiKey:
    if api_key.user_id != by.pk and not by.is_operator:
        raise PermissionDenied(_("Only the key's owner or an operator can revoke it."))
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


#: Roles anybody may sign up for; regulators and operators are created by operators.
SIGN_UP_ROLES = (Role.CONSUMER_CN, Role.CONSUMER_US, Role.SELLER_STAFF)


def account_sign_up(*, email: str, password: str, role: str, preferred_language: str = "") -> User:
    """A person opens an account with an email (also the login name) and a password checked by
    Django's password validators. Sellers then register their business (businesses context)."""
    if role not in SIGN_UP_ROLES:
        raise DomainError.one(
            "role", "role_not_open", _("This kind of account is opened by Twoway operations.")
        )
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise DomainError.one("email", "required", _("Enter your email address."))
    if (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        raise DomainError.one(
            "email",
            "email_taken",
            _("An account with this email already exists: log in instead."),
            status=409,
        )
    return user_create(
        username=email,
        email=email,
        password=password,
        role=role,
        preferred_language=preferred_language,
    )
