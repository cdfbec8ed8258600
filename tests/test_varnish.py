"""deploy/varnish.vcl in a real varnishd (Debian's, with the xkey vmod), in front of a small
backend that answers as the app does: a tagged page for everyone, and how long each build takes.

What readers get after each kind of purge the app sends (publishing.edge): with grace, the old
page while exactly one request builds the next; without, never the old page again.
"""

import http.server
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from deploy import smoke_stack

pytestmark = pytest.mark.skipif(shutil.which("varnishd") is None, reason="needs Debian's varnish and varnish-modules")

BUILD_SECONDS = 0.5


class App(http.server.ThreadingHTTPServer):
    """Serves ``/page`` as version ``self.version`` of a page tagged ``listings article:1``,
    taking ``BUILD_SECONDS`` to build it; ``builds`` counts the pages it built."""

    def __init__(self):
        self.version = 1
        self.builds = 0
        app = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                headers = {}
                if self.path == "/page":
                    app.builds += 1
                    body = f"version {app.version}".encode()
                    time.sleep(BUILD_SECONDS)
                    headers = {"xkey": "listings article:1", "Cache-Control": "max-age=0, s-maxage=600"}
                else:  # /healthz, Varnish's probe
                    body = b"ok"
                self.send_response(200)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def app():
    server = App()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def edge(app):
    # varnishd reads its VCL as its own unprivileged user: not from pytest's private folders.
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        varnish = smoke_stack.Varnish(Path(folder), app.server_address[1], smoke_stack.free_port())
        try:
            varnish.wait()
            yield varnish
        finally:
            varnish.stop()


@pytest.fixture
def cached_page(app, edge):
    """``/page`` in the edge as the app's current version, whatever the last test left."""
    purge(edge, "xkey-purge", "article:1")
    app.version += 1
    assert read(edge) == (f"version {app.version}", "miss")
    return app.version


def read(edge, headers=None):
    status, response_headers, body = edge.client.get("/page", headers=headers)
    assert status == 200
    return body.decode(), response_headers["x-edge-cache"]


def purge(edge, header, tags):
    status, _, body = edge.client.request("PURGE", "/", headers={header: tags})
    assert status == 200, body


def test_a_tagged_page_is_kept_and_a_session_never_gets_it(app, edge, cached_page):
    built = app.builds
    assert read(edge) == (f"version {cached_page}", "hit")
    assert read(edge, {"Cookie": "sessionid=abc"})[1] == "pass"
    assert app.builds == built + 1  # only the editor's request reached the app


def test_after_a_purge_with_grace_readers_get_the_old_page_while_one_request_builds_the_next(app, edge, cached_page):
    app.version += 1
    built = app.builds
    purge(edge, "xkey-softpurge", "listings")

    with ThreadPoolExecutor(10) as readers:
        during = list(readers.map(lambda _: read(edge), range(10)))

    assert {body for body, _ in during} == {f"version {cached_page}"}  # nobody waited for the build
    time.sleep(BUILD_SECONDS * 2)
    assert read(edge) == (f"version {app.version}", "hit")
    assert app.builds == built + 1  # ten readers, one build


def test_after_a_purge_without_grace_the_old_page_is_never_served(app, edge, cached_page):
    app.version += 1
    purge(edge, "xkey-purge", "article:1")

    assert read(edge) == (f"version {app.version}", "miss")


def test_a_purge_of_other_tags_leaves_the_page(app, edge, cached_page):
    built = app.builds
    purge(edge, "xkey-purge", "article:2 section:3")
    purge(edge, "xkey-softpurge", "person:4")

    assert read(edge) == (f"version {cached_page}", "hit")
    assert app.builds == built


def test_a_purge_must_say_which_kind(edge):
    status, _, _ = edge.client.request("PURGE", "/", headers={"xkey": "listings"})
    assert status == 400
