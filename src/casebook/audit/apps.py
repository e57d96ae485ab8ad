from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casebook.audit"
    label = "audit"
