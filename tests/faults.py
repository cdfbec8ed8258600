"""Faults the reliability tests cause for real, without disturbing the servers others share.

* :func:`redis_server` starts a redis-server of the tests' own on a free loopback port, to stall
  (``CLIENT PAUSE``) or stop. Without redis-server those tests are skipped with the reason shown,
  unless CI is set, where that is a failure.
* :func:`unreachable_database` points the default connection where no database answers.
* :func:`redis_cache` is the ``CACHES`` setting of production for any Redis address, reachable or not.
* :func:`fresh_log_throttles` lets a test see the first failure logged again.
"""

import logging
import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.db import connections
from redis.backoff import NoBackoff
from redis.retry import Retry

from config.logs import Throttle

# Nothing listens on port 1: a cache there is down, and refuses at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_cache(location):
    """``CACHES`` as production has them (config.settings), for the Redis at ``location``."""
    timeout = settings.REDIS_TIMEOUT_SECONDS
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "bulletin",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": timeout, "SOCKET_TIMEOUT": timeout},
        }
    }


class RedisServer:
    def __init__(self, port):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def client(self, timeout):
        return redis.Redis(
            port=self.port, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )

    def answers(self):
        try:
            return self.client(0.1).ping()
        except redis.RedisError:
            return False

    def stall(self, seconds):
        """From now on the server answers nobody for ``seconds``, then carries on where it was."""
        self.client(1).execute_command("CLIENT", "PAUSE", int(seconds * 1000), "ALL")

    def wait_until_it_answers(self, seconds=5):
        deadline = time.monotonic() + seconds
        while not self.answers():
            assert time.monotonic() < deadline, f"redis-server on port {self.port} does not answer"
            time.sleep(0.02)


@contextmanager
def redis_server():
    """A redis-server on a free loopback port that saves nothing, stopped afterwards."""
    if shutil.which("redis-server") is None:
        reason = "redis-server not found: apt-get install redis-server to stall a Redis of the tests' own"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        server = RedisServer(port)
        server.wait_until_it_answers()
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def unreachable_database():
    """The default database cannot be reached, as while PostgreSQL restarts: its connection points at
    a port where nothing listens (PostgreSQL) or at a file that cannot be opened (SQLite). The
    test's own connection is put back afterwards, untouched."""
    live = connections["default"]
    where = {"NAME": "/nonexistent/bulletin.sqlite3"} if live.vendor == "sqlite" else {"PORT": free_port()}
    dead = type(live)({**live.settings_dict, **where}, alias=live.alias)
    connections[live.alias] = dead
    try:
        yield
    finally:
        dead.close()
        connections[live.alias] = live


def fresh_log_throttles(monkeypatch):
    """Every :class:`~config.logs.Throttle` of the logging settings forgets what it has written."""
    for name in settings.LOGGING["loggers"]:
        for log_filter in logging.getLogger(name).filters:
            if isinstance(log_filter, Throttle):
                monkeypatch.setattr(log_filter, "runs", {})
