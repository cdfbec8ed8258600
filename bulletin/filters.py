"""The filters of the search page: section, issue year, issue and person."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from bulletin.models import Article, ArticlePerson, Issue, Section
from people.models import Person


def issue_years():
    """The years of the issues readers can see, newest first."""
    years = Issue.objects.public().order_by("-year").values_list("year", flat=True).distinct()
    return [(year, f"{year}年") for year in years]


def public_issues():
    return Issue.objects.public().order_by("-year", "-number")


class ArticleSearchFilter(django_filters.FilterSet):
    """Narrows a queryset of public articles; the choices offer only what readers can see."""

    section = django_filters.ModelChoiceFilter(
        label="栏目",
        empty_label="全部栏目",
        queryset=Section.objects.all(),
        to_field_name="slug",
        method="filter_section",
    )
    year = django_filters.ChoiceFilter(
        label="年份", empty_label="全部年份", choices=issue_years, field_name="issue__year"
    )
    # The choices are callables: public() compares with the time of each request, not of import.
    issue = django_filters.ModelChoiceFilter(
        label="期号", empty_label="全部期刊", queryset=lambda request: public_issues()
    )
    person = django_filters.ModelChoiceFilter(
        label="人物",
        empty_label="全部人物",
        queryset=lambda request: Person.objects.public(),
        to_field_name="slug",
        method="filter_person",
    )

    class Meta:
        model = Article
        fields = ["section", "year", "issue", "person"]

    def filter_section(self, articles, name, section):
        # A main section includes its sub-columns, as on the section's own page.
        return articles.filter(Q(section=section) | Q(section__parent=section))

    def filter_person(self, articles, name, person):
        # Exists rather than a join: a person in two roles must not list the article twice.
        return articles.filter(Exists(ArticlePerson.objects.filter(article=OuterRef("pk"), person=person)))
