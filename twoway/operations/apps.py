from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the marketplace: the in-process scheduler (``twoway worker``/``twoway serve``) and
    the cross-context reconciliation (``twoway reconcile``). A top floor: it reads every context
    and no context imports it."""

    name = "twoway.operations"
    label = "operations"
    verbose_name = _("Operations")
