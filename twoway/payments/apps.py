from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "twoway.payments"
    label = "payments"

    def ready(self) -> None:
        # A regulator's final block ends the orders it held: unpaid ones cancelled, paid ones
        # refunded through the provider (after checkout has held them, in the same transaction).
        from twoway.catalog.services import listing_status_changed

        from .services import on_listing_status_changed

        listing_status_changed.connect(on_listing_status_changed, dispatch_uid="payments-block")
