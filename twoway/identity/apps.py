from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "twoway.identity"
    label = "identity"
