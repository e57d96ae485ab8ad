from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "casebook.redaction"
    label = "redaction"
    verbose_name = "Redaction"

    def ready(self) -> None:
        from casebook.cases.reading import register_redactor
        from casebook.cases.search import on_documents_rewritten
        from casebook.redaction import receivers  # noqa: F401  (connects the signal handlers)
        from casebook.redaction.searching import after_documents_rewritten
        from casebook.redaction.shown import redact_objects

        # The record's pages read free text for restricted readers through this, and their
        # search index is made from it after every write.
        register_redactor(redact_objects)
        on_documents_rewritten(after_documents_rewritten)
