"""The markdown tables of a benchmark run, and whether each target holds.

``bench/RESULTS.md`` keeps its hand-written notes: only the part between the two markers is
replaced by a run.
"""

import json
import re
import sys
from pathlib import Path

START = "<!-- results:start -->"
END = "<!-- results:end -->"

PAGES = {
    "home": "首页 home",
    "issue": "期刊目录 issue TOC",
    "article": "稿件 article",
    "section": "栏目 section",
    "person": "人物 person",
    "search_common": "搜索 common term",
    "search_rare": "搜索 rare term",
    "feed": "RSS feed",
}
ADMIN = {
    "changelist": "article change list",
    "changelist_filtered": "change list, status + section + year filters",
    "changelist_search": "change list, search box",
    "changelist_page_100": "change list, page 100",
    "article_change": "article change page",
    "review_queue": "review queue",
}
QUERY_LIMIT = 8
CACHED_SHARE = 0.5
PLAIN_SHARE = 0.3
VISIBLE_MS = 1000
UNCACHED_P99_MS = 100
SEARCH_P99_MS = 150
CHANGELIST_MS = 300
RELEASE_MS = 1000
RSS_MB = 150


def write(results, json_path, md_path, *, quick):
    table = tables(results, json_path)
    if quick:
        print(table)
        return
    text = md_path.read_text() if md_path.exists() else f"# Benchmark results\n\n{START}\n{END}\n"
    text = re.sub(f"{START}.*{END}", lambda _: f"{START}\n{table}\n{END}", text, flags=re.DOTALL)
    md_path.write_text(text)


def ms(value, digits=2):
    """A latency, or what it means that there is none: no request finished within the run."""
    return "no answer" if value is None else f"{value:,.{digits}f}"


def spread(figure, digits=0):
    if figure["median"] is None:
        return "no answer"
    return f"{figure['median']:,.{digits}f} ({figure['min']:,.{digits}f}–{figure['max']:,.{digits}f})"


def rate(mode):
    """Requests per second of a page in one mode, saying how many runs got no answer at all."""
    missing = mode.get("runs_without_answer", 0)
    return spread(mode["rps"]) + (f" [{missing} of {mode['runs']} runs: no answer]" if missing else "")


def kb(count):
    return f"{count / 1024:,.1f}"


def tables(results, json_path):
    main = results["archive"]
    large = results.get("large")
    settings = results["settings"]
    lines = [
        f"Run of {results['date']} — `{results['command']}` — figures in `{json_path}`.",
        "",
        f"Machine: {results['machine']['cpus']} × {results['machine']['cpu']}, "
        f"{results['machine']['memory_gb']} GB, PostgreSQL {results['machine']['postgresql']}, "
        f"{results['machine']['nginx']}. Load average before / after: "
        f"{' '.join(results['load_before'])} / {' '.join(results['load_after'])}. "
        f"CPU reference (one fixed Python loop, lower is faster) before / after: "
        f"{results.get('cpu_reference_before', '—')} / {results.get('cpu_reference_after', '—')} ms.",
        f"wrk: {settings['connections']} connections, 2 threads, {settings['seconds']} s per run, "
        f"{settings['runs']} runs per page and mode, interleaved; medians with (min–max) of the runs.",
        "",
        *archive_lines("Archive", main),
    ]
    if large:
        lines += archive_lines("Large archive", large)
    lines += ["", "### Public pages", "", *page_table(main, large)]
    lines += ["", "### Static ceiling", "", *ceiling_table(main)]
    if any("edge" in modes for modes in main["load"].values()):
        lines += ["", "### From the edge cache", "", *edge_table(main)]
    if "plain_django" in main["load"]:
        lines += ["", "### Against a minimal Django page", "", *plain_table(main)]
    if "freshness" in main:
        lines += ["", "### Freshness through the edge", "", *freshness_table(main["freshness"])]
    if "pooling" in main:
        lines += ["", "### Connection pooling (uncached pages)", "", *pooling_table(main["pooling"])]
    lines += ["", "### Admin (server time, in process, superuser)", "", *admin_table(main, large)]
    if "actions" in main:
        lines += ["", "### Editorial actions", "", *actions_table(main)]
    lines += ["", "### Memory of a gunicorn worker", "", *memory_table(main, large)]
    lines += ["", "### Targets", "", *target_table(main, large)]
    return "\n".join(lines)


def archive_lines(title, archive):
    made = archive["generated"]
    size = made["size"]
    return [
        f"{title} `{archive['database']}`: {made['articles']:,} articles ({size['years']} years × "
        f"{size['issues_per_year']} issues × {size['per_issue']}, web news, one issue in preparation), "
        f"{size['people']:,} people, {size['events']:,} events, {made['characters'] / 1e6:,.1f} M characters; "
        f"generated in {made['seconds']:,.0f} s.",
        "",
    ]


def page_table(main, large):
    head = (
        "| page | queries | SQL ms | HTML KB | + CSS KB | uncached req/s | uncached p50 ms | uncached p99 ms "
        "| cached req/s | cached p99 ms | nginx req/s | cached ÷ nginx |"
    )
    lines = [head, "|" + "---|" * 12]
    for name, label in PAGES.items():
        sql, size, load = main["sql"][name], main["bytes"][name], main["load"][name]
        cells = [label, sql["queries"], f"{sql['sql_ms']:.1f}"]
        cells += [kb(size["html"]), kb(size["with_css"])] if size else ["—", "—"]
        uncached = load["uncached"]
        cells += [rate(uncached), ms(uncached["p50_ms"]["median"], 1), spread(uncached["p99_ms"], 1)]
        if "cached" in load:
            cached, nginx = load["cached"], load["nginx"]
            cells += [rate(cached), ms(cached["p99_ms"]["median"], 1), rate(nginx)]
            cells.append(f"{cached['rps']['median'] / nginx['rps']['median']:.1%}")
        else:
            cells += ["not cacheable: the page outlasts gunicorn's timeout"] + ["—"] * 3
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    if large:
        lines += [
            "",
            f"Large archive ({large['generated']['articles']:,} articles), uncached:",
            "",
            "| page | queries | SQL ms | HTML KB | req/s | p50 ms | p99 ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, label in PAGES.items():
            sql, load = large["sql"][name], large["load"][name]["uncached"]
            size = large["bytes"][name]
            lines.append(
                f"| {label} | {sql['queries']} | {sql['sql_ms']:.1f} | {kb(size['html']) if size else '—'} "
                f"| {rate(load)} | {ms(load['p50_ms']['median'], 1)} | {spread(load['p99_ms'], 1)} |"
            )
    return lines


def ceiling_table(main):
    floor = main["load"]["floor"]["floor"]
    home = main["load"]["home"]
    return [
        "The floor is a bare WSGI callable returning the home page's bytes under the same gunicorn "
        "configuration: no Django, no Redis.",
        "",
        "| server, home page bytes | req/s | p99 ms | share of nginx |",
        "|---|---|---|---|",
        f"| nginx, static file | {spread(home['nginx']['rps'])} | {ms(home['nginx']['p99_ms']['median'])} | 100% |",
        f"| gunicorn, bare WSGI (floor) | {spread(floor['rps'])} | {ms(floor['p99_ms']['median'])} "
        f"| {floor['rps']['median'] / home['nginx']['rps']['median']:.1%} |",
        f"| gunicorn + Django, cached page | {spread(home['cached']['rps'])} | "
        f"{ms(home['cached']['p99_ms']['median'])} | {home['cached']['rps']['median'] / home['nginx']['rps']['median']:.1%} |",
    ]


def edge_table(main):
    lines = [
        "Varnish with `deploy/varnish.vcl` in front of the same gunicorn, serving the pages the app "
        "offers it; nginx serving the same bytes as static files, in the same interleaved runs.",
        "",
        "| page | edge req/s | edge p99 ms | Django cached req/s | nginx req/s | edge ÷ nginx |",
        "|---|---|---|---|---|---|",
    ]
    for name, label in PAGES.items():
        modes = main["load"].get(name, {})
        if "edge" not in modes or "nginx" not in modes:
            continue
        edge, nginx = modes["edge"], modes["nginx"]
        share = edge["rps"]["median"] / nginx["rps"]["median"] if edge["rps"]["median"] else 0
        lines.append(
            f"| {label} | {rate(edge)} | {ms(edge['p99_ms']['median'])} | {rate(modes['cached'])} | "
            f"{rate(nginx)} | {share:.0%} |"
        )
    return lines


def plain_table(main):
    plain = main["load"]["plain_django"]
    lines = [
        "The plain-Django reference site (`../shared/bench/plain_django`: startproject's settings, an "
        "issue's contents in 2 queries, an article in 1) under the same gunicorn configuration, in the "
        "same interleaved runs. The share is the product's rate over the reference page's.",
        "",
        "| page | reference req/s | product uncached req/s | share | product cached req/s | share |",
        "|---|---|---|---|---|---|",
    ]
    for page in ("issue", "article"):
        reference, product = plain[page], main["load"][page]
        base = reference["rps"]["median"]
        cells = [rate(reference)]
        for mode in ("uncached", "cached"):
            figure = product.get(mode)
            median = figure and figure["rps"]["median"]
            cells += [rate(figure), f"{median / base:.2f}×"] if median and base else ["—", "—"]
        lines.append(f"| {PAGES[page]} | " + " | ".join(cells) + " |")
    return lines


def freshness_table(fresh):
    visible = fresh["visible_after_ms"] or {"median": None, "max": None}
    return [
        f"{fresh['readers']} readers read the home page through Varnish without pause while a news item "
        f"was published every {fresh['interval_s']:g} s and the one before withdrawn half an interval later "
        "(`bench/freshness.py`).",
        "",
        "| reads | edge hits | visible after publishing (median, max) | served the old page while rebuilt | "
        "stale after the new page was out | withdrawn item shown after withdrawal | publish call |",
        "|---|---|---|---|---|---|---|",
        f"| {fresh['requests']:,} | {fresh['edge_hit_share']:.1%} | {ms(visible['median'], 1)} ms, "
        f"{ms(visible['max'], 0)} ms | {fresh['served_while_rebuilding']:,} | {fresh['stale_after_purge']} | "
        f"{fresh['shown_after_withdrawal']} | {ms(fresh['publish_call_ms'], 0)} ms |",
    ]


def pooling_table(pooling):
    setups = pooling["pages"]
    pages = list(next(iter(setups.values())))
    direct = setups["direct"]
    lines = [
        f"Four gunicorns side by side, interleaved; PgBouncer in transaction mode with "
        f"{pooling['pool_size']} server connections. req/s: median (min–max); p99 in ms; the share is of "
        "the direct, persistent setup's rate.",
        "",
        "| setup | "
        + " | ".join(f"{PAGES[page]} req/s | p99 | share" for page in pages)
        + " | new sessions per request |",
        "|---|" + "---|---|---|" * len(pages) + "---|",
    ]
    for setup, figures in setups.items():
        cells = []
        for page in pages:
            mode = figures[page]
            share = mode["rps"]["median"] / direct[page]["rps"]["median"] if mode["rps"]["median"] else 0
            cells += [rate(mode), ms(mode["p99_ms"]["median"], 1), f"{share:.0%}"]
        lines.append(f"| {setup} | " + " | ".join(cells) + f" | {pooling['sessions_per_request'][setup]:.2f} |")
    return lines


def admin_table(main, large):
    columns = [main] + ([large] if large else [])
    head = "| page | " + " | ".join(f"{a['admin']['articles']:,} articles: ms (min–max) | queries" for a in columns)
    lines = [head + " |", "|---|" + "---|---|" * len(columns)]
    for name, label in ADMIN.items():
        cells = []
        for archive in columns:
            figure = archive["admin"][name]
            cells.append(
                f"{figure['median_ms']:.0f} ({figure['min_ms']:.0f}–{figure['max_ms']:.0f}) | {figure['queries']}"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def actions_table(main):
    actions = main["actions"]
    lines = ["| action | time | queries |", "|---|---|---|"]
    for key, label in (("release_60", "release an issue of 60 articles"), ("docx_import_60", "import 60 .docx files")):
        figure = actions[key]
        lines.append(
            f"| {label} | {figure['median_ms']:,.0f} ms ({figure['min_ms']:,.0f}–{figure['max_ms']:,.0f}, "
            f"{figure['runs']} runs) | {figure['queries']} |"
        )
    lines.append(
        f"| reindex the whole archive (`rebuild_search_index`, {main['generated']['articles']:,} articles "
        f"+ people + events) | {actions['reindex']['seconds']:,.0f} s | — |"
    )
    lines.append(f"| generate the archive (all steps) | {main['generated']['seconds']:,.0f} s | — |")
    return lines


def memory_table(main, large):
    lines = ["| archive, moment | workers | RSS max MB | RSS median MB | PSS max MB |", "|---|---|---|---|---|"]
    for archive in [main] + ([large] if large else []):
        for moment in ("memory_warm", "memory_after_load"):
            memory = archive[moment]
            lines.append(
                f"| {archive['generated']['articles']:,}, {'after warm-up' if moment == 'memory_warm' else 'after load'} "
                f"| {memory['workers']} | {memory['rss_mb_max']:.1f} | {memory['rss_mb_median']:.1f} | {memory['pss_mb_max']:.1f} |"
            )
    return lines


def worst_p99(archive, name):
    """The page's median uncached p99, counting a run without answers as endless."""
    value = archive["load"][name]["uncached"]["p99_ms"]["median"]
    return float("inf") if value is None else value


def with_unit(value):
    return ms(value) if value is None else f"{value:,.0f} ms"


def none_if_endless(value):
    return None if value == float("inf") else value


def target_table(main, large):
    rows = []
    counts = {name: main["sql"][name]["queries"] for name in PAGES}
    constant = large is None or all(large["sql"][name]["queries"] == counts[name] for name in PAGES)
    worst = max(counts.values())
    rows.append(
        (
            f"public pages ≤ {QUERY_LIMIT} queries, constant with archive size",
            f"max {worst} ({max(counts, key=counts.get)})" + ("" if constant else "; counts differ between archives"),
            worst <= QUERY_LIMIT and constant,
        )
    )
    # A stored page served by Django itself cannot reach half of nginx (see "Static ceiling"): the
    # edge in front serves it.
    mode = "edge" if any("edge" in modes for modes in main["load"].values()) else "cached"
    ratios = {
        name: main["load"][name][mode]["rps"]["median"] / main["load"][name]["nginx"]["rps"]["median"]
        for name in PAGES
        if mode in main["load"][name]
    }
    low = min(ratios, key=ratios.get)
    rows.append(
        (
            f"{'edge-' if mode == 'edge' else ''}cached ≥ {CACHED_SHARE:.0%} of nginx",
            f"lowest {ratios[low]:.1%} ({low})",
            ratios[low] >= CACHED_SHARE,
        )
    )
    plain = main["load"].get("plain_django")
    for page in ("article", "issue") if plain else ():
        share = main["load"][page]["uncached"]["rps"]["median"] / plain[page]["rps"]["median"]
        rows.append(
            (f"uncached {page} ≥ {PLAIN_SHARE:.0%} of the plain-Django {page}", f"{share:.0%}", share >= PLAIN_SHARE)
        )
    p99 = {name: worst_p99(main, name) for name in PAGES}
    slow = max(p99, key=p99.get)
    rows.append(
        (
            f"uncached p99 < {UNCACHED_P99_MS} ms at {main['generated']['articles']:,} articles",
            f"worst {with_unit(none_if_endless(p99[slow]))} ({slow})",
            p99[slow] < UNCACHED_P99_MS,
        )
    )
    if large:
        search = max(worst_p99(large, name) for name in ("search_common", "search_rare"))
        rows.append(
            (
                f"search p99 < {SEARCH_P99_MS} ms at {large['generated']['articles']:,} articles",
                with_unit(none_if_endless(search)),
                search < SEARCH_P99_MS,
            )
        )
        changelist = max(large["admin"][name]["median_ms"] for name in ADMIN if name.startswith("changelist"))
        rows.append(
            (
                f"admin change list < {CHANGELIST_MS} ms at {large['generated']['articles']:,} articles",
                f"slowest variant {changelist:.0f} ms",
                changelist < CHANGELIST_MS,
            )
        )
    fresh = main.get("freshness")
    if fresh:
        late = fresh["visible_after_ms"]["max"] if fresh["visible_after_ms"] else float("inf")
        rows.append(
            (
                f"a publish visible through the edge within {VISIBLE_MS / 1000:.0f} s",
                f"at most {late:,.0f} ms",
                late < VISIBLE_MS,
            )
        )
        stale = fresh["stale_after_purge"] + fresh["shown_after_withdrawal"]
        rows.append(
            (
                f"no stale page after a purge ({fresh['requests']:,} reads, {fresh['published']} publishes, "
                f"{fresh['withdrawn']} withdrawals)",
                f"{fresh['stale_after_purge']} stale, {fresh['shown_after_withdrawal']} withdrawn shown",
                stale == 0,
            )
        )
    if "actions" in main:
        release = main["actions"]["release_60"]["median_ms"]
        rows.append((f"release of 60 articles < {RELEASE_MS / 1000:.0f} s", f"{release:,.0f} ms", release < RELEASE_MS))
    rss = max(a["memory_after_load"]["rss_mb_max"] for a in [main] + ([large] if large else []))
    rows.append((f"worker RSS < {RSS_MB} MB", f"{rss} MB", rss < RSS_MB))
    return ["| target | measured | holds |", "|---|---|---|"] + [
        f"| {target} | {figure} | {'yes' if holds else '**no**'} |" for target, figure, holds in rows
    ]


if __name__ == "__main__":
    # Render the tables of a results file again: python -m bench.report bench/results/<date>.json
    source = Path(sys.argv[1])
    data = json.loads(source.read_text())
    write(data, source, Path(__file__).parent / "RESULTS.md", quick=source.stem.endswith("-quick"))
