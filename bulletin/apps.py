from django.apps import AppConfig


class BulletinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bulletin"
    verbose_name = "会刊"

    def ready(self):
        from bulletin import search

        # Once per process at start-up, so no reader's search waits for the dictionary to load.
        search.initialize()
