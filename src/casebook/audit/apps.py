from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casebook.audit"
    label = "audit"

    def ready(self) -> None:
        from casebook.audit import receivers  # noqa: F401  (connects the signal handlers)
