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
