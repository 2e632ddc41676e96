from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "twoway.checkout"
    label = "checkout"
