"""What belongs to the site as a whole: search over articles, people and events; ``robots.txt``,
which points crawlers at the sitemap of all of them (``website.sitemaps``); the icons and web
app manifest that phones and browsers ask for."""

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.generic import ListView, TemplateView

from bulletin import seo
from bulletin.filters import ArticleSearchFilter
from bulletin.models import Article
from events.models import Event
from people.models import Person
from publishing import search


class RobotsView(TemplateView):
    """``robots.txt``: everything may be crawled but previews; where the sitemap is.

    It leaves the admin out, whose address is meant to stay unguessable; the admin's pages ask
    not to be indexed themselves.
    """

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sitemap_url=seo.absolute_url(reverse("sitemap")), **kwargs)


@require_safe
def favicon(request):
    """Browsers and crawlers ask for ``/favicon.ico`` whatever a page links to."""
    return HttpResponseRedirect(static("icons/favicon.ico"))


@require_safe
def web_manifest(request):
    """What a phone needs to put the site on its home screen: name, colours and icons."""
    return JsonResponse(
        {
            "name": settings.PERIODICAL_NAME,
            "short_name": settings.PERIODICAL_NAME,
            "lang": "zh-CN",
            "start_url": "/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#8c1c13",
            "icons": [
                {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


class SearchView(ListView):
    """Public articles containing every word of ``q``, narrowed by the filters, and a few people
    and events that match too; terms are highlighted in titles and snippets.

    A query that cannot be searched (empty, only punctuation) gets a page that says why.
    """

    template_name = "website/search.html"
    context_object_name = "articles"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        self.query = search.parse_query(request.GET.get("q", ""))
        self.filter = ArticleSearchFilter(request.GET, queryset=Article.objects.public())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        articles = search.matching(self.filter.qs, self.query, then=("-published_at", "-pk"))
        return articles.for_search_results()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # All matches are counted once, from the index; the list is as long as the ranking window
        # allows. Told its length, the paginator does not count the ranked list a second time.
        self.found = search.count_matching(self.filter.qs, self.query)
        self.found_as_written = (
            search.count_matching(self.filter.qs, self.query.exactly()) if self.query.loose else self.found
        )
        paginator.count = search.listed(self.found.count)
        return paginator

    def paginate_queryset(self, queryset, page_size):
        # A page number out of range shows the nearest page rather than an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = list(page.object_list)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for article in context["articles"]:
            article.highlighted_title = search.highlight(article.title, self.query)
            article.snippet = search.snippet(
                self.query, search.text_around_hit(self.query, article.body), article.summary
            )
        # Where the articles holding the query as written end and those holding its words apart begin.
        context["first_apart"] = next((a for a in context["articles"] if not a.exact_match), None)
        first_page = context["page_obj"].number == 1
        people, events = people_and_events_matching(self.query) if first_page else ([], [])
        context.update(
            query=self.query,
            found=self.found.count,
            found_text=str(self.found),
            found_as_written=self.found_as_written.count,
            # Told only when both are exact: an estimate less another is no count.
            found_apart=0
            if self.found.estimated or self.found_as_written.estimated
            else self.found.count - self.found_as_written.count,
            filter=self.filter,
            people=list(people),
            events=list(events),
            max_query_length=search.MAX_QUERY_LENGTH,
        )
        return context


# A search shows this many people and events beside its articles, best first. Only the events
# shown are ranked (the newest that match), since ranking reads each candidate's whole document:
# the best five of fifty events took 18 ms of a search at 15,000 articles. People are ranked among
# the first PEOPLE_WINDOW that match and then kept to those readers may see (see below): fifty
# cost a common word's search 1.5 ms more at 100k articles, for five names shown.
OTHERS_COUNT = 5
PEOPLE_WINDOW = 20
# What is shown of them: a biography or an event's description is rich text many times the size
# of the rest, read and sent for nothing.
PERSON_FIELDS = ("name", "slug", "title", "organisation", "initial", "photo")
EVENT_FIELDS = ("title", "slug", "start_date", "start_time", "end_date", "end_time", "place", "organiser")


def people_and_events_matching(query):
    """The people and the events a search for ``query`` shows beside its articles, best first:
    on the site's search page and in the API's."""
    # public() on the ranked few, not inside the window: there PostgreSQL checked every person's
    # every appearance in the archive before picking the matches (20-45 ms a search at 15k).
    people = search.matching(Person.objects.all(), query, then=("slug",), window=PEOPLE_WINDOW).public()
    events = search.matching(Event.objects.public(), query, then=("-start_date", "-pk"), window=OTHERS_COUNT)
    return people.only(*PERSON_FIELDS)[:OTHERS_COUNT], events.only(*EVENT_FIELDS)[:OTHERS_COUNT]
