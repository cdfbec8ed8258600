from django.core.management.base import BaseCommand
from django.db import connection
from tqdm import tqdm

from bulletin.models import Article
from events.models import Event
from people.models import Person
from publishing import pagecache, search, segmenter


class Command(BaseCommand):
    help = (
        "重新计算全部稿件、人物和活动的检索文本（分词结果）。平时保存即自动更新，无需运行；"
        "更换分词词典或升级后检索结果不对时使用。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="每批写回数据库的行数（默认 500）")

    def handle(self, *args, batch_size=500, verbosity=1, **options):
        with segmenter.whole_dictionary():
            self.rebuild(batch_size, verbosity)
        # Search results come from this text: cached result pages start over.
        pagecache.content_changed()
        if verbosity:
            self.stdout.write(self.style.SUCCESS("检索文本已全部重建。"))

    def rebuild(self, batch_size, verbosity):
        for model in (Article, Person, Event):
            rows = model.objects.order_by("pk")
            with tqdm(
                total=rows.count(), desc=str(model._meta.verbose_name_plural), unit="条", disable=verbosity == 0
            ) as progress:
                batch = []
                for obj in rows.iterator(chunk_size=batch_size):
                    obj.derive_search_fields()
                    batch.append(obj)
                    if len(batch) == batch_size:
                        self._write(model, batch, progress)
                        batch = []
                self._write(model, batch, progress)
                # One statement for all stored documents, from the text just written (PostgreSQL).
                if connection.vendor == "postgresql":
                    model.objects.update(search_document=search.search_vector())

    def _write(self, model, batch, progress):
        # bulk_update skips save(): no new history rows and no change to updated_at.
        model.objects.bulk_update(batch, search.SEARCH_FIELDS)
        progress.update(len(batch))
