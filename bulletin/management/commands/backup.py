import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bulletin import backup


class Command(BaseCommand):
    help = (
        "把数据库和全部媒体文件备份到一个 .tar.gz 文件（含清单：各表行数、每个文件的大小和 SHA-256）。"
        "数据库在同一事务中读取，备份时网站照常运行。用 restore 命令恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件，如 /backups/bulletin-2026-11-29.tar.gz")

    def handle(self, *args, path, **options):
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"目录 {target.parent} 不存在。")
        if target.exists():
            raise CommandError(f"{target} 已存在，不会覆盖，请换一个文件名。")
        started = time.monotonic()
        manifest = backup.create(target)
        rows = sum(manifest["counts"].values())
        media_bytes = sum(entry["size"] for entry in manifest["media"])
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {target}（{target.stat().st_size / 1e6:.1f} MB，用时 {time.monotonic() - started:.1f} 秒）："
                f"{len(manifest['counts'])} 个表共 {rows} 行，媒体文件 {len(manifest['media'])} 个（{media_bytes / 1e6:.1f} MB）。"
            )
        )
