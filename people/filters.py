"""The people directory's filters: by organisation and by the initial letter of the pinyin name."""

import django_filters
from django import forms

from people.models import INITIALS
from publishing.reader_forms import ReaderForm, ReaderSelect
from publishing.slugs import pinyin_slug


class PersonFilter(django_filters.FilterSet):
    """Filters a queryset of public people.

    The organisations offered, and the letters that have anyone under them, come from the
    queryset the filter is given, so the choices never reveal someone a reader cannot see.
    """

    organisation = django_filters.ChoiceFilter(
        label="单位",
        empty_label="全部单位",
        choices=(),
        widget=ReaderSelect(attrs={"class": "person-filter__select"}),
    )
    initial = django_filters.ChoiceFilter(
        label="姓名首字母",
        choices=[(letter, letter) for letter in INITIALS],
        widget=forms.HiddenInput,
    )

    class Meta:
        form = ReaderForm

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        names = self.queryset.exclude(organisation="").order_by().values_list("organisation", flat=True).distinct()
        self.filters["organisation"].extra["choices"] = [
            (name, name) for name in sorted(set(names), key=lambda name: (pinyin_slug(name, max_length=200), name))
        ]

    def letters(self):
        """The letters A–Z with at least one person under the chosen organisation (all letters' people if none)."""
        people = self.queryset
        if self.is_bound and not self.errors.get("organisation"):
            organisation = self.form.cleaned_data.get("organisation")
            if organisation:
                people = people.filter(organisation=organisation)
        present = set(people.exclude(initial="").order_by().values_list("initial", flat=True).distinct())
        return [letter for letter in INITIALS if letter in present]
