"""Real-name identities of buyers in China (the identity context), under /api/v1/checkout/
(their paths are kept): register one (GB 11643 checked, stored encrypted) and list mine, masked."""

from __future__ import annotations

from ninja import Field, Router, Schema, Status

from twoway.identity.auth import api_auth
from twoway.identity.models import Role
from twoway.identity.permissions import require_role
from twoway.identity.selectors import real_name_identities_for
from twoway.identity.services import real_name_identity_register

router = Router(tags=["identity"], auth=api_auth)


class IdentityIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=64)
    id_number: str = Field(..., min_length=1, max_length=32)


class IdentityOut(Schema):
    id: int
    full_name: str
    id_number_masked: str
    province_code: str


@router.post("/identities", response={201: IdentityOut}, summary="Register a real-name identity")
def identity_register(request, payload: IdentityIn):
    require_role(request.auth, Role.CONSUMER_CN)
    identity = real_name_identity_register(
        user=request.auth, full_name=payload.full_name, id_number=payload.id_number
    )
    return Status(201, identity)


@router.get("/identities", response=list[IdentityOut], summary="My real-name identities (masked)")
def identity_list(request):
    return real_name_identities_for(user=request.auth)
