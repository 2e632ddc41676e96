"""Included by twoway.web.urls under /dashboard/ (the public page itself is web:dashboard)."""

from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("data/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
    path("ledger/", views.regulator_entries, name="ledger"),
    path("ledger/export.<slug:fmt>", views.regulator_export, name="ledger_export"),
]
