import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from publishing import media, pagecache
from website import demo

SITE_URL = "http://127.0.0.1:8000/"
ADMIN_URL = f"{SITE_URL}{settings.ADMIN_URL}"


class Command(BaseCommand):
    help = "载入演示内容（三期期刊及其稿件、人物、专题、活动）和各角色的演示账号。可重复运行，不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也载入。演示账号的密码是公开的，切勿在正式环境中使用。",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 已关闭，这里可能是正式环境，演示内容没有载入。"
                "演示账号（包括超级管理员 admin）的密码写在源代码里、人人可见，载入后任何人都能登录后台。"
                "如确需在此环境载入（例如专用的演示服务器），请加 --force。"
            )
        # Its own submissions and approvals would mail the demo accounts, whose addresses go
        # nowhere; on the development console the mails would bury the logins printed below.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            logins = demo.load()
        pagecache.content_changed()
        media.sync()
        self.stdout.write(self.style.SUCCESS("演示内容已载入。"))
        self.stdout.write("")
        self.stdout.write("演示账号（每次运行都会把密码重置为下表的值）：")
        rows = [("角色", "用户名", "密码"), *logins]
        widths = [max(_width(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            line = "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(f"  {line}".rstrip())
        self.stdout.write("")
        self.stdout.write(f"网站：{SITE_URL}")
        self.stdout.write(f"后台：{ADMIN_URL}")


def _width(text):
    """Columns ``text`` takes in a terminal: Chinese characters are two columns wide."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text, width):
    return text + " " * (width - _width(text))
