from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "twoway.web"
    label = "web"
