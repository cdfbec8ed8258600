import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bulletin import backup


class Command(BaseCommand):
    help = (
        "从 backup 命令写的 .tar.gz 文件恢复数据库和媒体文件。只恢复到空实例（已运行 migrate、"
        "没有内容和媒体文件）；恢复后按清单核对每个表的行数和每个文件的校验值。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup 命令写的备份文件")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"找不到备份文件 {source}。")
        started = time.monotonic()
        try:
            summary = backup.restore(source)
        except backup.RestoreRefused as refused:
            raise CommandError(str(refused)) from refused
        for label, count in sorted(summary.counts.items()):
            if count:
                self.stdout.write(f"  {label:<40} {count:>7}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {source} 恢复（用时 {time.monotonic() - started:.1f} 秒）："
                f"{sum(summary.counts.values())} 行，媒体文件 {summary.media_files} 个"
                f"（{summary.media_bytes / 1e6:.1f} MB），均与备份清单一致。"
            )
        )
