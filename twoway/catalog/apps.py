from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "twoway.catalog"
    label = "catalog"
