from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "twoway.dashboard"
    label = "dashboard"
