from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "casebook.publishing"
    label = "publishing"
    verbose_name = "Public portal"

    def ready(self) -> None:
        from casebook.publishing.caching import invalidation_connect

        invalidation_connect()
