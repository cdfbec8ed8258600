from django.db import migrations, models

from publishing import search
from publishing.diff import text_of

INDEX = "event_search"


def fill_search_text(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    events = list(Event.objects.all())
    for event in events:
        event.search_title = search.index_text(event.title)
        event.search_body = search.index_text(event.place, event.organiser, text_of(event.description))
    Event.objects.bulk_update(events, ["search_title", "search_body"], batch_size=500)


def add_index(apps, schema_editor):
    search.add_index(apps.get_model("events", "Event"), INDEX, schema_editor)


def remove_index(apps, schema_editor):
    search.remove_index(apps.get_model("events", "Event"), INDEX, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_workflow'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用介绍'),
        ),
        migrations.AddField(
            model_name='event',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用名称'),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        # PostgreSQL only: SQLite cannot index to_tsvector().
        migrations.RunPython(add_index, remove_index),
    ]
