from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "casebook.linkage"
    label = "linkage"
    verbose_name = "Linkage (reports of the same event)"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from casebook.cases.models import Incident
        from casebook.linkage import receivers
        from casebook.transfer.signals import incidents_imported

        post_save.connect(
            receivers.incident_created, sender=Incident, dispatch_uid="linkage.incident_created"
        )
        incidents_imported.connect(
            receivers.incidents_imported, dispatch_uid="linkage.incidents_imported"
        )
        receivers.monitor_ranking_join()
        # Erasing or exporting a person reaches the records merged into them.
        from casebook.linkage.people import MergedRecordsHolder, merged_away_references
        from casebook.people.duties.holders import holder_register
        from casebook.people.services import folded_records_register

        holder_register(MergedRecordsHolder())
        folded_records_register(merged_away_references)
