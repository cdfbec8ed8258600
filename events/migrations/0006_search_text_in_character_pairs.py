# The search text holds pairs of adjacent characters instead of jieba's words, so that any part
# of a name or a phrase is found as written: every row's text and stored document are derived
# again, the index of the stored documents built anew after them (PostgreSQL).

from django.db import migrations

from publishing import search


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_review_stage_moved"),
    ]

    operations = [
        search.FillSearchText(
            "event",
            title_from=("title",),
            body_from=("place", "organiser", "description"),
            index="event_search_document",
        ),
    ]
