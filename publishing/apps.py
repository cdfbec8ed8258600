from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """The platform the content apps stand on: reviewable content and its log, search, rich text,
    slugs, links, images and the page cache. It knows none of the content apps."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "publishing"
    verbose_name = "发布平台"

    def ready(self):
        # Imported here, not at the top: loading the dictionary is start-up work for a process,
        # not for every import of the app (management commands, migrations).
        from publishing import segmenter

        # Once per process at start-up (in gunicorn's master, before the workers fork), so no
        # reader's search waits for the dictionary.
        segmenter.tokenizer()
