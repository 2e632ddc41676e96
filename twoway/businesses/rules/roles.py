"""Which role of a business's staff may do what (issue 13, item 8). Pure: no Django imports.

A member has one role. The owner may do everything; each other role opens one area of the
seller center and of the seller API:

- ``catalogue``: listings, stock, images, imports, demand signals;
- ``fulfilment``: the order queue, shipping, papers, return decisions;
- ``finance``: statements, payouts, insights;
- ``staff``: inviting people, changing roles, removing people (owner only);
- ``integrations``: API keys and webhook endpoints (owner only: a key can act without a person).

This is product policy (who in a small business does which job), not a legal rule, so it lives
here as data the tests read, not in a reference table.
"""

from __future__ import annotations

OWNER = "owner"
CATALOGUE = "catalogue"
FULFILMENT = "fulfilment"
FINANCE = "finance"
ROLES: tuple[str, ...] = (OWNER, CATALOGUE, FULFILMENT, FINANCE)

PERMISSIONS: tuple[str, ...] = ("catalogue", "fulfilment", "finance", "staff", "integrations")

#: role → the permissions it holds (the owner holds every permission).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    OWNER: frozenset(PERMISSIONS),
    CATALOGUE: frozenset({"catalogue"}),
    FULFILMENT: frozenset({"fulfilment"}),
    FINANCE: frozenset({"finance"}),
}


class UnknownPermission(ValueError):
    """A caller asked about a permission that does not exist (a typo in code, not user input)."""


def role_allows(role: str, permission: str) -> bool:
    """True when a member with ``role`` may do what ``permission`` guards."""
    if permission not in PERMISSIONS:
        raise UnknownPermission(permission)
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def may_leave_owners(*, owners_now: int, member_is_owner: bool, becomes_owner: bool) -> bool:
    """A change (role change or removal) may not leave the business without an owner."""
    if not member_is_owner or becomes_owner:
        return True
    return owners_now > 1
