"""Two web nodes: Bulletin on two gunicorns that share nothing but PostgreSQL, Redis and S3.

The stack of docker-compose.yml scaled out, without Docker: two gunicorn processes with production
settings on different ports, each in a working directory of its own (its own static and media
folders, so nothing can pass between them on disk), one worker for the background jobs, this
machine's PostgreSQL and Redis, an S3 server (moto's, started here) holding the uploads, and
deploy/nginx.conf in front with both nodes in its upstream. Checks, over real HTTP:

1. nginx spreads readers over both nodes;
2. a login on one node is a login on the other (sessions are shared);
3. an image uploaded through node A is served through node B: to its editor at once, from a signed
   address; to readers only once the article that shows it is published, from the public copy;
4. an article taken through review on both nodes and published on A is on B's pages (cached there
   before) within PROPAGATION_SECONDS; withdrawn on B, it is gone from A's within the same time;
5. with node A stopped, nginx serves every request from B.

Run from the project root with `make smoke-nodes`; leaves PostgreSQL and Redis running and stops
everything it started. Exits non-zero on any failure.
"""

import http.client
import json
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from PIL import Image

from deploy.smoke_checks import step
from deploy.smoke_stack import (
    PYTHON,
    ROOT,
    Client,
    Gunicorn,
    Nginx,
    Process,
    SmokeFailure,
    check,
    ensure_services,
    free_port,
    production_environment,
    psql,
    run,
    wait_until_serving,
)
from deploy.smoke_users import create_draft, log_in, press, wait_for

DATABASE = "bulletin_nodes"
REDIS_DB = 4
BUCKET = "bulletin-nodes"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "bulletin-nodes", "AWS_SECRET_ACCESS_KEY": "bulletin-nodes-secret"}
PROPAGATION_SECONDS = 1.0
# Jobs (the public copies of a released article's images) run in the worker, which polls.
JOB_SECONDS = 15


class Node:
    """One web node: its working directory, its gunicorn, and a browser per user logged in to it."""

    def __init__(self, name, root, environment):
        self.name = name
        self.port = int(environment["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.environment = environment
        self.workdir = root / name
        self.server = None

    def start(self):
        self.server = Gunicorn(self.environment, self.workdir / "gunicorn.log", cwd=self.workdir)
        wait_until_serving(Client(self.port), self.server)

    def reader(self):
        return Client(self.port)

    def requests_served(self, path):
        log = Path(self.server.log_path).read_text(errors="replace")
        return log.count(f'"GET {path} HTTP/1.0"')


def main():
    started = time.monotonic()
    check(ensure_services(), "PostgreSQL or Redis is not running and could not be started")
    root = Path(tempfile.mkdtemp(prefix="bulletin-nodes-"))
    root.chmod(0o755)  # nginx's workers read the static files from here
    s3 = worker = proxy = None
    nodes = []
    figures = {}
    try:
        s3 = S3Server(root)
        a_port, b_port = free_port(), free_port()
        for name in ("a", "b", "worker"):
            (root / name).mkdir()
        proxy = Nginx(root, [a_port, b_port], root / "a" / "static", root / "a" / "media")
        shared = {
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            **S3_KEYS,
            "TASK_BACKEND": "database",
            "SITE_URL": f"https://localhost:{proxy.https_port}",
        }

        def environment(name, port):
            variables = production_environment(port, root / name, database=DATABASE, redis_db=REDIS_DB)
            return variables | shared | {"SECRET_KEY": secret}

        secret = secrets.token_urlsafe(50)  # one key: a session signed by one node is valid on the other
        a = Node("a", root, environment("a", a_port))
        b = Node("b", root, environment("b", b_port))
        nodes = [a, b]

        step("Prepare: fresh database and bucket, migrate, demo content, each node's static files")
        psql(
            f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)",
            f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0",
        )
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], capture_output=True, check=True)
        s3.create_bucket()
        manage(a, "migrate", "--no-input")
        manage(a, "load_demo", "--force")
        for node in nodes:
            manage(node, "collectstatic", "--no-input", "-v", "0")
        admin = manage(a, "shell", "-c", "from django.conf import settings; print(settings.ADMIN_URL)").split()[-1]
        print(f"  {s3.count()} objects in the bucket after the demo content; admin at /{admin}")

        step(f"Start node A on {a_port}, node B on {b_port}, a worker, nginx in front of both")
        worker = Process(
            [PYTHON, str(ROOT / "manage.py"), "db_worker"],
            environment("worker", free_port()),
            root / "worker" / "worker.log",
            cwd=root / "worker",
        )
        for node in nodes:
            node.start()
        proxy.wait()

        spread_over_both(proxy, nodes)
        figures |= editors_across_nodes(a, b, admin, s3)
        stop_one_node(proxy, a, b)
        check(worker.alive(), "the worker died during the run")
    except (SmokeFailure, OSError, http.client.HTTPException, subprocess.SubprocessError) as failure:
        print(f"\nTWO NODES FAILED: {failure!r}", file=sys.stderr)
        for process in [*(node.server for node in nodes), worker]:
            if process:
                print(f"--- {process.log_path} (last lines) ---\n{process.tail()}", file=sys.stderr)
        return 1
    finally:
        for process in [proxy, *(node.server for node in nodes), worker, s3]:
            if process:
                process.stop()
        ensure_services()
        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(root, ignore_errors=True)

    step("Summary")
    print(
        f"  passed in {time.monotonic() - started:.0f} s; published on A, on B's pages after "
        f"{figures['published']:.2f} s; withdrawn on B, gone from A's after {figures['withdrawn']:.2f} s; "
        f"the image's public copy readable through B {figures['public copy']:.1f} s after publishing; "
        f"a reader's image redirect from the app {figures['redirect ms']:.1f} ms"
    )
    return 0


# Checks --------------------------------------------------------------------------------------------


def spread_over_both(proxy, nodes):
    step("nginx spreads readers over both nodes")
    for _ in range(20):
        status, _, _ = proxy.https.get("/")
        check(status == 200, f"home page through nginx: {status}")
    served = {node.name: node.requests_served("/") for node in nodes}
    print(f"  20 requests for / through nginx; served by node A {served['a']}, node B {served['b']}")
    check(all(served.values()), f"one node served none of them: {served}")


def editors_across_nodes(a, b, admin, s3):
    step("A login on A is a login on B")
    editor_on_a = log_in(a.port, admin, "editor")
    editor_on_b = Client(b.port)
    editor_on_b.cookies = dict(editor_on_a.cookies)
    status, _, body = editor_on_b.get(f"/{admin}")
    check(status == 200 and b'id="logout-form"' in body, f"the editor's session is not known on B ({status})")
    print("  the editor's session from A opens the admin on B")

    step("An image uploaded through A is served through B")
    picture = png(480, 320)
    url = upload_image(editor_on_a, admin, picture)
    check(url.startswith("/media/editor/"), f"the upload answered {url!r}")
    via_b = follow_to_bucket(editor_on_b, url, signed=True)
    via_a = follow_to_bucket(editor_on_a, url, signed=True)
    check(via_a == via_b and Image.open(BytesIO(via_b)).size == (480, 320), "A and B serve different files")
    print(f"  {url}: {len(via_b)} B, the same from A and B, for the editor from a signed address")
    status, _, _ = b.reader().get(url)
    check(status == 404, f"a reader was given the image of a draft through B ({status})")
    print("  a reader asking B for it: 404 (only a draft shows it)")

    step("Reviewed on both nodes, published on A: B's pages show it; withdrawn on B: A's no longer do")
    title = f"两台服务器之间的发布检查 {secrets.token_hex(3)}"
    body = f'<p>两台服务器共用一个数据库、一个缓存和一个存储桶。</p><figure class="image"><img src="{url}" alt="检查用图"></figure>'
    pk, path = create_draft(b.environment, title, body)
    # Each decision on the node its user happens to be on.
    users = {"editor": editor_on_a, "reviewer": log_in(b.port, admin, "reviewer")}
    users |= {"reviewer2": log_in(a.port, admin, "reviewer2"), "chief": log_in(b.port, admin, "chief")}
    change = f"/{admin}bulletin/article/{pk}/change/"
    press(users["editor"], change, "submit")
    for reviewer in ("reviewer", "reviewer2", "chief"):
        press(users[reviewer], change, "approve", comment="同意。")
    before = cached_page(b.reader(), "/")
    check(title not in before, "the draft's title is on the home page before it is published")
    status, _, _ = b.reader().get(path)
    check(status == 404, f"the approved, unpublished article answered {status} on B")

    chief_on_a = Client(a.port)
    chief_on_a.cookies = dict(users["chief"].cookies)
    press(chief_on_a, change, "publish")
    published = time.monotonic()
    shown = wait_for(lambda: title in b.reader().get("/")[2].decode(), PROPAGATION_SECONDS)
    check(shown is not None, f"published on A, still missing from B's home page after {PROPAGATION_SECONDS} s")
    status, _, body = b.reader().get(path)
    # The page shows the image in renditions named after the upload.
    check(status == 200 and Path(url).stem.encode() in body, f"the published article on B: {status}, image missing")
    print(f"  published on A: on B's home page (cached there before) after {shown:.2f} s, its page 200")

    readable = wait_for(lambda: reader_redirect(b, url, published=True), JOB_SECONDS)
    check(
        readable is not None,
        f"readers still cannot fetch the published article's image through B after {JOB_SECONDS} s",
    )
    copy = time.monotonic() - published
    public = follow_to_bucket(b.reader(), url, signed=False)
    check(public == via_b, "the public copy differs from the uploaded image")
    print(f"  its image for readers through B: the public copy in the bucket, {copy:.1f} s after publishing")
    redirects = []
    for _ in range(20):
        asked = time.monotonic()
        status, _, _ = b.reader().get(url)
        redirects.append((time.monotonic() - asked) * 1000)
        check(status == 302, f"a reader's image on B: {status}")
    redirect_ms = statistics.median(redirects)
    print(f"  a reader's request for it, answered by B's app with the redirect: median {redirect_ms:.1f} ms of 20")

    cached_page(a.reader(), path)
    press(users["chief"], change, "withdraw", comment="两节点检查：撤下。")
    gone = wait_for(lambda: a.reader().get(path)[0] == 404, PROPAGATION_SECONDS)
    check(gone is not None, f"withdrawn on B, still served by A after {PROPAGATION_SECONDS} s")
    check(title not in a.reader().get("/")[2].decode(), "withdrawn on B, still on A's home page")
    check(reader_redirect(a, url, published=False), "withdrawn, its image is still served to readers through A")
    public_key = "public/" + url.removeprefix("/media/")
    removed = wait_for(lambda: not s3.holds(public_key), JOB_SECONDS)
    check(removed is not None, f"withdrawn, its public copy is still in the bucket after {JOB_SECONDS} s")
    print(
        f"  withdrawn on B: gone from A's pages after {gone:.2f} s; its image a 404 for readers, "
        f"its public copy gone from the bucket {removed:.1f} s later"
    )
    print(f"  {s3.count('public/')} objects under public/ in the bucket")
    return {"published": shown, "withdrawn": gone, "public copy": copy, "redirect ms": redirect_ms}


def stop_one_node(proxy, a, b):
    step("Node A stopped: nginx serves everything from B")
    before = b.requests_served("/")
    a.server.stop()
    statuses = [proxy.https.get("/")[0] for _ in range(10)]
    check(statuses == [200] * 10, f"with A stopped, nginx answered {statuses}")
    print(f"  10 requests, all 200, {b.requests_served('/') - before} served by B")


# Acting as a user ------------------------------------------------------------------------------


def upload_image(client, admin, picture):
    boundary = secrets.token_hex(12)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="nodes.png"\r\n'
            f"Content-Type: image/png\r\n\r\n"
        ).encode()
        + picture
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, answer = client.request(
        "POST",
        f"/{admin}editor/images/",
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": client.cookies["csrftoken"],
        },
    )
    check(status == 200, f"the editor's upload answered {status}: {answer[:300]!r}")
    return json.loads(answer)["url"]


def follow_to_bucket(client, url, *, signed):
    status, headers, _ = client.get(url)
    check(status == 302, f"{url} on port {client.port}: expected a redirect to the bucket, got {status}")
    location = headers["location"]
    check(
        ("X-Amz-Signature=" in location) == signed, f"{url}: {'un' if signed else ''}expected a signature: {location}"
    )
    with urllib.request.urlopen(location, timeout=10) as answer:
        return answer.read()


def reader_redirect(node, url, *, published):
    """Whether a reader asking ``node`` for ``url`` is sent to the public copy (or, if not
    ``published``, refused)."""
    status, headers, _ = node.reader().get(url)
    if not published:
        return status == 404
    if status != 302:
        return False
    try:
        with urllib.request.urlopen(headers["location"], timeout=10) as answer:
            return answer.status == 200
    except urllib.error.HTTPError:
        return False


def cached_page(client, path):
    client.get(path)
    status, headers, body = client.get(path)
    check(status == 200 and headers.get("x-page-cache") == "hit", f"{path} was not served from the page cache")
    return body.decode()


# The stack's parts -----------------------------------------------------------------------------


class S3Server(Process):
    """moto's S3 server on a loopback port: an S3 that speaks HTTP, as MinIO does in compose."""

    def __init__(self, root):
        port = free_port()
        self.endpoint = f"http://127.0.0.1:{port}"
        super().__init__(
            [str(ROOT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], None, root / "s3.log"
        )
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        check(wait_for(self.answers, 15) is not None, "moto's S3 server did not start")

    def answers(self):
        try:
            urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1)
            return True
        except OSError:
            return False

    def create_bucket(self):
        self.client.create_bucket(Bucket=BUCKET)

    def holds(self, key):
        try:
            self.client.head_object(Bucket=BUCKET, Key=key)
            return True
        except self.client.exceptions.ClientError:
            return False

    def count(self, prefix=""):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return sum(len(page.get("Contents", ())) for page in pages)


def manage(node, *arguments):
    return run([PYTHON, "manage.py", *arguments], env=node.environment)


def png(width, height):
    buffer = BytesIO()
    Image.radial_gradient("L").resize((width, height)).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


if __name__ == "__main__":
    sys.exit(main())
