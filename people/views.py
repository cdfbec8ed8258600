from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView

from people.filters import PersonFilter
from people.models import Person
from publishing import pagecache


class PersonListView(FilterView):
    """Public people in pinyin order, narrowed by organisation and initial letter.

    A filter value that is not offered (an unknown organisation, a letter outside A–Z) shows
    an empty list rather than everyone.
    """

    template_name = "people/person_list.html"
    filterset_class = PersonFilter
    context_object_name = "people"
    paginate_by = 60

    def get_queryset(self):
        return Person.objects.public().order_by("slug")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = context["filter"]
        chosen = filterset.form.cleaned_data if filterset.is_bound else {}
        return {
            **context,
            "letters": filterset.letters(),
            "chosen_letter": chosen.get("initial") or "",
            "chosen_organisation": chosen.get("organisation") or "",
        }


class PersonDetailView(DetailView):
    """A person and what has been published about them, newest first, a page of articles at a time."""

    template_name = "people/person_detail.html"
    context_object_name = "person"
    articles_per_page = 20
    events_shown = 10

    def get_object(self, queryset=None):
        return get_object_or_404(Person.objects.public(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        person = self.object
        pagecache.depends_on(self.request, pagecache.tag(person))
        # The periodical's articles reach people through the relation they declare (ArticlePerson,
        # ``person.article_links``); this page reads it and imports nothing of the periodical.
        # Each article's roles of this person: the page shows the role and the printed title only.
        roles = person.article_links.all()
        # Exists, not a join with DISTINCT, which made PostgreSQL sort whole rows of a long record.
        articles = (
            person.articles.model.objects.public()
            .filter(Exists(person.article_links.filter(article=OuterRef("pk"))))
            .for_listing()
            .prefetch_related(Prefetch("person_links", queryset=roles, to_attr="roles_of_person"))
            .latest_first()
        )
        page = Paginator(articles, self.articles_per_page).get_page(self.request.GET.get("page"))
        events = person.events.public().order_by("-start_date")[: self.events_shown]
        return super().get_context_data(
            articles=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            events=events,
            **kwargs,
        )
