"""Apply the page-cache invalidations still waiting in the database (publishing.pagecache), and
send the purges the edge caches have not confirmed (publishing.edge).

Web processes apply the first on their own before they next serve a cached page, and the
scheduler retries both every minute; this is for a shell after an outage, and says whether
anything is left.
"""

from django.core.management.base import BaseCommand, CommandError

from publishing import edge, pagecache
from publishing.models import EdgePurge, PendingInvalidation


class Command(BaseCommand):
    help = "把数据库中尚未送达缓存的页面失效记录、尚未被边缘缓存确认的清除请求重新送达（故障之后）。"

    def handle(self, *args, **options):
        waiting = PendingInvalidation.objects.count()
        if not pagecache.replay_pending():
            raise CommandError(f"缓存仍无法连接，{PendingInvalidation.objects.count()} 条失效记录留待下次重试。")
        purges = EdgePurge.objects.count()
        if not edge.replay_pending():
            raise CommandError(f"边缘缓存仍未确认，{EdgePurge.objects.count()} 条清除请求留待下次重试。")
        self.stdout.write(f"已送达 {waiting} 条页面失效记录、{purges} 条边缘缓存清除请求。")
