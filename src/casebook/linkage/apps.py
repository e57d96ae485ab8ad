from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "casebook.linkage"
    label = "linkage"
    verbose_name = "Linkage (reports of the same event)"
