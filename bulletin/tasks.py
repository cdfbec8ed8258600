"""Background jobs, run by django-tasks (``settings.TASKS``: in-process in development, by the
``db_worker`` service in production)."""

from django_tasks import task

from bulletin import print_edition


@task()
def build_print(edition_id):
    """Build (or confirm as current) the PDF of one ``IssuePrint``; see ``print_edition.build_edition``."""
    edition = print_edition.build_edition(edition_id)
    return edition.state
