# The search text holds pairs of adjacent characters instead of jieba's words, so that any part
# of a name or a phrase is found as written: every row's text and stored document are derived
# again, the index of the stored documents built anew after them (PostgreSQL).

from django.db import migrations

from publishing import search


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0019_new_articles_join_the_end_of_their_section"),
    ]

    operations = [
        search.FillSearchText(
            "article",
            title_from=("kicker", "title", "subtitle"),
            body_from=("summary", "body", "byline", "contributor"),
            index="article_search_document",
        ),
    ]
