from django.apps import AppConfig


class CodebookConfig(AppConfig):
    name = "casebook.codebook"
    label = "codebook"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from casebook.codebook.models import REVISED, revision_bump

        for model in REVISED:
            uid = f"codebook-revision-{model.__name__}"
            post_save.connect(revision_bump, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(revision_bump, sender=model, dispatch_uid=f"{uid}-delete")
