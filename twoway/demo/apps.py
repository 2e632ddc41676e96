from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo marketplace: ``twoway seed`` and the code it runs (dev-only; the command refuses
    to run under production settings)."""

    name = "twoway.demo"
    label = "demo"
