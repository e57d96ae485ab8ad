from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "casebook.monitor"
    label = "monitor"
    verbose_name = "News monitor"
