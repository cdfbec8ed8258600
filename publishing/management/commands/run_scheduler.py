"""The scheduler: queue the periodic jobs whose time has come (publishing.periodic), every
``--interval`` seconds, until stopped (SIGTERM or Ctrl+C).

docker-compose's ``scheduler`` service runs it. A second one (a restart overlapping the old
process, a replica) queues nothing twice.
"""

import logging
import signal
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from publishing import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "定时任务调度器：每隔一段时间把到时的定时任务放入任务队列，直到被停止。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=15, help="检查间隔（秒），默认 15")

    def handle(self, *args, interval, **options):
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        logger.info("Scheduler started: checking every %s s", interval)
        while not stopping.is_set():
            close_old_connections()
            try:
                periodic.run_due()
            except Exception:
                # The database is away (a restart, an outage): try again at the next tick.
                logger.exception("Scheduler: could not queue the periodic jobs")
            stopping.wait(interval - time.time() % interval)
        logger.info("Scheduler stopped")
