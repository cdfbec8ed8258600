"""deploy/nginx.conf itself in front of the app: readers get uploads of what they may see straight
from the public tree, staff get the rest through the app's X-Accel-Redirect, and nobody else gets it.

nginx runs as deploy/smoke.py runs it (the file as it is, addresses and paths changed for
loopback), in front of pytest-django's live server. Without nginx the test is skipped with the
reason shown, unless CI is set (as in CI), where that is a failure.
"""

import importlib.util
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from bulletin import workflow
from tests import factories as make

ROOT = Path(__file__).resolve().parents[2]


def require_nginx():
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        reason = "nginx not found: apt-get install nginx-light to run deploy/nginx.conf in front of the app"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


def smoke():
    spec = importlib.util.spec_from_file_location("bulletin_smoke_stack", ROOT / "deploy" / "smoke_stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def app_server(transactional_db):
    """The app on a loopback port, as pytest-django's live server but without Django's own
    serving of MEDIA_URL, which would answer before the app (and nginx) could."""
    server = LiveServer("localhost:0", start=False)
    server.thread.static_handler = lambda media_and_app: WSGIHandler()
    server._live_server_modified_settings.enable()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server._live_server_modified_settings.disable()


@pytest.fixture
def nginx(app_server, settings):
    """deploy/nginx.conf on loopback in front of the app, with a media folder its workers may read."""
    require_nginx()
    workdir = Path(tempfile.mkdtemp(prefix="bulletin-nginx-"))
    workdir.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    settings.MEDIA_ROOT = workdir / "media"
    settings.MEDIA_ACCEL_REDIRECT = True
    proxy = smoke().Nginx(workdir, [app_server.thread.port], workdir / "static", settings.MEDIA_ROOT)
    try:
        proxy.wait()
        yield proxy
    finally:
        proxy.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def fetch(browser, path, caplog):
    """``(status, headers, body, whether the app answered)`` of a GET through nginx."""
    caplog.clear()
    status, headers, body = browser.get(path)
    asked = any(record.name == "bulletin.request" and path in record.getMessage() for record in caplog.records)
    return status, headers, body, asked


def login(proxy, user):
    """A browser through nginx with a session of ``user``'s."""
    signed_in = Client()
    signed_in.force_login(user)
    browser = type(proxy.https)(proxy.https.port, tls=proxy.https.tls)
    browser.cookies[django_settings.SESSION_COOKIE_NAME] = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    return browser


def test_behind_nginx_a_drafts_photo_goes_to_staff_only_and_a_published_one_straight_to_readers(
    nginx, newsroom, editor, caplog
):
    issue = make.issue(year=2026, number=5, running_number=125)
    article = newsroom.approved(issue, title="院士专家走进乡村中学")
    photo = make.photo(article, image=make.image_upload("site.jpg", size=(300, 200)))
    path, stored = f"/media/{photo.image.name}", (Path(django_settings.MEDIA_ROOT) / photo.image.name).read_bytes()

    hidden = fetch(nginx.https, path, caplog)
    staff, staff_headers, staff_body, staff_asked = fetch(login(nginx, editor), path, caplog)
    workflow.publish(article, by=newsroom.chief)
    public, public_headers, public_body, public_asked = fetch(nginx.https, path, caplog)
    workflow.withdraw(article, by=newsroom.chief, comment="重复刊发")
    withdrawn = fetch(nginx.https, path, caplog)

    assert (hidden[0], hidden[3]) == (404, True)
    assert (staff, staff_body, staff_asked) == (200, stored, True)
    assert "no-store" in staff_headers["cache-control"] and staff_headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in staff_headers["content-security-policy"]
    assert (public, public_body, public_asked) == (200, stored, False)
    assert "sandbox" in public_headers["content-security-policy"]
    assert (withdrawn[0], withdrawn[3]) == (404, True)
