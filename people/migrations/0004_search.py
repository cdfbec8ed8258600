from django.db import migrations, models

from publishing import search


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_person_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用正文'),
        ),
        migrations.AddField(
            model_name='person',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用标题'),
        ),
        search.FillSearchText('person', title_from=('name',), body_from=('title', 'organisation', 'bio')),
        search.AddSearchIndex('person', 'person_search'),
    ]
