from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casebook.casework"
    label = "casework"
    verbose_name = "Casework"
