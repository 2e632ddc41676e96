from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "twoway.customs"
    label = "customs"
