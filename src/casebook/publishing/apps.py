from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "casebook.publishing"
    label = "publishing"
    verbose_name = "Public portal"

    def ready(self) -> None:
        from casebook.people.duties.holders import holder_register
        from casebook.publishing.caching import invalidation_connect
        from casebook.publishing.newsletter.holder import NewsletterHolder

        invalidation_connect()
        holder_register(NewsletterHolder())
        _files_kept_in_the_vault()


def _files_kept_in_the_vault() -> None:
    """Files sent with accounts wait in the evidence vault: removing evidence must not delete
    their bytes, and backups of the vault carry them."""
    from casebook.publishing.models import SubmissionFile
    from casebook.sources.evidence.references import blob_keeper_register

    def describe(sha256: str) -> list[str]:
        # Ids only: never the file's name or anything of the sender's.
        submissions = (
            SubmissionFile.objects.filter(sha256=sha256)
            .order_by("submission_id")
            .values_list("submission_id", flat=True)
            .distinct()
        )
        return [f"a file sent with account #{pk} from the public form" for pk in submissions]

    blob_keeper_register(
        every=lambda: SubmissionFile.objects.values_list("sha256", flat=True).distinct(),
        keeps=lambda sha256: SubmissionFile.objects.filter(sha256=sha256).exists(),
        describe=describe,
    )
