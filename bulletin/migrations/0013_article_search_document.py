import django.contrib.postgres.search
from django.db import migrations

from publishing import search

EXPRESSION_INDEX = "article_search"  # of 0010, on search.search_vector()
DOCUMENT_INDEX = "article_search_document"


def store_documents(apps, schema_editor):
    search.store_documents(apps.get_model("bulletin", "Article"), EXPRESSION_INDEX, DOCUMENT_INDEX, schema_editor)


def unstore_documents(apps, schema_editor):
    search.unstore_documents(apps.get_model("bulletin", "Article"), EXPRESSION_INDEX, DOCUMENT_INDEX, schema_editor)


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
        migrations.RunPython(store_documents, unstore_documents),
    ]
