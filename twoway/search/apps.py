from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "twoway.search"
    label = "search"

    def ready(self) -> None:
        # A listing created or changed goes into the search outbox (drained into the index).
        from twoway.catalog.services import PRODUCT_CHANGED_HOOKS, PRODUCTS_CHANGED_MANY_HOOKS

        from .services import on_product_changed, on_products_changed

        if on_product_changed not in PRODUCT_CHANGED_HOOKS:
            PRODUCT_CHANGED_HOOKS.append(on_product_changed)
        if on_products_changed not in PRODUCTS_CHANGED_MANY_HOOKS:
            PRODUCTS_CHANGED_MANY_HOOKS.append(on_products_changed)
