from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "casebook.transfer"
    label = "transfer"
    verbose_name = "Import and export"
