"""The icons browsers and phones show for the site, on the public pages and in the admin."""

import json

import html5lib
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def static_file(url):
    """The file a static URL names, from the project's static folders."""
    name = url.removeprefix("/static/")
    found = finders.find(name)
    assert found, f"no static file {name}"
    return found


def head_links(response):
    """``{rel: href}`` of the ``<link>`` elements of a page's head."""
    assert response.status_code == 200
    head = html5lib.parse(response.content, namespaceHTMLElements=False).find("head")
    return {link.get("rel"): link.get("href") for link in head.iter("link")}


@pytest.mark.parametrize("url", [reverse("bulletin:home"), reverse("admin:login")])
def test_public_and_admin_pages_name_a_favicon_and_a_home_screen_icon(client, url):
    links = head_links(client.get(url))

    for rel in ("icon", "apple-touch-icon"):
        static_file(links[rel])


def test_favicon_ico_leads_to_the_icon_for_browsers_that_ask_for_it_unprompted(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    with open(static_file(response["Location"]), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_the_web_manifest_names_the_periodical_and_its_icons(client, settings):
    response = client.get(head_links(client.get(reverse("bulletin:home")))["manifest"])

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == settings.PERIODICAL_NAME
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        static_file(icon["src"])
