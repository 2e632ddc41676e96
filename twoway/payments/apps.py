from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "twoway.payments"
    label = "payments"
