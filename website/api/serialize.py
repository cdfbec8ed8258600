"""Content as the open API gives it (``website.api.schemas``), from what the querysets loaded.

Each function reads only what its caller's queryset selected or prefetched (named in its
docstring), so a list of any length costs the same queries; images cost none (their renditions
are remembered in the cache, ``publishing.images.picture``).
"""

import mimetypes

from django.utils import timezone

from bulletin.models import table_of_contents
from bulletin.seo import absolute_url
from publishing import images


def url_of(obj):
    return absolute_url(obj.get_absolute_url())


def image(field, *, alt, **extra):
    """An image field's file as readers get it: its renditions; None when the field is empty."""
    if not field:
        return None
    pic = images.picture(field.name, field.storage)
    if pic is None:  # unreadable: shown as it is, as the pages do
        return {"src": absolute_url(field.url), "width": None, "height": None, "alt": alt, "renditions": [], **extra}
    largest = pic.largest
    return {
        "src": absolute_url(largest.url),
        "width": largest.width,
        "height": largest.height,
        "alt": alt,
        "renditions": [
            {
                "url": absolute_url(source.url),
                "width": source.width,
                "height": source.height,
                "type": mimetypes.guess_type(source.url)[0] or "application/octet-stream",
            }
            for source in (*pic.fallback, *pic.webp)
        ],
        **extra,
    }


def photo(item, article):
    # The alt text the article page gives it.
    alt = item.alt or item.caption or article.title
    return image(item.image, alt=alt, caption=item.caption, credit=item.credit)


# Issues and sections ---------------------------------------------------------------------------


def issue_ref(issue):
    return {
        "id": issue.pk,
        "year": issue.year,
        "number": issue.number,
        "running_number": issue.running_number,
        "name": issue.short_name,
        "url": url_of(issue),
    }


def issue_item(issue):
    return {
        **issue_ref(issue),
        "title": str(issue),
        "theme": issue.theme,
        "released_on": issue.released_on,
        "published_at": timezone.localtime(issue.published_at),
        "page_count": issue.page_count,
        "cover": image(issue.cover_image, alt=issue.cover_alt, caption=issue.cover_caption),
    }


def issue_detail(issue, articles, pdf):
    """A public issue with its contents: ``articles`` as ``for_toc()`` reads them."""
    return {
        **issue_item(issue),
        "pdf": pdf,
        "contents": [
            {
                "section": {
                    **section_ref(group.section),
                    "pinyin_name": group.section.pinyin_name,
                    "show_heading": group.section.show_heading,
                    "parent": group.section.parent.slug if group.section.parent_id else None,
                },
                "is_subcolumn": group.is_subcolumn,
                "articles": [toc_entry(article) for article in group.articles],
            }
            for group in table_of_contents(articles)
        ],
    }


def toc_entry(article):
    return {
        "id": article.pk,
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "first_page": article.first_page,
        "last_page": article.last_page,
        "pages": article.page_range,
        "url": url_of(article),
    }


def section_ref(section):
    return {"slug": section.slug, "name": section.name, "url": url_of(section)}


def section_detail(section, *, parent, children):
    return {
        **section_ref(section),
        "pinyin_name": section.pinyin_name,
        "description": section.description,
        "show_heading": section.show_heading,
        "parent": section_ref(parent) if parent else None,
        "children": [section_ref(child) for child in children],
    }


# Articles --------------------------------------------------------------------------------------


def article_base(article):
    """What every kind of article answer says: reads its issue and section (``for_listing()``)."""
    return {
        "id": article.pk,
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "summary": article.summary,
        "byline": article.byline,
        "contributor": article.contributor,
        "published_at": timezone.localtime(article.published_at),
        "issue": issue_ref(article.issue) if article.issue_id else None,
        "section": section_ref(article.section),
        "first_page": article.first_page,
        "last_page": article.last_page,
        "pages": article.page_range,
        "url": url_of(article),
    }


def article_item(article):
    """An article in a list, with its teaser photo: ``for_listing()``."""
    teaser = article.teaser_photo
    return {**article_base(article), "photo": photo(teaser, article) if teaser else None}


def article_detail(article):
    """A public article whole: ``for_detail()``."""
    return {
        **article_base(article),
        "body_html": article.body,
        "photos": [photo(item, article) for item in article.photos.all()],
        "people": [{**role(link), "person": person_ref(link.person)} for link in article.person_links.all()],
        "topics": [{"slug": t.slug, "name": t.name, "url": url_of(t)} for t in article.topics.all()],
    }


def role(link):
    return {"role": link.role, "role_label": link.get_role_display(), "title": link.title_as_printed}


# People and events -----------------------------------------------------------------------------


def person_ref(person):
    return {"slug": person.slug, "name": person.name, "url": url_of(person)}


def person_item(person):
    return {
        **person_ref(person),
        "title": person.title,
        "organisation": person.organisation,
        "initial": person.initial,
        "photo": image(person.photo, alt=person.name),
    }


def event_item(event):
    return {
        "slug": event.slug,
        "title": event.title,
        "start_date": event.start_date,
        "start_time": event.start_time,
        "end_date": event.end_date,
        "end_time": event.end_time,
        "place": event.place,
        "organiser": event.organiser,
        "url": url_of(event),
    }
