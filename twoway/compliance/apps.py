from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "twoway.compliance"
    label = "compliance"
