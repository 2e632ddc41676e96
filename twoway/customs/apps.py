from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "twoway.customs"
    label = "customs"

    def ready(self) -> None:
        # A payment moved orders to paid (checkout's signal, sent by payments inside its
        # transaction): the exports among them are declared once that transaction commits.
        from twoway.checkout.signals import orders_paid

        from .services import on_orders_paid

        orders_paid.connect(on_orders_paid, dispatch_uid="customs-declare-paid")
