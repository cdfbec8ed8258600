from django.apps import AppConfig


class BulletinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bulletin"
    verbose_name = "会刊"

    def ready(self):
        from bulletin import segmenter

        # Once per process at start-up (in gunicorn's master, before the workers fork), so no
        # reader's search waits for the dictionary.
        segmenter.tokenizer()
