from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "casebook.bundles"
    label = "bundles"
    verbose_name = "Evidence bundles"
