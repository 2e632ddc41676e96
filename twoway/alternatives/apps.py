from django.apps import AppConfig


class AlternativesConfig(AppConfig):
    name = "twoway.alternatives"
    label = "alternatives"

    def ready(self) -> None:
        # Keep the US-made candidates read model current when a listing changes.
        from twoway.catalog.services import PRODUCT_CHANGED_HOOKS, PRODUCTS_CHANGED_MANY_HOOKS

        from .services import on_product_changed, on_products_changed

        if on_product_changed not in PRODUCT_CHANGED_HOOKS:
            PRODUCT_CHANGED_HOOKS.append(on_product_changed)
        if on_products_changed not in PRODUCTS_CHANGED_MANY_HOOKS:
            PRODUCTS_CHANGED_MANY_HOOKS.append(on_products_changed)
        # Search marks import listings that have US-made alternatives (search is a lower floor).
        from twoway.search.documents import ALTERNATIVE_HEADINGS_PROVIDERS

        from .selectors import headings_with_candidates

        if headings_with_candidates not in ALTERNATIVE_HEADINGS_PROVIDERS:
            ALTERNATIVE_HEADINGS_PROVIDERS.append(headings_with_candidates)
