"""What the production smoke test (deploy/smoke.py) checks against the running stack: the pages
readers and editors use, the same through nginx, a Redis outage, a PostgreSQL restart and a short
wrk load.
"""

import gzip
import http.client
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from deploy.smoke_stack import PG_VERSION, REDIS_DB, REDIS_START, Client, check, redis_up
from deploy.smoke_users import create_draft, log_in, press, wait_for

RECOVERY_SECONDS = 10
# A publication reaches the pages an edge cache keeps within this.
PURGE_SECONDS = 1.0
LOAD_SECONDS = int(os.environ.get("SMOKE_LOAD_SECONDS", 20))
LOAD_CONNECTIONS = 32
DEMO_EDITOR = ("editor", "Bianji-2026!")
SEARCH_WORD = "科协"


def step(title):
    print(f"\n== {title}", flush=True)


def expect_page(client, path, content_type, *, contains=None):
    started = time.monotonic()
    status, headers, body = client.get(path)
    elapsed = (time.monotonic() - started) * 1000
    type_ = headers.get("content-type", "")
    print(f"  {status} {path}  {type_}  {len(body)} B  {elapsed:.0f} ms")
    check(status == 200, f"{path}: expected 200, got {status}")
    check(type_.startswith(content_type), f"{path}: expected {content_type}, got {type_!r}")
    text = body.decode("utf-8", "replace")
    if contains:
        check(contains in text, f"{path}: {contains!r} not in the response")
    return text


def reader_and_editor_pages(client, admin_login_path):
    step("Pages over HTTP")
    home = expect_page(client, "/", "text/html", contains="<html")
    issues = re.findall(r'href="(/issues/\d+/\d+/)"', home)
    check(issues, "the home page links to no issue")
    issue = issues[0]
    issue_page = expect_page(client, issue, "text/html")
    articles = re.findall(r'href="(/issues/\d+/\d+/[\w-]+/)"', home + issue_page)
    articles = [path for path in articles if not path.endswith(("/feed/", "/rss/", "/atom/"))]
    check(articles, "neither the home page nor the issue page links to an article")
    article = articles[0]
    expect_page(client, article, "text/html", contains="<article")
    expect_page(client, f"/search/?q={_quote(SEARCH_WORD)}", "text/html", contains="search-results")
    expect_page(client, "/feeds/rss/", "application/rss+xml", contains="<item>")
    expect_page(client, "/sitemap.xml", "application/xml", contains="<loc>")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home)
    check(stylesheet, "the home page links to no stylesheet under /static/")
    check(re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1)), f"static name is not hashed: {stylesheet.group(1)}")
    expect_page(client, stylesheet.group(1), "text/css")
    admin_login(client, admin_login_path)
    return [path for path in ("/", issue, article, f"/search/?q={_quote(SEARCH_WORD)}", "/feeds/rss/")]


def admin_login(client, login_path):
    session = Client(client.port, tls=client.tls)
    form = expect_page(session, login_path, "text/html")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    check(token, "no CSRF token on the admin login form")
    admin_index = login_path.rsplit("login/", 1)[0]
    username, password = DEMO_EDITOR
    body = _form(csrfmiddlewaretoken=token.group(1), username=username, password=password, next=admin_index)
    status, headers, _ = session.request(
        "POST",
        login_path,
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{session.origin}{login_path}",
            "Origin": session.origin,
        },
    )
    print(f"  {status} POST {login_path} → {headers.get('location')}")
    check(status == 302, f"admin login as {username}: expected a redirect, got {status}")
    expect_page(session, admin_index, "text/html", contains='id="logout-form"')


def through_nginx(proxy, paths, admin_login_path, media_root):
    step(f"Through nginx: http on {proxy.http_port}, https on {proxy.https_port}")
    status, headers, _ = proxy.http.get("/issues/?page=2")
    print(f"  {status} http /issues/?page=2 → {headers.get('location')}")
    check(status == 301, f"plain http: expected a redirect to https, got {status}")
    check(headers.get("location") == "https://localhost/issues/?page=2", f"redirected to {headers.get('location')}")
    pages = {path: expect_page(proxy.https, path, "") for path in paths}
    home = pages["/"]
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home).group(1)
    status, headers, body = proxy.https.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    print(f"  {status} {stylesheet}  {headers.get('content-encoding')}  {headers.get('cache-control')}")
    check(status == 200 and "immutable" in headers.get("cache-control", ""), "static files are not cached for good")
    check(headers.get("content-encoding") == "gzip" and gzip.decompress(body), "static files are not sent gzipped")

    image = re.search(r'src="(/media/[^"]+)"', "".join(pages.values()))
    check(image, "no page shows an uploaded image under /media/")
    status, headers, _ = proxy.https.get(image.group(1))
    csp = headers.get("content-security-policy", "")
    print(f"  {status} {image.group(1)}  nosniff={headers.get('x-content-type-options')}  CSP: {csp}")
    check(status == 200 and headers.get("x-content-type-options") == "nosniff", "media without nosniff")
    check("default-src 'none'" in csp and "sandbox" in csp, "media without the script-forbidding CSP")

    unpublished = Path(media_root) / "articles" / "2026" / "smoke-unpublished.jpg"
    unpublished.parent.mkdir(parents=True, exist_ok=True)
    unpublished.write_bytes(b"an upload no published content holds")
    status, _, _ = proxy.https.get("/media/articles/2026/smoke-unpublished.jpg")
    print(f"  {status} an upload of no published content, asked for under /media/")
    check(status == 404, f"uploads readers may not see must not be served from the media volume, got {status}")

    proof = Path(media_root) / "issues" / "print" / "2026" / "smoke-proof.pdf"
    proof.parent.mkdir(parents=True, exist_ok=True)
    proof.write_bytes(b"%PDF-1.7 a proof no reader may fetch")
    status, _, _ = proxy.https.get("/media/issues/print/2026/smoke-proof.pdf")
    print(f"  {status} a stored print edition, asked for under /media/")
    check(status == 404, f"print editions must not be served from the media volume, got {status}")

    too_big = b"x" * (26 * 1024 * 1024)
    status, _, _ = proxy.https.request("POST", admin_login_path, body=too_big, headers={"Content-Type": "text/plain"})
    print(f"  {status} POST of 26 MB")
    check(status == 413, f"a body over client_max_body_size: expected 413, got {status}")
    admin_login(proxy.https, admin_login_path)


def through_the_edge(edge, environment, app_port, admin):
    """Varnish keeps what every reader shares, never what a session asks for, and a publication
    is on its pages within PURGE_SECONDS."""
    step(f"Through Varnish (deploy/varnish.vcl) on {edge.port}")
    reader = edge.client
    reader.get("/")
    status, headers, _ = reader.get("/")
    tags = headers.get("surrogate-key", "").split()
    print(f"  {status} / again: {headers.get('x-edge-cache')}, {headers.get('cache-control')}, tags {' '.join(tags)}")
    check(status == 200 and headers.get("x-edge-cache") == "hit", "the home page is not kept by the edge")
    check("site" in tags and "xkey" not in headers, "the edge does not pass the page's tags on as Surrogate-Key only")
    check("s-maxage=" in headers.get("cache-control", ""), "the home page has no lifetime for shared caches")
    editor = log_in(app_port, admin, "editor")
    staff = Client(edge.port)
    staff.cookies = dict(editor.cookies)
    status, headers, _ = staff.get("/")
    print(f"  {status} / with the editor's session: {headers.get('x-edge-cache')}")
    check(headers.get("x-edge-cache") == "pass", "a request with a session was answered by the edge cache")

    title = f"边缘缓存清除检查 {secrets.token_hex(3)}"
    pk, path = create_draft(environment, title, "<p>经三审发布之后，读者通过边缘缓存看到的首页随即更新。</p>")
    change = f"/{admin}bulletin/article/{pk}/change/"
    press(editor, change, "submit")
    reviewers = [log_in(app_port, admin, name) for name in ("reviewer", "reviewer2", "chief")]
    for reviewer in reviewers:
        press(reviewer, change, "approve", comment="同意。")
    press(reviewers[-1], change, "publish")  # the chief, who approved the last stage
    shown = wait_for(lambda: title in reader.get("/")[2].decode(), PURGE_SECONDS)
    check(shown is not None, f"published, still missing from the edge's home page after {PURGE_SECONDS} s")
    status, headers, _ = reader.get(path)
    check(status == 200, f"the published article through the edge: {status}")
    print(f"  published: on the edge's home page after {shown:.2f} s; its page {status}")
    return shown


def _quote(text):
    from urllib.parse import quote

    return quote(text)


def _form(**fields):
    from urllib.parse import urlencode

    return urlencode(fields)


def status_of(client, path, timeout=10):
    started = time.monotonic()
    try:
        status, _, _ = client.get(path, timeout=timeout)
    except (OSError, http.client.HTTPException) as error:
        status = type(error).__name__
    return status, time.monotonic() - started


def redis_outage(client, paths):
    step("Fault: Redis stopped mid-run")
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    for _ in range(50):
        if not redis_up():
            break
        time.sleep(0.1)
    check(not redis_up(), "Redis did not stop")
    slowest = 0.0
    try:
        for _ in range(3):
            for path in paths:
                status, seconds = status_of(client, path)
                slowest = max(slowest, seconds)
                check(status == 200, f"Redis down: {path} answered {status}")
        print(f"  Redis down: {3 * len(paths)} requests, all 200, slowest {slowest * 1000:.0f} ms")
        check(slowest < 5, f"Redis down: a request took {slowest:.1f} s (socket timeouts too long?)")
    finally:
        subprocess.run(REDIS_START, check=True, capture_output=True)
    for _ in range(50):
        if redis_up():
            break
        time.sleep(0.1)
    check(redis_up(), "Redis did not come back")
    for path in paths:
        status, _ = status_of(client, path)
        check(status == 200, f"Redis back: {path} answered {status}")
    keys = subprocess.run(
        ["redis-cli", "-p", "6379", "-n", str(REDIS_DB), "dbsize"], capture_output=True, text=True
    ).stdout.strip()
    print(f"  Redis back: pages 200 again; keys in the cache database now: {keys}")


def postgres_restart(client, paths):
    step("Fault: PostgreSQL restarted mid-run")
    results = []  # (monotonic time, path, status)
    stop = threading.Event()

    def poll():
        index = 0
        while not stop.is_set():
            path = paths[index % len(paths)]
            index += 1
            status, _ = status_of(client, path, timeout=15)
            results.append((time.monotonic(), path, status))
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(1.5)
    began = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, "main", "restart"],
        check=True,
        capture_output=True,
    )
    restarted = time.monotonic()
    # Keep polling until RECOVERY_SECONDS of steady 200s could have been seen after recovery.
    time.sleep(RECOVERY_SECONDS + 3)
    stop.set()
    poller.join(timeout=20)

    before = [r for r in results if r[0] < began]
    check(before and all(r[2] == 200 for r in before), f"errors before the restart: {before}")
    failures = [r for r in results if r[2] != 200]
    window = (failures[-1][0] - failures[0][0]) if failures else 0.0
    last_failure = max((r[0] for r in failures), default=restarted)
    recovery = max(0.0, last_failure - restarted)
    after = [r for r in results if r[0] > last_failure]
    print(
        f"  restart took {restarted - began:.1f} s; {len(results)} requests, {len(failures)} failed "
        f"({sorted({str(r[2]) for r in failures}) or 'none'}) within {window:.1f} s; "
        f"200s again {recovery:.1f} s after the restart returned"
    )
    check(all(r[0] >= began for r in failures), "a request failed before PostgreSQL went down")
    check(recovery <= RECOVERY_SECONDS, f"still failing {recovery:.1f} s after PostgreSQL was back")
    check(len(after) >= 10, f"too few requests after recovery to call it steady ({len(after)})")
    return restarted - began, window


def load_test(port, paths):
    step(f"Load: wrk, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s")
    wrk = shutil.which("wrk")
    check(wrk, "wrk is not installed (apt-get install wrk)")
    lua = "\n".join(
        [
            "local paths = {" + ", ".join(f'"{p}"' for p in paths) + "}",
            "local i = 0",
            "request = function()",
            "  i = i + 1",
            '  return wrk.format("GET", paths[(i % #paths) + 1], {["Host"] = "localhost"})',
            "end",
        ]
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        result = subprocess.run(
            [
                wrk,
                "--threads",
                "2",
                "--connections",
                str(LOAD_CONNECTIONS),
                "--duration",
                f"{LOAD_SECONDS}s",
                "--timeout",
                "5s",
                "--latency",
                "--script",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=LOAD_SECONDS + 30,
        )
    finally:
        os.unlink(script.name)
    output = result.stdout
    print("\n".join("  " + line for line in output.splitlines()))
    check(result.returncode == 0, f"wrk exited {result.returncode}: {result.stderr}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    check(total and int(total.group(1)) > 0, "wrk made no requests")
    check(not non_2xx, f"wrk: {non_2xx.group(1) if non_2xx else 0} responses were not 2xx/3xx")
    check(not socket_errors, f"wrk: socket errors: {socket_errors.group(0) if socket_errors else ''}")
    return float(rate.group(1)), p99.group(1) if p99 else "?", int(total.group(1))
