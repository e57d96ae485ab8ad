from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "casebook.web"
    label = "web"
