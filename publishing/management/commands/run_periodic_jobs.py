"""Queue the periodic jobs whose time has come (publishing.periodic), once, and stop.

For a machine without Docker: run it from cron once a minute. Several machines may run it at
once; each job is still queued once per interval.
"""

from django.core.management.base import BaseCommand

from publishing import periodic


class Command(BaseCommand):
    help = "把到时的定时任务（定时发布、缓存失效重放、审核提醒、清理过期会话和任务记录）放入任务队列，然后退出。"

    def handle(self, *args, **options):
        queued = periodic.run_due()
        if options["verbosity"] > 1 or queued:
            self.stdout.write(f"已排入：{'、'.join(queued)}" if queued else "没有到时的定时任务。")
