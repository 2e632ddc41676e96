from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "twoway.search"
    label = "search"
