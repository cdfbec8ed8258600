from django.db import migrations, models

from publishing import search


class Migration(migrations.Migration):

    dependencies = [
        ('bulletin', '0009_article_photo_alt'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用正文'),
        ),
        migrations.AddField(
            model_name='article',
            name='search_title',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索用标题'),
        ),
        search.FillSearchText(
            'article',
            title_from=('kicker', 'title', 'subtitle'),
            body_from=('summary', 'body', 'byline', 'contributor'),
        ),
        search.AddSearchIndex('article', 'article_search'),
    ]
