from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "twoway.ledger"
    label = "ledger"
