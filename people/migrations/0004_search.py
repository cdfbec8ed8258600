from django.db import migrations, models

from publishing import search
from publishing.diff import text_of

INDEX = "person_search"


def fill_search_text(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    people = list(Person.objects.all())
    for person in people:
        person.search_title = search.index_text(person.name)
        person.search_body = search.index_text(person.title, person.organisation, text_of(person.bio))
    Person.objects.bulk_update(people, ["search_title", "search_body"], batch_size=500)


def add_index(apps, schema_editor):
    search.add_index(apps.get_model("people", "Person"), INDEX, schema_editor)


def remove_index(apps, schema_editor):
    search.remove_index(apps.get_model("people", "Person"), INDEX, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_person_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用简介'),
        ),
        migrations.AddField(
            model_name='person',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用姓名'),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        # PostgreSQL only: SQLite cannot index to_tsvector().
        migrations.RunPython(add_index, remove_index),
    ]
