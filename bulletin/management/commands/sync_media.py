from django.core.management.base import BaseCommand

from publishing import media


class Command(BaseCommand):
    help = (
        "按数据库重新整理读者可以直接访问的上传文件（媒体目录下 public/ 中的链接）：已公开内容的图片和 PDF "
        "可直接访问，草稿、未出版期刊和已撤下内容的文件只有编辑能看到。升级或恢复备份后运行；可重复运行。"
    )

    def handle(self, *args, verbosity=1, **options):
        made, removed = media.sync()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"公开文件已与网站内容一致：新建链接 {made} 个，撤下 {removed} 个。"))
