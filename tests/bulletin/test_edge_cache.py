"""The HTTP caches in front of the app (publishing.edge): what they are offered, and the purges
that keep them from showing what readers may no longer see.

The edge here is a small HTTP server on loopback that records each request and answers 200 (or
refuses, for an edge that is down): the app's side of the protocol is its requests. Varnish itself,
with deploy/varnish.vcl, runs in the production smoke test (deploy/smoke.py), which publishes an
article and reads it back through it.
"""

import http.server
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from publishing import edge, housekeeping, pagecache
from publishing.models import EdgePurge
from tests import factories as make

pytestmark = pytest.mark.django_db

HOME = reverse("bulletin:home")


class Edge(http.server.ThreadingHTTPServer):
    """Records every PURGE it is sent: ``purged`` holds the tags of each, in order, and ``graced``
    whether each one let the old pages stand while new ones are built."""

    def __init__(self):
        self.purged = []
        self.graced = []
        self.refusing = False
        edge_server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):
                if edge_server.refusing:
                    self.send_error(503)
                    return
                graced = "xkey-softpurge" in self.headers
                edge_server.graced.append(graced)
                edge_server.purged.append(set(self.headers["xkey-softpurge" if graced else "xkey-purge"].split()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"


@pytest.fixture
def varnish(settings):
    server = Edge()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EDGE_PURGE_URLS = [server.url]
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def cache_control(response):
    return dict(
        [*part.split("=", 1), ""][:2] for part in (word.strip() for word in response["Cache-Control"].split(","))
    )


def waiting_with(tag):
    """The purge waiting in the database that holds ``tag``."""
    (row,) = [row for row in EdgePurge.objects.all() if tag in row.tags]
    return row


# What the edge is offered --------------------------------------------------------------------


def test_a_readers_page_is_offered_to_shared_caches_with_the_tags_of_what_it_shows(client, varnish, published_issue):
    article = make.article(published_issue, title="赤霉病防控新进展")

    for outcome in ("miss", "hit"):  # built, then from Redis: the same offer
        page = client.get(article.get_absolute_url())
        assert page[pagecache.CACHE_HEADER] == outcome
        tags = set(page["xkey"].split())
        assert {"site", f"article:{article.pk}", f"issue:{published_issue.pk}"} <= tags
        assert page["Surrogate-Key"] == page["xkey"] and set(page["Cache-Tag"].split(",")) == tags
        control = cache_control(page)
        # Shared caches keep it; browsers still ask each time.
        assert control["max-age"] == "0" and "must-revalidate" in control
        assert 0 < int(control["s-maxage"]) <= 600


def test_the_shared_lifetime_ends_at_the_next_scheduled_publication(client, varnish, published_issue):
    make.article(published_issue, title="两分钟后发布", published_at=timezone.now() + timedelta(seconds=120))

    assert int(cache_control(client.get(HOME))["s-maxage"]) <= 120
    assert int(cache_control(client.get(HOME))["s-maxage"]) <= 120  # from Redis, counted again


def test_nothing_personal_is_offered_to_shared_caches(client, varnish, editor, newsroom, published_issue):
    client.force_login(editor)
    staff_page = client.get(HOME)
    draft = make.draft(by=newsroom.author, title="尚未发布的草稿")
    preview = client.get(reverse("bulletin:preview-article", kwargs={"pk": draft.pk}))
    client.logout()
    with_credentials = client.get(HOME, HTTP_AUTHORIZATION="Bearer x")

    for response in (staff_page, preview, with_credentials):
        assert response.status_code == 200
        assert "xkey" not in response and "Surrogate-Key" not in response
        assert "s-maxage" not in response["Cache-Control"]


def test_without_an_edge_no_page_is_offered_to_shared_caches(client, settings, published_issue):
    settings.EDGE_PURGE_URLS = []
    page = client.get(HOME)
    assert "xkey" not in page and "s-maxage" not in page["Cache-Control"]


# Purges ---------------------------------------------------------------------------------------


def test_publishing_purges_exactly_the_tags_of_what_changed(varnish, commit, newsroom, published_issue):
    section = make.section("科协动态")
    article = newsroom.approved(published_issue, title="赤霉病防控新进展", section=section)

    with commit():
        workflow.publish(article, by=newsroom.chief)

    purged = varnish.purged[0]  # then the issue again, for its rebuilt print edition
    assert {f"article:{article.pk}", f"issue:{published_issue.pk}", f"section:{section.pk}", "listings"} <= purged
    assert "site" not in purged  # every page carries it: purging it would empty the edge
    assert not EdgePurge.objects.exists()
    # The old pages only lack the new article: the edge serves them while it fetches the new.
    assert varnish.graced[0]


def test_withdrawing_purges_the_article_and_the_lists_that_showed_it(varnish, commit, newsroom, published_issue):
    article = make.article(published_issue, title="赤霉病防控新进展")

    with commit():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    assert {f"article:{article.pk}", "listings"} <= varnish.purged[0]
    # The old pages show what readers may no longer see: dropped at once, never kept for grace.
    # (Then the issue's pages again, with grace, for its print edition rebuilt without it.)
    assert varnish.graced[0] is False


def test_a_purge_with_grace_is_never_sent_together_with_one_without(varnish):
    EdgePurge.objects.create(tags=["listings", "article:7"], grace=True)
    EdgePurge.objects.create(tags=["listings", "article:8"])

    assert edge.replay_pending()

    assert sorted(zip(varnish.graced, map(sorted, varnish.purged), strict=True)) == [
        (False, ["article:8", "listings"]),
        (True, ["article:7", "listings"]),
    ]


def test_an_issue_withdrawn_is_purged_without_grace_and_one_released_with_it(
    varnish, commit, newsroom, published_issue
):
    with commit():
        workflow.unpublish_issue(published_issue, by=newsroom.chief, comment="期号有误")
    withdrawn = len(varnish.purged)
    with commit():
        workflow.release_issue(published_issue, by=newsroom.chief)

    assert varnish.graced[0] is False and "listings" in varnish.purged[0]
    assert varnish.graced[withdrawn] is True and "listings" in varnish.purged[withdrawn]


def test_a_purge_rolled_back_with_its_change_is_never_sent(
    varnish, django_capture_on_commit_callbacks, newsroom, published_issue
):
    article = newsroom.approved(published_issue, title="回滚的发布")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        workflow.publish(article, by=newsroom.chief)
        raise RuntimeError("the request failed after publishing")

    assert varnish.purged == [] and not EdgePurge.objects.exists()


def test_a_purge_the_edge_did_not_confirm_waits_and_is_sent_again(varnish, commit, newsroom, published_issue):
    varnish.refusing = True
    article = make.article(published_issue, title="赤霉病防控新进展")
    with commit():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
    assert waiting_with(f"article:{article.pk}").attempts == 1

    assert not edge.replay_pending()  # still down: kept
    varnish.refusing = False
    housekeeping.replay_page_invalidations.call(timezone.now(), timezone.now())  # the scheduler's minute

    assert not EdgePurge.objects.exists()
    assert f"article:{article.pk}" in set().union(*varnish.purged)


def test_an_edge_that_is_not_there_does_not_hold_up_the_editor(settings, commit, newsroom, published_issue):
    settings.EDGE_PURGE_URLS = ["http://127.0.0.1:9/"]  # the discard port: nothing listens
    article = make.article(published_issue, title="赤霉病防控新进展")

    with commit():
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    assert waiting_with(f"article:{article.pk}").attempts == 1


def test_the_replay_command_sends_what_the_edge_missed(varnish, capsys):
    EdgePurge.objects.create(tags=["article:7", "listings"])

    call_command("replay_page_invalidations")

    assert varnish.purged == [{"article:7", "listings"}]
    assert "1 条边缘缓存清除请求" in capsys.readouterr().out


def test_every_configured_edge_is_purged(settings, varnish, commit, newsroom, published_issue):
    second = Edge()
    threading.Thread(target=second.serve_forever, daemon=True).start()
    settings.EDGE_PURGE_URLS = [varnish.url, second.url]
    try:
        article = make.article(published_issue, title="赤霉病防控新进展")
        with commit():
            workflow.withdraw(article, by=newsroom.chief, comment="数据有误")
    finally:
        second.shutdown()
        second.server_close()

    assert varnish.purged == second.purged and f"article:{article.pk}" in second.purged[0]
