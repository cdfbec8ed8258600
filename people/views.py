from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from django_filters.views import FilterView

from bulletin import pagecache
from bulletin.models import Article, ArticlePerson
from people.filters import PersonFilter
from people.models import Person


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
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        return get_object_or_404(Person.objects.public(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        pagecache.depends_on(self.request, pagecache.tag(self.object))
        roles = ArticlePerson.objects.filter(person=self.object).select_related("person")
        articles = (
            Article.objects.public()
            .filter(person_links__person=self.object)
            .distinct()
            .for_listing()
            .prefetch_related(Prefetch("person_links", queryset=roles, to_attr="roles_of_person"))
            .latest_first()
        )
        events = self.object.events.public().order_by("-start_date")
        return super().get_context_data(articles=articles, events=events, **kwargs)
