from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "casebook.redaction"
    label = "redaction"
    verbose_name = "Redaction"

    def ready(self) -> None:
        from casebook.redaction import receivers  # noqa: F401  (connects the signal handlers)
