"""Two engines share templates/: Jinja2 renders the public site (pages, partials, error pages,
robots.txt, the print edition); Django's engine renders the overrides of the admin's and
django-axes's templates, which Jinja2 must leave to it."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist, defaultfilters, engines
from django.template.backends.django import DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

FOLDER = Path(settings.BASE_DIR) / "templates"
OVERRIDES = ("admin/", "axes/")


def template_names(*, overrides):
    """The names of the templates in templates/: the overrides of Django apps' templates, or the others."""
    names = (path.relative_to(FOLDER).as_posix() for path in sorted(FOLDER.rglob("*")) if path.is_file())
    return [name for name in names if name.startswith(OVERRIDES) == overrides]


@pytest.mark.parametrize("name", template_names(overrides=False))
def test_public_templates_are_rendered_by_jinja2(name):
    assert isinstance(get_template(name).backend, Jinja2)


@pytest.mark.parametrize("name", template_names(overrides=True))
def test_overrides_of_django_apps_templates_are_left_to_djangos_engine(name):
    with pytest.raises(TemplateDoesNotExist):
        engines["jinja2"].get_template(name)

    template = get_template(name)

    assert isinstance(template.backend, DjangoTemplates)
    assert template.origin.name == str(FOLDER / name)


@pytest.mark.django_db
def test_the_admin_index_shows_the_shortcuts_its_override_adds(chief_client, read_page):
    page = read_page(chief_client.get(reverse("admin:index")))

    assert page.contains("制作看板")
    assert page.contains("期刊")  # Django's own index, which the override extends


@pytest.mark.parametrize("format", ["c", "Y年n月j日", "n月j日", None])
@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 1, 31, 23, 30, tzinfo=UTC),  # already 1 February in Beijing
        datetime(2026, 12, 4, 8, 5, 9, 120, tzinfo=UTC),
        date(2025, 7, 1),
        None,
        "",
    ],
)
def test_public_templates_write_dates_as_djangos_date_filter_does(value, format):
    template = engines["jinja2"].from_string("{{ value|date(format) }}")
    expected = defaultfilters.date(timezone.template_localtime(value), format)

    assert template.render({"value": value, "format": format}) == expected
