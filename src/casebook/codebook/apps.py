from django.apps import AppConfig


class CodebookConfig(AppConfig):
    name = "casebook.codebook"
    label = "codebook"
