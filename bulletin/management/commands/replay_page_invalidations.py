"""Apply the page-cache invalidations still waiting in the database (publishing.pagecache).

Web processes apply them on their own before they next serve a cached page; this is for a timer
or a shell after a cache outage, and says whether anything is left.
"""

from django.core.management.base import BaseCommand, CommandError

from publishing import pagecache
from publishing.models import PendingInvalidation


class Command(BaseCommand):
    help = "把数据库中尚未送达缓存的页面失效记录重新送达（缓存故障之后）。"

    def handle(self, *args, **options):
        waiting = PendingInvalidation.objects.count()
        if not pagecache.replay_pending():
            raise CommandError(f"缓存仍无法连接，{PendingInvalidation.objects.count()} 条失效记录留待下次重试。")
        self.stdout.write(f"已送达 {waiting} 条页面失效记录。")
