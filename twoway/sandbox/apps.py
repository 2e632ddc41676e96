from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "twoway.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox simulators (development only)"
