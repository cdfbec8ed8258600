from django.db import migrations, models

from publishing import search


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_workflow'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用正文'),
        ),
        migrations.AddField(
            model_name='event',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用标题'),
        ),
        search.FillSearchText('event', title_from=('title',), body_from=('place', 'organiser', 'description')),
        search.AddSearchIndex('event', 'event_search'),
    ]
