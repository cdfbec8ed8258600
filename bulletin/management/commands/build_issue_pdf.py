from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bulletin import print_edition
from bulletin.management.arguments import ISSUE_HELP, issue_named
from bulletin.models import IssuePrint


class Command(BaseCommand):
    help = (
        "生成一期的印刷版 PDF 并保存（与后台“生成印刷版 PDF”按钮的结果相同）。"
        "编辑中的期刊生成带“样稿”字样的校样；内容没有变化时沿用已保存的文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", help=ISSUE_HELP)
        parser.add_argument(
            "--paper",
            default=None,
            help="纸张：A4 或 B5（16开，185×260 毫米）；省略则用读者下载的版本的纸张（PRINT_PAPER）",
        )
        parser.add_argument(
            "--recorded-pages",
            action="store_true",
            help="目录印稿件中录入的印刷页码（重印往期时用），而不是本 PDF 的实际页码",
        )

    def handle(self, *args, issue, paper, recorded_pages, **options):
        target = issue_named(issue)
        try:
            layout = print_edition.Layout.of(paper or print_edition.public_layout().paper, recorded_pages)
        except print_edition.PrintRefused as refusal:
            raise CommandError(str(refusal)) from None
        edition = print_edition.edition_for(target, layout)
        steps = print_edition.STEPS
        with tqdm(total=len(steps), desc=target.short_name, unit="步", disable=options["verbosity"] == 0) as bar:

            def done(step):
                bar.set_postfix_str(step)
                bar.update(1)

            edition = print_edition.build_edition(edition.pk, on_step=done)
            bar.update(bar.total - bar.n)
        if edition.state != IssuePrint.State.READY:
            raise CommandError(f"{edition}生成失败：{edition.error}")
        proof = "（样稿）" if edition.proof else ""
        self.stdout.write(self.style.SUCCESS(f"{edition}{proof}：共 {edition.page_total} 页，文件 {edition.file.name}"))
