from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "twoway.checkout"
    label = "checkout"

    def ready(self) -> None:
        # A listing blocked or suspended holds every open order on it, in the same transaction;
        # a release returns them to where they were.
        from twoway.catalog.services import listing_status_changed

        from .services import on_listing_status_changed

        listing_status_changed.connect(on_listing_status_changed, dispatch_uid="checkout-holds")
