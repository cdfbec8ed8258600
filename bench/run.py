"""The benchmark suite, from an empty database to the tables of bench/RESULTS.md in one command.

Every figure goes to ``bench/results/<date>.json``.

1. Generate the archives (skipped when already there; ``--regenerate`` starts over).
2. Per page, in one process: SQL queries and time of one uncached request, HTML bytes.
3. gunicorn with production settings on loopback, nginx serving the same pages as static files,
   and a bare WSGI callable under gunicorn (the floor); wrk runs against all three, interleaved,
   each page cached (Redis) and uncached, ``--runs`` times: medians and spread.
4. The memory of each gunicorn worker once every page has been served.
5. Connection pooling: uncached pages with gunicorn connected to PostgreSQL directly and through
   PgBouncer in transaction mode (deploy/pgbouncer.py), each keeping its connections and opening
   one per request; interleaved. ``--pooling`` runs only this, on the standard archive.
6. Admin pages and editorial actions, timed in one process.
7. The large archive (100,800 articles): the same pages uncached, and the admin.

Run from the project root: ``bench/run`` (see ``--help``). Not part of the test suite.
"""

import argparse
import contextlib
import gzip
import http.client
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from datetime import UTC, datetime
from pathlib import Path

from bench import freshness, report, stack
from deploy import smoke_stack
from deploy.pgbouncer import POOL_SIZE, PgBouncer

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"
DATABASES = {"quick": "bulletin_bench_quick", "standard": "bulletin_bench", "large": "bulletin_bench_large"}
# Readers with no cookie get the cached page. A request carrying credentials is "personal" to
# publishing.pagecache, which builds it afresh and never stores it: the uncached cost of a page.
UNCACHED = ("Authorization: Bearer benchmark",)
# Enough requests for every worker to have built every page, within a bounded time per page.
WARM_REQUESTS = 40
WARM_SECONDS = 20
FETCH_SECONDS = 60


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small archive and short runs: checks the suite works")
    parser.add_argument("--regenerate", action="store_true", help="drop and generate the archives again")
    parser.add_argument("--no-large", action="store_true", help="skip the 100,800-article archive")
    parser.add_argument("--runs", type=int, help="wrk runs per page and mode (default 3)")
    parser.add_argument("--seconds", type=int, help="length of one wrk run (default 10, quick 2)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--pooling", action="store_true", help="only compare PostgreSQL directly and through PgBouncer")
    parser.add_argument(
        "--freshness", action="store_true", help="only read the home page through Varnish while news is published"
    )
    parser.add_argument(
        "--profile", metavar="PAGE", help="only show where PAGE's time goes (pyinstrument, standard archive)"
    )
    args = parser.parse_args(argv)
    if args.profile:
        env = stack.environment(DATABASES["standard"], WORK, smoke_stack.free_port())
        stack.manage(env, "collectstatic", "--no-input", "-v", "0")
        subprocess.run(
            [stack.PYTHON, "-m", "bench.inprocess", "profile", args.profile], cwd=smoke_stack.ROOT, env=env, check=True
        )
        return
    runs = args.runs or 3
    seconds = args.seconds or (2 if args.quick else 10)
    started = time.monotonic()
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "bench/run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "load_before": load_average(),
        "cpu_reference_before": cpu_reference(),
        "settings": {"runs": runs, "seconds": seconds, "connections": args.connections},
    }
    WORK.mkdir(exist_ok=True)
    main_size = "quick" if args.quick else "standard"
    if args.freshness:
        results["freshness"] = freshness_only(main_size, args.regenerate)
        out = BENCH / "results" / f"{datetime.now(UTC):%Y-%m-%d}-freshness{'-quick' if args.quick else ''}.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        step(f"Done: {out.relative_to(smoke_stack.ROOT)}")
        return
    if args.pooling:
        results["pooling"] = pooling_only(main_size, args.regenerate, runs, seconds, args.connections)
        out = BENCH / "results" / f"{datetime.now(UTC):%Y-%m-%d}-pooling{'-quick' if args.quick else ''}.json"
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        print("\n".join(report.pooling_table(results["pooling"])))
        step(f"Done: {out.relative_to(smoke_stack.ROOT)}")
        return
    results["archive"] = archive(main_size, args.regenerate, results, runs, seconds, args.connections, full=True)
    if not args.quick and not args.no_large:
        results["large"] = archive("large", args.regenerate, results, runs, seconds, args.connections, full=False)
    results["load_after"] = load_average()
    results["cpu_reference_after"] = cpu_reference()
    results["seconds"] = round(time.monotonic() - started)
    out = BENCH / "results" / f"{datetime.now(UTC):%Y-%m-%d}{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    report.write(results, out.relative_to(smoke_stack.ROOT), BENCH / "RESULTS.md", quick=args.quick)
    step(
        f"Done in {results['seconds']} s: {out.relative_to(smoke_stack.ROOT)}"
        + ("" if args.quick else ", bench/RESULTS.md")
    )


def step(title):
    print(f"\n== {title}", flush=True)


def machine():
    cpu = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s+:\s+(.*)", cpu)
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "cpus": len(re.findall(r"^processor", cpu, re.MULTILINE)),
        "cpu": model.group(1) if model else "",
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1),
        "postgresql": subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"], capture_output=True, text=True
        ).stdout.strip(),
        "nginx": subprocess.run([stack.NGINX, "-v"], capture_output=True, text=True).stderr.strip(),
    }


def load_average():
    return Path("/proc/loadavg").read_text().split()[:3]


def cpu_reference():
    """Milliseconds of one fixed pure-Python loop, best of five: how fast this (shared, virtual)
    machine's CPU was during the run, so runs of different days can be compared."""
    best = min(timeit.repeat("sum(i * i for i in range(1_000_000))", number=1, repeat=5))
    return round(best * 1000, 1)


# One archive -------------------------------------------------------------------------------


def archive(size, regenerate, results, runs, seconds, connections, *, full):
    database = DATABASES[size]
    port = smoke_stack.free_port()
    env = stack.environment(database, WORK, port)
    generated = ensure_archive(size, database, env, regenerate)
    step(f"{database}: {generated['articles']:,} articles")
    # The code may have moved on since the archive was generated.
    stack.manage(env, "migrate", "--no-input", "-v", "0")
    stack.manage(env, "collectstatic", "--no-input", "-v", "0")
    paths = in_process(env, "pages")
    out = {"database": database, "generated": generated, "paths": paths}
    step("SQL per page (one uncached request each, in process)")
    out["sql"] = in_process(env, "sql", json.dumps(paths))
    for name, figures in out["sql"].items():
        print(
            f"  {name:14} {figures['queries']:2} queries  {figures['sql_ms']:7.1f} ms SQL  {figures['html_bytes']:,} B"
        )
    stack.flush_redis()
    # Varnish with deploy/varnish.vcl in front, as in production: the app offers it the pages.
    edge_port = smoke_stack.free_port()
    server = stack.Gunicorn(env | {"EDGE_PURGE_URLS": f"http://127.0.0.1:{edge_port}/"}, WORK / f"gunicorn-{size}.log")
    edge = smoke_stack.Varnish(readable_folder("bench-varnish-"), port, edge_port) if full else None
    try:
        if edge:
            edge.wait()
        bodies = fetch_pages(port, paths)
        out["bytes"] = {name: page["bytes"] for name, page in bodies.items()}
        warm(database, port, paths, bodies)
        out["memory_warm"] = worker_memory(server)
        if full:
            out["load"] = load_runs(database, port, paths, bodies, runs, seconds, connections, edge_port)
        else:
            out["load"] = load_runs(database, port, paths, None, runs, seconds, connections)
        out["memory_after_load"] = worker_memory(server)
        if edge:
            out["freshness"] = freshness_run(env, edge_port, quick=size == "quick")
    finally:
        if edge:
            edge.stop()
        server.stop()
        stack.cancel_queries(database)
    if full:
        out["pooling"] = pooling(database, paths, runs, seconds, connections)
    step("Admin pages (in process, logged in as a superuser)")
    out["admin"] = in_process(env, "admin")
    for name, figures in out["admin"].items():
        if isinstance(figures, dict):
            print(f"  {name:20} {figures['median_ms']:7.1f} ms  {figures['queries']} queries")
    if full:
        step("Editorial actions (in process)")
        out["actions"] = in_process(env, "actions", str(WORK / "docx"))
        print(json.dumps(out["actions"], ensure_ascii=False, indent=1))
    return out


def freshness_run(env, edge_port, *, quick=False):
    rounds, interval = (3, 2.0) if quick else (12, 5.0)
    step(f"Freshness through the edge: news published every {interval:g} s for {rounds * interval:g} s")
    result = freshness.measure(
        env | {"EDGE_PURGE_URLS": f"http://127.0.0.1:{edge_port}/"}, edge_port, rounds=rounds, interval=interval
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return result


def freshness_only(size, regenerate):
    """Only the freshness run, on gunicorn and Varnish over the ``size`` archive."""
    database = DATABASES[size]
    port, edge_port = smoke_stack.free_port(), smoke_stack.free_port()
    env = stack.environment(database, WORK, port)
    ensure_archive(size, database, env, regenerate)
    stack.manage(env, "migrate", "--no-input", "-v", "0")
    stack.manage(env, "collectstatic", "--no-input", "-v", "0")
    stack.flush_redis()
    server = stack.Gunicorn(env | {"EDGE_PURGE_URLS": f"http://127.0.0.1:{edge_port}/"}, WORK / f"gunicorn-{size}.log")
    edge = smoke_stack.Varnish(readable_folder("bench-varnish-"), port, edge_port)
    try:
        edge.wait()
        return freshness_run(env, edge_port, quick=size == "quick")
    finally:
        edge.stop()
        server.stop()


def readable_folder(prefix):
    """A new temporary folder that Varnish's and nginx's unprivileged workers may read."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def ensure_archive(size, database, env, regenerate):
    meta = WORK / f"{database}.json"
    if not regenerate and meta.exists() and stack.database_exists(database):
        return json.loads(meta.read_text())
    step(f"Generate the {size} archive into {database}")
    meta.unlink(missing_ok=True)
    stack.create_database(database)
    stack.manage(env, "migrate", "--no-input", "-v", "0")
    subprocess.run(
        [stack.PYTHON, "-m", "bench.generate", "--size", size, "--report", str(meta)],
        cwd=smoke_stack.ROOT,
        env=env,
        check=True,
    )
    return json.loads(meta.read_text())


def in_process(env, what, *args):
    output = subprocess.run(
        [stack.PYTHON, "-m", "bench.inprocess", what, *args],
        cwd=smoke_stack.ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# Over HTTP ----------------------------------------------------------------------------------


def fetch_pages(port, paths):
    """Each page's body as a reader gets it, and its size with and without its stylesheets."""
    client = smoke_stack.Client(port)
    stylesheets = {}
    pages = {}
    for name, path in paths.items():
        try:
            status, headers, body = client.get(quoted(path), timeout=FETCH_SECONDS)
        except (OSError, http.client.HTTPException) as error:
            status, headers, body = type(error).__name__, {}, b""
        if status != 200:
            # Slower than gunicorn's timeout: measured uncached only, and reported as such.
            print(f"  {path}: {status}; no cached or static runs for this page")
            pages[name] = {"error": str(status), "bytes": None}
            continue
        css = 0
        for href in re.findall(rb'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', body):
            if href not in stylesheets:
                stylesheets[href] = len(client.get(href.decode())[2])
            css += stylesheets[href]
        pages[name] = {
            "body": body,
            "extension": "xml" if "xml" in headers.get("content-type", "") else "html",
            "bytes": {"html": len(body), "html_gzip": len(gzip.compress(body, 6)), "with_css": len(body) + css},
        }
    return pages


def quoted(path):
    from urllib.parse import quote

    return quote(path, safe="/?=&")


def warm(database, port, paths, pages=None):
    """Every page, uncached and (with ``pages``) cached, through every worker; check the cache
    answers as expected."""
    client = smoke_stack.Client(port)
    personal = dict([UNCACHED[0].split(": ", 1)])
    for name, path in paths.items():
        deadline = time.monotonic() + WARM_SECONDS
        for _ in range(WARM_REQUESTS):
            with contextlib.suppress(OSError, http.client.HTTPException):
                client.get(quoted(path), headers=personal, timeout=60)
            if time.monotonic() > deadline:
                break
        stack.cancel_queries(database)
        if pages is None or "error" in pages[name]:
            continue
        client.get(quoted(path), timeout=FETCH_SECONDS)
        headers = client.get(quoted(path))[1]
        if headers.get("x-page-cache") != "hit":
            raise RuntimeError(f"{path} is not served from the page cache: {headers.get('x-page-cache')}")


def worker_memory(server):
    workers = [stack.memory(pid) for pid in server.workers()]
    return {
        "workers": len(workers),
        "rss_mb_max": max(w["rss_mb"] for w in workers),
        "rss_mb_median": statistics.median(w["rss_mb"] for w in workers),
        "pss_mb_max": max(w["pss_mb"] for w in workers),
        "pss_mb_median": statistics.median(w["pss_mb"] for w in workers),
    }


def load_runs(database, port, paths, bodies, runs, seconds, connections, edge_port=None):
    """wrk runs, interleaved so that the machine's noise falls on every mode alike.

    With ``bodies``: uncached, cached, from the edge (Varnish on ``edge_port``), nginx's static
    copy, the floor for the home page's bytes, and the plain-Django reference site's two pages
    (the yardstick of a minimal Django page); without, uncached only.
    """
    nginx = floor = plain = None
    targets = {}
    with contextlib.ExitStack() as stack_:
        if bodies:
            nginx = stack.Nginx(
                Path(tempfile.mkdtemp(prefix="bench-nginx-")),
                {name: (page["body"], page["extension"]) for name, page in bodies.items() if "body" in page},
            )
            stack_.callback(nginx.stop)
            floor = start_floor(bodies["home"]["body"])
            stack_.callback(floor.stop)
            plain = stack.PlainDjango(WORK, smoke_stack.free_port()) if stack.PLAIN_SOURCE.is_dir() else None
            if plain:
                stack_.callback(plain.stop)
        for name, path in paths.items():
            targets[name] = {"uncached": (port, quoted(path), UNCACHED)}
            if bodies and "body" in bodies[name]:
                targets[name]["cached"] = (port, quoted(path), ())
                if edge_port:
                    targets[name]["edge"] = (edge_port, quoted(path), ())
                targets[name]["nginx"] = (nginx.port, nginx.paths[name], ())
        if bodies:
            targets["floor"] = {"floor": (floor.port, "/", ())}
        if bodies and plain:
            targets["plain_django"] = {page: (plain.port, path, ()) for page, path in plain.paths.items()}
        step(f"Load: wrk, {connections} connections, {seconds} s × {runs} runs per page and mode")
        samples = {name: {mode: [] for mode in modes} for name, modes in targets.items()}
        for run in range(runs):
            for name, modes in targets.items():
                for mode, (target_port, path, headers) in modes.items():
                    if mode in ("cached", "edge"):
                        # Stored pages expire (PAGE_CACHE_SECONDS): measure a stored one, as named.
                        with contextlib.suppress(OSError, http.client.HTTPException):
                            smoke_stack.Client(target_port).get(path, timeout=FETCH_SECONDS)
                    sample = stack.wrk(target_port, path, seconds=seconds, connections=connections, headers=headers)
                    samples[name][mode].append(sample)
                    stack.cancel_queries(database)
                    print(
                        f"  run {run + 1} {name:14} {mode:8} {sample['rps']:9.0f} req/s  "
                        f"p50 {report.ms(sample['p50_ms'])} ms  p99 {report.ms(sample['p99_ms'])} ms"
                        + (f"  {sample['errors']} errors" if sample["errors"] else ""),
                        flush=True,
                    )
    return {name: {mode: summarise(values) for mode, values in modes.items()} for name, modes in samples.items()}


# Connection pooling ----------------------------------------------------------------------------

# Built afresh, each asks PostgreSQL several times: what a pooler's extra hop costs, if anything.
POOLING_PAGES = ("home", "issue", "article")


def pooling_only(size, regenerate, runs, seconds, connections):
    database = DATABASES[size]
    env = stack.environment(database, WORK, smoke_stack.free_port())
    ensure_archive(size, database, env, regenerate)
    stack.manage(env, "migrate", "--no-input", "-v", "0")
    return pooling(database, in_process(env, "pages"), runs, seconds, connections)


def pooling(database, paths, runs, seconds, connections):
    """Uncached pages from four gunicorns side by side: connected to PostgreSQL directly or through
    PgBouncer, keeping their connections (CONN_MAX_AGE=60, the default) or opening one per request
    (CONN_MAX_AGE=0); interleaved. Also how many sessions PostgreSQL started for them."""
    bouncer = PgBouncer(smoke_stack.free_port())
    through_bouncer = {"DATABASE_URL": f"{bouncer.url_prefix}/{database}", "DATABASE_TRANSACTION_POOLING": "1"}
    setups = {
        "direct": {},
        "pgbouncer": through_bouncer,
        "direct, connection per request": {"CONN_MAX_AGE": "0"},
        "pgbouncer, connection per request": through_bouncer | {"CONN_MAX_AGE": "0"},
    }
    step(f"Connection pooling: PgBouncer ({POOL_SIZE} server connections, transaction mode) or not")
    samples = {setup: {page: [] for page in POOLING_PAGES} for setup in setups}
    sessions = {setup: [] for setup in setups}
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(bouncer.stop)
        servers = {}
        for number, (setup, variables) in enumerate(setups.items()):
            port = smoke_stack.free_port()
            server = stack.Gunicorn(stack.environment(database, WORK, port) | variables, WORK / f"pooling-{number}.log")
            cleanup.callback(server.stop)
            servers[setup] = server
            warm(database, port, {page: paths[page] for page in POOLING_PAGES})
        for run in range(runs):
            for page in POOLING_PAGES:
                for setup, server in servers.items():
                    started = postgres_sessions(database)
                    sample = stack.wrk(
                        server.port, quoted(paths[page]), seconds=seconds, connections=connections, headers=UNCACHED
                    )
                    stack.cancel_queries(database)
                    sample["sessions"] = postgres_sessions(database) - started
                    samples[setup][page].append(sample)
                    sessions[setup].append(sample["sessions"] / max(sample["requests"], 1))
                    print(
                        f"  run {run + 1} {page:8} {setup:34} {sample['rps']:7.0f} req/s  "
                        f"p99 {report.ms(sample['p99_ms'])} ms  {sample['sessions']} new sessions",
                        flush=True,
                    )
    return {
        "pool_size": POOL_SIZE,
        "pages": {
            setup: {page: summarise(values) for page, values in pages.items()} for setup, pages in samples.items()
        },
        "sessions_per_request": {setup: statistics.median(values) for setup, values in sessions.items()},
    }


def postgres_sessions(database):
    """Sessions PostgreSQL has started for ``database`` so far (each one a forked backend)."""
    time.sleep(0.6)  # backends report their statistics at most every half second
    output = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT sessions FROM pg_stat_database WHERE datname = '{database}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(output.strip() or 0)


def start_floor(body):
    path = WORK / "floor.html"
    path.write_bytes(body)
    port = smoke_stack.free_port()
    env = {**stack.environment("unused", WORK, port), "BENCH_FLOOR_BODY": str(path)}
    return stack.Gunicorn(env, WORK / "gunicorn-floor.log", app="bench.floor:application")


def summarise(samples):
    """Median and spread over the runs that got answers; how many did not is kept beside them."""
    answered = [sample for sample in samples if sample["requests"]]

    def spread(key):
        values = [sample[key] for sample in answered]
        if not values:  # no run got a single answer: the page is slower than a run
            return {"median": None, "min": None, "max": None}
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    return {
        "runs": len(samples),
        "runs_without_answer": len(samples) - len(answered),
        "samples": samples,
        "rps": spread("rps"),
        "p50_ms": spread("p50_ms"),
        "p99_ms": spread("p99_ms"),
        "errors": sum(sample["errors"] for sample in samples),
    }


if __name__ == "__main__":
    main()
