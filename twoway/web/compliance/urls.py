"""Regulators' compliance queue under /compliance/."""

from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("reviews/<int:review_id>/decide/", views.review_decide_view, name="review_decide"),
]
