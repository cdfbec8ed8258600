import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from bulletin import docx_import
from bulletin.models import Issue, Section


class Command(BaseCommand):
    help = (
        "把一个文件夹中的 Word 文件（.docx）逐个导入为草稿稿件，按文件名顺序排在栏目中已有稿件之后。"
        "只要有一个文件无法读取，就什么也不导入。加 --dry-run 只列出识别结果，不建稿件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="存放 .docx 文件的文件夹")
        parser.add_argument("--section", help="栏目名称，如“科协动态”（导入时必填）")
        parser.add_argument("--issue", help="期刊，写作“年份-期号”，如 2026-6；省略则作为只在网站发布的新闻")
        parser.add_argument("--user", help="以哪位编辑的名义导入（用户名），记为稿件的创建人（导入时必填）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只读取文件并列出识别出的内容（含所用的署名规则），不建稿件"
        )

    def handle(self, *args, folder, section, issue, user, dry_run, **options):
        files = self.docx_files(Path(folder))
        if not dry_run:
            missing = [option for option, value in (("--section", section), ("--user", user)) if not value]
            if missing:
                raise CommandError(f"导入时必须给出 {'、'.join(missing)}；只想查看识别结果请加 --dry-run。")
        target_section = self.get_section(section) if section else None
        target_issue = self.get_issue(issue) if issue else None
        editor = self.get_user(user) if user else None

        progress = tqdm(files, desc="读取", unit="个文件", disable=options["verbosity"] == 0)
        try:
            imported = docx_import.read_all(progress)
        except docx_import.DocxImportError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"试读 {len(imported)} 个文件，没有创建任何稿件："))
            for item in imported:
                self.stdout.write(self.describe_reading(item))
            return
        results = docx_import.create_drafts(imported, issue=target_issue, section=target_section, by=editor)

        where = f"“{target_issue}”" if target_issue else "网站新闻"
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(results)} 篇草稿到{where}的“{target_section}”栏目："))
        for result in results:
            self.stdout.write(self.describe(result))

    def docx_files(self, folder):
        if not folder.is_dir():
            raise CommandError(f"找不到文件夹“{folder}”。")
        # “~$…” files are Word's lock files beside a document that is open.
        files = [
            path
            for path in folder.iterdir()
            if path.is_file() and path.suffix.lower() == ".docx" and not path.name.startswith("~$")
        ]
        if not files:
            raise CommandError(f"文件夹“{folder}”中没有 .docx 文件。")
        return sorted(files, key=lambda path: docx_import.natural_key(path.name))

    def get_section(self, name):
        try:
            return Section.objects.get(name=name)
        except Section.DoesNotExist:
            names = "、".join(Section.objects.values_list("name", flat=True))
            raise CommandError(f"没有名为“{name}”的栏目。现有栏目：{names}") from None

    def get_issue(self, value):
        match = re.fullmatch(r"(\d{4})-(\d{1,3})", value.strip())
        if match is None:
            raise CommandError(f"期刊“{value}”的写法不对，请写作“年份-期号”，如 2026-6。")
        year, number = int(match[1]), int(match[2])
        issue = Issue.objects.filter(year=year, number=number).first()
        if issue is None:
            raise CommandError(f"没有{year}年第{number}期，请先在后台建立这一期。")
        if issue.status != Issue.Status.DRAFT:
            raise CommandError(f"{issue}已出版，只能导入到编辑中的期刊。")
        return issue

    def get_user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的用户。")
        if not user.is_active or not user.has_perm("bulletin.add_article"):
            raise CommandError(f"用户“{username}”没有新建稿件的权限。")
        return user

    def describe(self, result):
        authors = [
            ("作者（已关联）", "、".join(person.name for person in result.authors_linked)),
            ("作者（没有关联）", "、".join(f"{a.name}（{a.reason}）" for a in result.authors_unmatched)),
        ]
        return self._facts(
            f"《{result.file_name}》→ 草稿 #{result.article.pk}《{result.title}》", result, authors, result.photo_count
        )

    def describe_reading(self, item):
        authors = [("作者", "、".join(item.author_names)), ("职务", item.author_title)]
        return self._facts(f"《{item.file_name}》→《{item.title}》", item, authors, len(item.photos))

    def _facts(self, heading, found, authors, photo_count):
        """What was recognised in one file; ``found`` is an ImportResult or an ImportedArticle."""
        byline = f"{found.byline}（{found.byline_rule}）" if found.byline else ""
        facts = [
            ("引题", found.kicker),
            ("副题", found.subtitle),
            ("署名", byline),
            ("单位", found.affiliation),
            *authors,
            ("供稿", found.contributor),
        ]
        lines = [heading, *(f"    {label}：{value}" for label, value in facts if value)]
        lines.append(f"    正文 {found.paragraph_count} 段，图片 {photo_count} 张")
        lines += [f"    提示：{warning}" for warning in found.warnings]
        return "\n".join(lines)
