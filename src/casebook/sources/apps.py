from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "casebook.sources"
    label = "sources"

    def ready(self) -> None:
        from casebook.people.duties.holders import holder_register
        from casebook.sources.evidence.holder import EvidenceHolder

        # Erasure and subject access reach the evidence files attached to a person.
        holder_register(EvidenceHolder())
