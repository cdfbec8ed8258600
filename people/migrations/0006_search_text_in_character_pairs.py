# The search text holds pairs of adjacent characters instead of jieba's words, so that any part
# of a name or a phrase is found as written: every row's text and stored document are derived
# again, the index of the stored documents built anew after them (PostgreSQL).

from django.db import migrations

from publishing import search


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_search_document"),
    ]

    operations = [
        search.FillSearchText(
            "person", title_from=("name",), body_from=("title", "organisation", "bio"), index="person_search_document"
        ),
    ]
