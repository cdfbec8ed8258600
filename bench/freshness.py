"""Whether readers behind the edge ever get a stale page: the home page read through Varnish by
several readers for a minute while news is published every few seconds and withdrawn.

``bench/inprocess.py publishing`` publishes a news item every ``interval`` seconds and withdraws
the previous one half an interval later, each call returning once the page cache and the edge
have been told (the app purges the edge after the commit, before the editor's request ends).
Meanwhile ``readers`` threads read the home page through the edge without pause, noting when each
request started and which of those items it showed. Then, for each item:

* **visible after**: from the return of its publication to the first response that showed it.
  Requests started before that get the page from before (the purge was a soft one: Varnish
  serves the old copy while one request builds the new), counted as ``served_while_rebuilding``;
* **stale after purge**: requests started after a reader had received it that did not show it
  (while it was still published): must be 0;
* **shown after withdrawal**: requests that started after its withdrawal returned and still
  showed it (the purge for a withdrawal is a hard one): must be 0.
"""

import http.client
import json
import statistics
import subprocess
import threading
import time

from bench import stack
from deploy import smoke_stack

READERS = 8


def measure(env, edge_port, *, rounds=12, interval=5.0, readers=READERS):
    seconds = rounds * interval + interval
    responses = []
    stop = threading.Event()
    titles = [f"时效测试稿第{number + 1}篇" for number in range(rounds)]

    def read():
        connection = http.client.HTTPConnection("127.0.0.1", edge_port, timeout=10)
        while not stop.is_set():
            started = time.time()
            try:
                connection.request("GET", "/", headers={"Host": "localhost"})
                response = connection.getresponse()
                body = response.read().decode()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", edge_port, timeout=10)
                continue
            received = time.time()
            shown = {number for number, title in enumerate(titles) if title in body}
            responses.append((started, received, response.status, response.getheader("X-Edge-Cache"), shown))
        connection.close()

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    time.sleep(interval / 2)
    try:
        publisher = subprocess.run(
            [stack.PYTHON, "-m", "bench.inprocess", "publishing", str(rounds), str(interval)],
            cwd=smoke_stack.ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            timeout=seconds + 120,
        )
    finally:
        time.sleep(interval / 2)
        stop.set()
        for thread in threads:
            thread.join()
    events = json.loads(publisher.stdout.strip().splitlines()[-1])
    return analyse(events, responses, titles, readers, interval)


def analyse(events, responses, titles, readers, interval):
    responses.sort()
    published, withdrawn = {}, {}
    for event in events:
        number = next(n for n, title in enumerate(titles) if event["title"].startswith(title))
        (published if event["action"] == "publish" else withdrawn)[number] = event
    visible_after, rebuilding, stale, leaked, stale_detail = [], 0, 0, 0, []
    for number, event in published.items():
        gone = withdrawn.get(number, {}).get("started", float("inf"))
        # From its publication's return until its withdrawal began (requests still in flight then
        # may already get the page without it).
        during = [response for response in responses if event["returned"] <= response[0] and response[1] < gone]
        # Once one reader has received the new page, every request started after it must get it.
        first = min((received for _, received, _, _, shown in during if number in shown), default=None)
        if first is None:
            stale += len(during)
            continue
        visible_after.append(first - event["returned"])
        rebuilding += sum(1 for started, _, _, _, shown in during if started < first and number not in shown)
        late = [started for started, _, _, _, shown in during if started >= first and number not in shown]
        stale += len(late)
        stale_detail += [
            {"item": number + 1, "after_publish_ms": round((started - event["returned"]) * 1000, 1)} for started in late
        ]
    for number, event in withdrawn.items():
        leaked += sum(1 for started, _, _, _, shown in responses if started >= event["returned"] and number in shown)
    hits = sum(1 for *_, outcome, _ in responses if outcome == "hit")
    return {
        "readers": readers,
        "interval_s": interval,
        "published": len(published),
        "withdrawn": len(withdrawn),
        "requests": len(responses),
        "not_200": sum(1 for _, _, status, _, _ in responses if status != 200),
        "edge_hit_share": round(hits / len(responses), 3) if responses else None,
        "visible_after_ms": {
            "median": round(statistics.median(visible_after) * 1000, 1),
            "max": round(max(visible_after) * 1000, 1),
        }
        if visible_after
        else None,
        "served_while_rebuilding": rebuilding,
        "stale_after_purge": stale,
        "stale_after_purge_at": stale_detail[:20],
        "shown_after_withdrawal": leaked,
        "publish_call_ms": round(
            statistics.median((e["returned"] - e["started"]) * 1000 for e in published.values()), 1
        ),
    }
