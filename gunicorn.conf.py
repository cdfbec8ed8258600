"""gunicorn settings, read by the Docker image and by CI's production smoke test alike.

Every value can be overridden from the environment; the defaults suit one server behind nginx.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# gunicorn's rule of thumb (two per core plus one), capped so a large host does not open more
# database connections than PostgreSQL's default max_connections allows comfortably.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
# A request that takes longer than this is a bug or an attack; the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Threads keep connections alive between requests (sync workers close each one), so nginx and
# load tests do not reconnect for every page; Django's connections are per thread.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = 5
# Load Django (and jieba's dictionary) once in the master: a recycled worker is then a fork that
# serves at once, instead of seconds of start-up while its share of requests waits.
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
