"""Business endpoints: register (the caller becomes the owner) and list mine."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from twoway.businesses import selectors, services
from twoway.core.schemas import StrictIn
from twoway.identity.auth import api_auth

router = Router(tags=["businesses"], auth=api_auth)


class BusinessRegisterIn(StrictIn):
    legal_name: str
    display_name_zh: str = ""
    country: str
    us_state: str | None = None
    cn_province: str | None = None
    city: str
    postal_code: str
    naics_code: str = ""
    industry: str = ""
    employee_count: int
    registration_number: str
    made_in_usa_attested: bool = False
    made_in_usa_statement: str = ""
    show_on_dashboard: bool = False


class BusinessRegisterOut(Schema):
    id: int
    legal_name: str
    display_name_zh: str
    country: str
    us_state_id: str | None
    cn_province_id: str | None
    city: str
    postal_code: str
    naics_code: str
    industry: str
    employee_count: int
    registration_number: str
    verification_status: str
    made_in_usa_attested: bool
    made_in_usa_statement: str
    show_on_dashboard: bool
    created_at: dt.datetime


class MyBusinessOut(Schema):
    id: int
    legal_name: str
    display_name_zh: str
    country: str
    region: str
    registration_number: str
    verification_status: str
    made_in_usa_attested: bool
    my_role: str


@router.post(
    "",
    response={201: BusinessRegisterOut},
    summary="Register a business; you become its owner",
)
def business_register(request, payload: BusinessRegisterIn):
    business = services.business_register(**payload.dict(), owner=request.auth)
    return Status(201, business)


@router.get("/mine", response=list[MyBusinessOut], summary="The businesses I work for")
def business_mine(request):
    return [
        MyBusinessOut(
            id=m.business.pk,
            legal_name=m.business.legal_name,
            display_name_zh=m.business.display_name_zh,
            country=m.business.country,
            region=m.business.region_name,
            registration_number=m.business.registration_number,
            verification_status=m.business.verification_status,
            made_in_usa_attested=m.business.made_in_usa_attested,
            my_role=m.role,
        )
        for m in selectors.memberships_of(user=request.auth)
    ]
