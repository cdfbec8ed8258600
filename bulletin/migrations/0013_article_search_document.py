import django.contrib.postgres.search
from django.db import migrations

from publishing import search

# bench/generate.py drops this index while it loads an archive and builds it again after.
DOCUMENT_INDEX = "article_search_document"


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
        search.StoreSearchDocuments('article', replaces='article_search', name=DOCUMENT_INDEX),
    ]
