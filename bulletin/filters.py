"""The filters of the search page: section, issue year, issue number and person.

Issue and person are typed, not chosen from a list: an archive of years has thousands of issues
and people, and a list of every one would make each search page hundreds of kilobytes.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.forms import NumberInput, TextInput

from bulletin.models import Article, ArticlePerson, Issue, Section
from people.models import Person
from publishing.reader_forms import ReaderForm, ReaderSelect


def issue_years():
    """The years of the issues readers can see, newest first."""
    years = Issue.objects.public().order_by("-year").values_list("year", flat=True).distinct()
    return [(year, f"{year}年") for year in years]


def section_choices():
    """Every section by its address, in the sections' order. Read as pairs in one query: a model
    choice field reads whole sections through a server-side cursor, three round trips a search."""
    return list(Section.objects.values_list("slug", "name"))


class ArticleSearchFilter(django_filters.FilterSet):
    """Narrows a queryset of public articles; the choices offer only what readers can see."""

    section = django_filters.ChoiceFilter(
        label="栏目", empty_label="全部栏目", choices=section_choices, method="filter_section", widget=ReaderSelect
    )
    year = django_filters.ChoiceFilter(
        label="年份", empty_label="全部年份", choices=issue_years, field_name="issue__year", widget=ReaderSelect
    )
    # With the year: 2026 and 5 is 2026年第5期.
    issue = django_filters.NumberFilter(
        label="期号",
        field_name="issue__number",
        min_value=1,
        max_value=999,
        widget=NumberInput(attrs={"placeholder": "如：5"}),
    )
    person = django_filters.CharFilter(
        label="人物", method="filter_person", widget=TextInput(attrs={"placeholder": "姓名"})
    )

    class Meta:
        model = Article
        fields = ["section", "year", "issue", "person"]
        form = ReaderForm

    def filter_section(self, articles, name, slug):
        # A main section includes its sub-columns, as on the section's own page.
        return articles.filter(section__in=Section.objects.filter(Q(slug=slug) | Q(parent__slug=slug)))

    def filter_person(self, articles, name, value):
        """Articles about anyone of that name, or of that address (links use the slug)."""
        value = value.strip()
        people = Person.objects.public().filter(Q(name=value) | Q(slug=value))
        # Exists rather than a join: a person in two roles must not list the article twice.
        return articles.filter(Exists(ArticlePerson.objects.filter(article=OuterRef("pk"), person__in=people)))
