from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "twoway.compliance"
    label = "compliance"

    def ready(self) -> None:
        # Re-assess import listings when a labor list is reloaded or a listing changes.
        from twoway.catalog.services import PRODUCT_SAVED_HOOKS, PRODUCTS_SAVED_MANY_HOOKS
        from twoway.reference.services import after_load_register

        from .labor import (
            ILAB_DATASET,
            UFLPA_DATASET,
            on_list_loaded,
            on_product_changed,
            on_products_changed,
        )

        for name in (ILAB_DATASET, UFLPA_DATASET):
            after_load_register(name=name, hook=on_list_loaded)
        if on_product_changed not in PRODUCT_SAVED_HOOKS:
            PRODUCT_SAVED_HOOKS.append(on_product_changed)
        if on_products_changed not in PRODUCTS_SAVED_MANY_HOOKS:
            PRODUCTS_SAVED_MANY_HOOKS.append(on_products_changed)
