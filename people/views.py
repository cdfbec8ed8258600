from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from bulletin.models import Article, ArticlePerson
from people.models import Person


class PersonListView(ListView):
    template_name = "people/person_list.html"
    context_object_name = "people"
    paginate_by = 60

    def get_queryset(self):
        return Person.objects.public().order_by("slug")


class PersonDetailView(DetailView):
    template_name = "people/person_detail.html"
    context_object_name = "person"

    def get_object(self, queryset=None):
        return get_object_or_404(Person.objects.public(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
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
