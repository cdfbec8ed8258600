"""Old addresses of articles: remembered where an address changes, followed with a 301.

A published article keeps its address: its slug and issue are read-only in the admin and a
revision never changes them (``workflow.REVISED_FIELDS``), so a new title does not move it. An
address can still change when an issue's year or number is corrected, or when a withdrawn
article is moved and published again. Those places wrap their change in
:func:`remembering_addresses`. ``Article.save()`` is not the place: it does not see an issue's
renumbering, and writing another table is a side effect (STYLE.md, rule 5).
"""

from contextlib import contextmanager

from bulletin.models import Article, ArticleRedirect


@contextmanager
def remembering_addresses(articles):
    """Remember the address of each of ``articles`` (a queryset) that changes inside the block.

    Only articles that have been published count: a draft's address was never shown to anyone.
    """
    before = {
        article.pk: article.get_absolute_url()
        for article in articles.originals().filter(published_at__isnull=False).select_related("issue")
    }
    yield
    if not before:
        return
    for article in Article.objects.filter(pk__in=before).select_related("issue"):
        old_path = before[article.pk]
        if article.get_absolute_url() != old_path:
            ArticleRedirect.objects.update_or_create(old_path=old_path, defaults={"article": article})


def moved_article(path):
    """The public article that used to live at ``path``, or None."""
    found = (
        ArticleRedirect.objects.filter(old_path=path, article__in=Article.objects.public())
        .select_related("article__issue")
        .first()
    )
    return found.article if found else None
