from django.apps import AppConfig


class BulletinConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bulletin"
    verbose_name = "会刊"

    def ready(self):
        # Models are loaded only now; the desk lists the periodical's work beside the others'.
        from bulletin import planning
        from publishing import desk

        desk.register(agenda=planning.agenda, calendar=planning.calendar_entries)
