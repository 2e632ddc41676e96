from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "twoway.insights"
    label = "insights"
    verbose_name = "Seller insights"
    default_auto_field = "django.db.models.BigAutoField"
