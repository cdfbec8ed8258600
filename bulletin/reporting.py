"""The office's figures on contributions, as an association reports them in its annual
information-reporting assessment (信息报送考核): pieces submitted, accepted and printed per unit,
per section and per month, how long the office took to decide, each editor's share of the work,
and the fees (稿费) printed pieces earned and were paid.

Each table is read in a constant number of queries however many submissions the period holds.
"""

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from bulletin.models import Article, Fee, Submission, character_count, fee_due
from publishing.models import WorkflowLog
from publishing.templatetags.names import full_name

ACCEPTED = (Submission.Stage.ACCEPTED, Submission.Stage.PRINTED)


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def year(cls, year):
        return cls(date(year, 1, 1), date(year, 12, 31))

    @property
    def bounds(self):
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end, time.max, tzinfo=zone),
        )

    def __str__(self):
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"


@dataclass
class Row:
    label: str
    submitted: int = 0
    accepted: int = 0
    printed: int = 0
    declined: int = 0
    days_to_decision: list = field(default_factory=list)

    @property
    def median_days(self):
        return round(statistics.median(self.days_to_decision), 1) if self.days_to_decision else None

    def add(self, submission):
        stage = submission.stage
        self.submitted += 1
        self.accepted += stage in ACCEPTED
        self.printed += stage == Submission.Stage.PRINTED
        self.declined += stage == Submission.Stage.DECLINED
        if submission.decided_at:
            self.days_to_decision.append((submission.decided_at - submission.submitted_at).total_seconds() / 86400)


@dataclass
class Statistics:
    period: Period
    total: Row
    units: list
    sections: list
    months: list
    editors: list


def submissions_in(period):
    """The period's submissions with what deciding their stage needs, in one query."""
    return Submission.objects.filter(submitted_at__range=period.bounds).for_list().order_by("submitted_at", "pk")


def statistics_for(period):
    total, units, sections, months = Row("合计"), {}, {}, {}
    for submission in submissions_in(period):
        total.add(submission)
        section = submission.article.section
        month = timezone.localtime(submission.submitted_at)
        for table, key, label in (
            (units, submission.unit_id, submission.unit.name),
            (sections, section.pk, section.name),
            (months, (month.year, month.month), f"{month.year}年{month.month}月"),
        ):
            table.setdefault(key, Row(label)).add(submission)
    return Statistics(
        period=period,
        total=total,
        units=sorted(units.values(), key=lambda row: (-row.printed, -row.submitted, row.label)),
        sections=list(sections.values()),
        months=[months[key] for key in sorted(months)],
        editors=editor_workload(period),
    )


@dataclass
class Workload:
    name: str
    responsible: int  # articles they are responsible for that were created in the period
    edits: int
    decisions: int  # approvals and send-backs in review
    answers: int  # 退修 and 不采用 given to contributors


def editor_workload(period):
    """Each member of staff who did editorial work in the period, busiest first."""
    start, end = period.bounds
    logged = (
        WorkflowLog.objects.filter(at__range=(start, end), actor__is_staff=True)
        .values("actor")
        .annotate(
            edits=Count("pk", filter=Q(action="edit")),
            decisions=Count("pk", filter=Q(action__in=["approve", "send_back"])),
            answers=Count("pk", filter=Q(action__in=["return_piece", "decline_piece"])),
        )
    )
    responsible = (
        Article.objects.filter(created_at__range=(start, end), editor__isnull=False)
        .values("editor")
        .annotate(count=Count("pk"))
    )
    counts = {row["actor"]: row for row in logged}
    owned = {row["editor"]: row["count"] for row in responsible}
    users = get_user_model().objects.filter(pk__in=counts.keys() | owned.keys())
    rows = [
        Workload(
            name=full_name(user),
            responsible=owned.get(user.pk, 0),
            edits=counts.get(user.pk, {}).get("edits", 0),
            decisions=counts.get(user.pk, {}).get("decisions", 0),
            answers=counts.get(user.pk, {}).get("answers", 0),
        )
        for user in users
    ]
    return sorted(rows, key=lambda row: (-(row.responsible + row.edits + row.decisions + row.answers), row.name))


@dataclass
class FeeLine:
    article: Article
    unit: str
    characters: int
    due: object  # Decimal, or None where the section pays no fee
    paid: Fee | None


def fees_for(period):
    """The contributed pieces printed in the period (readers see them, published in it), with the
    fee their section's rate gives and what was paid."""
    start, end = period.bounds
    articles = (
        Article.objects.public()
        .filter(submission__isnull=False, published_at__range=(start, end))
        .select_related("section", "issue", "submission__unit", "fee")
        .order_by("published_at", "pk")
    )
    return [
        FeeLine(
            article=article,
            unit=article.submission.unit.name,
            characters=character_count(article.body),
            due=fee_due(article.section, article.body),
            paid=getattr(article, "fee", None),
        )
        for article in articles
    ]


def csv_of(header, rows):
    """A CSV file as spreadsheet programs in Chinese open it (UTF-8 with a byte-order mark)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


COUNT_HEADER = ["投稿", "录用", "刊发", "未采用", "处理时长中位数（天）"]


def counts_csv(label, rows):
    return csv_of(
        [label, *COUNT_HEADER],
        [
            [
                row.label,
                row.submitted,
                row.accepted,
                row.printed,
                row.declined,
                "" if row.median_days is None else row.median_days,
            ]
            for row in rows
        ],
    )


def workload_csv(rows):
    return csv_of(
        ["编辑", "负责稿件", "修改", "审核决定", "退修或不采用"],
        [[row.name, row.responsible, row.edits, row.decisions, row.answers] for row in rows],
    )


def fees_csv(lines):
    return csv_of(
        ["稿件", "期号", "栏目", "供稿单位", "字数", "应付（元）", "实付（元）", "支付日期", "收款人"],
        [
            [
                line.article.title,
                str(line.article.issue or "网站新闻"),
                line.article.section.name,
                line.unit,
                line.characters,
                "" if line.due is None else line.due,
                line.paid.amount if line.paid else "",
                line.paid.paid_on.isoformat() if line.paid else "",
                line.paid.payee if line.paid else "",
            ]
            for line in lines
        ],
    )
