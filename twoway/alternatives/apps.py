from django.apps import AppConfig


class AlternativesConfig(AppConfig):
    name = "twoway.alternatives"
    label = "alternatives"
