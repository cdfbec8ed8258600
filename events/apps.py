from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "活动"

    def ready(self):
        # Models are loaded only now; the desk lists events beside the periodical's work.
        from events import planning
        from publishing import desk

        desk.register(agenda=planning.agenda, calendar=planning.calendar_entries)
