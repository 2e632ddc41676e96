"""Who am I: role, language, and my API keys."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from twoway.core.schemas import StrictIn
from twoway.identity import services
from twoway.identity.auth import api_auth
from twoway.identity.models import ApiKey

router = Router(tags=["me"], auth=api_auth)


class MeOut(Schema):
    id: int
    username: str
    email: str
    role: str
    preferred_language: str
    language: str


class LanguageIn(StrictIn):
    language: str


class LanguageOut(Schema):
    preferred_language: str
    language: str


class ApiKeyIssueOut(Schema):
    prefix: str
    key: str
    created_at: dt.datetime


class ApiKeyOut(Schema):
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _me(user) -> MeOut:
    return MeOut(
        id=user.pk,
        username=user.username,
        email=user.email,
        role=user.role,
        preferred_language=user.preferred_language,
        language=user.default_language(),
    )


@router.get("", response=MeOut, summary="Who am I")
def me(request):
    return _me(request.auth)


@router.put("/language", response=LanguageOut, summary="Keep my language")
def me_language(request, payload: LanguageIn):
    user = request.auth
    services.user_language_set(user=user, language=payload.language)
    return LanguageOut(preferred_language=user.preferred_language, language=user.default_language())


@router.get("/api-keys", response=list[ApiKeyOut], summary="My API keys (no secrets)")
def api_key_list(request):
    return list(ApiKey.objects.filter(user_id=request.auth.pk).order_by("-id"))


@router.post(
    "/api-keys",
    response={201: ApiKeyIssueOut},
    summary="Issue an API key; the key is shown this once",
)
def api_key_issue(request):
    key, plaintext = services.api_key_issue(user=request.auth)
    return Status(201, ApiKeyIssueOut(prefix=key.prefix, key=plaintext, created_at=key.created_at))


@router.delete("/api-keys/{prefix}", response={204: None}, summary="Revoke one of my API keys")
def api_key_revoke(request, prefix: str):
    key = get_object_or_404(ApiKey, prefix=prefix, user_id=request.auth.pk)
    services.api_key_revoke(api_key=key, by=request.auth)
    return Status(204, None)
