from django.db import migrations, models

from publishing import search
from publishing.diff import text_of

INDEX = "article_search"


def fill_search_text(apps, schema_editor):
    Article = apps.get_model("bulletin", "Article")
    articles = list(Article.objects.all())
    for article in articles:
        article.search_title = search.index_text(article.kicker, article.title, article.subtitle)
        article.search_body = search.index_text(
            article.summary, text_of(article.body), article.byline, article.contributor
        )
    Article.objects.bulk_update(articles, ["search_title", "search_body"], batch_size=500)


def add_index(apps, schema_editor):
    search.add_index(apps.get_model("bulletin", "Article"), INDEX, schema_editor)


def remove_index(apps, schema_editor):
    search.remove_index(apps.get_model("bulletin", "Article"), INDEX, schema_editor)


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
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        # PostgreSQL only: SQLite cannot index to_tsvector().
        migrations.RunPython(add_index, remove_index),
    ]
