from django.core.management.base import BaseCommand
from django.db import connection, transaction
from tqdm import tqdm

from bulletin.models import Article
from events.models import Event
from people.models import Person
from publishing import pagecache, search

# Rows rewritten between two VACUUMs (PostgreSQL): each rewrite leaves the old row dead, and a
# table never vacuumed during the rebuild ended twice its size, a common word's search 4× slower.
# Vacuumed this often, the space of the dead rows is reused by the next ones.
VACUUM_EVERY = 5000
# How much of the search index's new entries PostgreSQL may gather before it merges them in
# (each VACUUM merges them too). Entered one row at a time, as after a save, they took three
# quarters of a rebuild's time; merged in bulk, a quarter as long.
PENDING_ENTRIES = "128MB"


class Command(BaseCommand):
    help = (
        "重新计算全部稿件、人物和活动的检索文本。平时保存即自动更新，无需运行；"
        "升级后检索结果不对时使用。没有变化的行不重写；PostgreSQL 上边重建边整理（VACUUM），最后更新统计信息。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批读取和写回数据库的行数（默认 500）")

    def handle(self, *args, batch_size=500, verbosity=1, **options):
        written = {model: self.rebuild(model, batch_size, verbosity) for model in (Article, Person, Event)}
        # Search results come from this text: cached result pages start over, the old ones
        # standing at the edge until each is built again.
        pagecache.content_changed(grace=True)
        if verbosity:
            counts = "，".join(f"{model._meta.verbose_name} {count} 条" for model, count in written.items())
            self.stdout.write(self.style.SUCCESS(f"检索文本已全部重建，有变化而重写的：{counts}。"))

    def rebuild(self, model, batch_size, verbosity):
        rows = model._base_manager.all()
        written = since_vacuum = 0
        with tqdm(
            total=rows.count(), desc=str(model._meta.verbose_name_plural), unit="条", disable=verbosity == 0
        ) as progress:
            batches = search.reindex(rows, model.search_title_from, model.search_body_from, batch_size=batch_size)
            while step := self.next_batch(batches):
                read, changed = step
                progress.update(read)
                written, since_vacuum = written + changed, since_vacuum + changed
                if since_vacuum >= VACUUM_EVERY:
                    self.vacuum(model)
                    since_vacuum = 0
        self.vacuum(model, analyze=True)
        return written

    def next_batch(self, batches):
        # Each batch in a transaction with the setting made for it alone (SET LOCAL): a session's
        # SET would outlive the transaction on a pooled connection (PgBouncer's transaction mode)
        # and reach whichever client is given that server connection next.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL gin_pending_list_limit = '{PENDING_ENTRIES}'")
            return next(batches, None)

    def vacuum(self, model, *, analyze=False):
        # VACUUM cannot run in a transaction: called inside one (by another command, or a test),
        # the rebuild leaves it to autovacuum.
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {'(ANALYZE) ' if analyze else ''}{table}")
