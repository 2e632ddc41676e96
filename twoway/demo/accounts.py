"""Demo login accounts. Usernames equal the e-mail addresses; every one uses DEMO_PASSWORD."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "twoway-demo"  # noqa: S105 - a documented demo password, not a secret


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    first_name: str
    last_name: str
    is_superuser: bool = False
    note: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "seller@demo.twoway",
        "seller_staff",
        "Karen",
        "Hoffmann",
        note="Owner of the first US seller (a Wisconsin creamery, orders waiting to ship).",
    ),
    DemoAccount(
        "seller-cn@demo.twoway",
        "seller_staff",
        "Wei",
        "Chen",
        note="Owner of the first Chinese seller (cotton shirts, Zhejiang).",
    ),
    DemoAccount(
        "consumer-cn@demo.twoway",
        "consumer_cn",
        "伟",
        "张",
        note="Chinese buyer with a saved real-name identity (张伟, Beijing) and orders this year.",
    ),
    DemoAccount("consumer-us@demo.twoway", "consumer_us", "Emily", "Johnson"),
    DemoAccount("regulator@demo.twoway", "regulator", "Linda", "Park"),
    DemoAccount(
        "operator@demo.twoway",
        "operator",
        "Olivia",
        "Operator",
        is_superuser=True,
        note="Superuser: the admin site at /admin/.",
    ),
)

# The fictitious resident ID of consumer-cn@demo.twoway (GB 11643, valid check digit).
DEMO_CN_CONSUMER_NAME = "张伟"
DEMO_CN_CONSUMER_ID = "110101199003070011"  # Dongcheng, Beijing, born 1990-03-07
