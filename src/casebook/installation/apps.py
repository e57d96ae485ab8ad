from django.apps import AppConfig


class InstallationConfig(AppConfig):
    name = "casebook.installation"
    label = "installation"
    verbose_name = "Installation"
