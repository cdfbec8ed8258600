"""Acting as the office's demo users over HTTP, for the smoke tests (deploy/smoke.py,
deploy/two_nodes.py): logging in, pressing a workflow button as its form posts it, and the
draft they work on.
"""

import re
import time
import tomllib
from urllib.parse import urlencode

from deploy.smoke_stack import PYTHON, ROOT, Client, check, run

# The demo accounts of the three review stages and the editor, with their (public) passwords.
DEMO_USERS = {
    user["username"]: user["password"]
    for user in tomllib.loads((ROOT / "website" / "demo" / "site.toml").read_text())["users"]
}


def log_in(port, admin, username):
    """A browser of the demo user ``username``, logged in to the admin on ``port``."""
    client = Client(port)
    _, _, form = client.get(f"/{admin}login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    check(token, "no CSRF token on the login form")
    status, _, _ = client.request(
        "POST",
        f"/{admin}login/",
        body=urlencode(
            dict(csrfmiddlewaretoken=token.group(1).decode(), username=username, password=DEMO_USERS[username])
        ),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    check(status == 302, f"{username} could not log in on port {port} ({status})")
    return client


def press(client, change_path, action, *, comment=""):
    """Press a workflow button of an article's change page, as its form on the page posts it."""
    _, _, page = client.get(change_path)
    page = page.decode()
    form = re.search(rf'<form method="post" action="([^"]+)"[^>]*id="workflow-{action}">(.*?)</form>', page, re.S)
    check(form, f"no {action} button on {change_path} for this user")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(2)))
    status, headers, _ = client.request(
        "POST",
        form.group(1),
        body=urlencode({**fields, "comment": comment}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    check(status == 302, f"{action}: expected a redirect, got {status}")
    _, _, after = client.get(headers["location"])
    error = re.search(r'<li class="error">(.*?)</li>', after.decode(), re.S)
    check(not error, f"{action} was refused: {error and error.group(1)}")
    print(f"  {action} on port {client.port}")


def create_draft(environment, title, body):
    """A draft news article with ``body`` (HTML), as the demo editor would have written it; its
    primary key and address."""
    script = f"""
from django.contrib.auth import get_user_model
from bulletin.models import Article, Section
editor = get_user_model().objects.get(username="editor")
article = Article.objects.create(
    section=Section.objects.get(name="科协动态"),
    title={title!r},
    body={body!r},
    contributor="省科协办公室",
    created_by=editor,
    updated_by=editor,
)
print(article.pk, article.get_absolute_url())
"""
    pk, path = run([PYTHON, "manage.py", "shell", "-c", script], env=environment).split()[-2:]
    return int(pk), path


def wait_for(condition, seconds):
    """Seconds until ``condition()`` held, or None if it did not within ``seconds``."""
    started = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - started
        if time.monotonic() - started > seconds:
            return None
        time.sleep(0.05)
