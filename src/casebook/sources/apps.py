from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "casebook.sources"
    label = "sources"
