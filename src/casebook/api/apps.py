from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "casebook.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from casebook.api.webhooks import webhooks_connect

        webhooks_connect()
