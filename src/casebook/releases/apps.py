from django.apps import AppConfig


class ReleasesConfig(AppConfig):
    name = "casebook.releases"
    label = "releases"
    verbose_name = "Open data releases"
