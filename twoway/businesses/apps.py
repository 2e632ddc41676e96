from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "twoway.businesses"
    label = "businesses"
