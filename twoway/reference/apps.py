from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "twoway.reference"
    label = "reference"
