"""Users of each role and real-name identities (fictitious, checksum-valid ID numbers)."""

from __future__ import annotations

import factory
from stdnum.cn import ric

from twoway.identity.models import RealNameIdentity, Role, User
from twoway.identity.services import real_name_identity_register

PASSWORD = "correct-horse-battery-9"


def resident_id(region: str = "110101", birth: str = "19900307", seq: str = "001") -> str:
    """A checksum-valid 18-character resident ID (GB 11643) for tests; not a real person's."""
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.CONSUMER_US
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class SellerFactory(UserFactory):
    role = Role.SELLER_STAFF


class OperatorFactory(UserFactory):
    role = Role.OPERATOR
    is_staff = True


class RegulatorFactory(UserFactory):
    role = Role.REGULATOR


class ConsumerCnFactory(UserFactory):
    role = Role.CONSUMER_CN
    preferred_language = "zh-hans"


class RealNameIdentityFactory(factory.django.DjangoModelFactory):
    """Goes through the service, so the row is encrypted, hashed and masked as in production."""

    class Meta:
        model = RealNameIdentity

    user = factory.SubFactory(ConsumerCnFactory)
    full_name = "张三"
    id_number = factory.Sequence(lambda n: resident_id(seq=f"{n % 1000:03d}"))

    @classmethod
    def _create(cls, model_class, *, user, full_name, id_number):
        return real_name_identity_register(user=user, full_name=full_name, id_number=id_number)
