"""gunicorn settings, read by the Docker image and by CI's production smoke test alike.

Every value can be overridden from the environment; the defaults suit one server behind nginx.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one request each at a time: nginx buffers slow clients, so a worker only ever waits
# on PostgreSQL or Redis. Measured with bench/ on two cores (8 clients), they served pages built
# afresh 20–30 % faster than 5 gthread workers × 4 threads, with p99 about a third lower, and
# cached pages with p99 16–21 ms instead of 450–550: threads of one process queue for its GIL
# while another process idles, because keep-alive pins each connection to one worker.
worker_class = "sync"
# Two per core (more only queue for the CPU), capped so a large host does not open more database
# connections than PostgreSQL's default max_connections allows comfortably.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
# A request that takes longer than this is a bug or an attack; the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Load Django (and map the segmentation dictionary) once in the master: a recycled worker is then
# a fork that serves at once, instead of seconds of start-up while its share of requests waits.
preload_app = True
# Recycle workers now and then so a slow leak never grows into an outage; not so often that
# busy workers restart every few seconds (2,000 did, under a cached load of 1,500 requests/s).
max_requests = 20000
max_requests_jitter = 2000
# Heartbeat files in memory: an overlay filesystem in a container can stall and get workers killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
# Trust X-Forwarded-* only from nginx. In Compose nginx is another container, so the compose file
# sets this to the (private) network; on a single host with nginx beside gunicorn, loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket lives at one path per user ($HOME/.gunicorn/gunicorn.ctl): a second
# gunicorn on the same host (another node, a blue-green deploy) would take it over from the first.
# Nothing here uses it; workers are managed with signals.
control_socket_disable = True


def when_ready(server):
    """Before the workers are forked: everything loaded so far (Django, the app, the segmentation
    dictionary) lives as long as the process, so the collector is told never to scan it. Each
    full collection in a worker then walks only what requests made, which kept the slowest
    requests of a busy search page waiting behind it; and the pages the master loaded stay shared
    with the workers instead of being copied when the collector touches them."""
    gc.freeze()
