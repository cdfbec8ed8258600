import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from bulletin import search

EXPRESSION_INDEX = "article_search"  # of 0010, on search.search_vector()
DOCUMENT_INDEX = "article_search_document"


def store_documents(apps, schema_editor):
    """PostgreSQL only: the document of every article, and the index on it instead of the
    expression's (SQLite has neither)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("bulletin", "Article")
    Article.objects.update(search_document=search.search_vector())
    schema_editor.add_index(Article, GinIndex(fields=["search_document"], name=DOCUMENT_INDEX))
    search.remove_index(Article, EXPRESSION_INDEX, schema_editor)


def restore_expression_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Article = apps.get_model("bulletin", "Article")
    search.add_index(Article, EXPRESSION_INDEX, schema_editor)
    schema_editor.remove_index(Article, GinIndex(fields=["search_document"], name=DOCUMENT_INDEX))


class Migration(migrations.Migration):

    dependencies = [
        ('bulletin', '0012_issue_print'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_document',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name='检索文档'),
        ),
        migrations.RunPython(store_documents, restore_expression_index),
    ]
