"""The office's figures on the demo's contributions: per unit, section and month, the time to a
decision, each editor's work, and the fees, on the page and as CSV for the spreadsheet."""

import csv
import io
import math
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletin import contributions, workflow
from bulletin.models import Fee, Section, Submission, character_count, fee_due
from tests import factories as make
from website import demo


@pytest.fixture
def loaded(db):
    make.migrations_seed()
    demo.load()
    contributions.tell_contributors()  # the job its commit queues: outside a test's transaction, it runs then


@pytest.fixture
def chief(loaded):
    return make.chief("office-chief")


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


def table(page, key):
    """The rows of the statistics table ``key`` as {label: [cells]}."""
    start = page.index(f'id="table-{key}"')
    body = page[start : page.index("</table>", start)]
    rows = {}
    for row in body.split("<tr>")[2:]:
        cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
        rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.django_db
def test_the_statistics_count_each_units_pieces_on_the_demo(chief_client):
    page = chief_client.get(reverse("admin:bulletin_submission_statistics")).content.decode()

    units = table(page, "units")
    #                   submitted, accepted, printed, declined
    assert units["省农学会"][:4] == ["3", "2", "1", "1"]
    assert units["鹤壁市科协"][:4] == ["3", "0", "0", "0"]
    assert "投稿 6 篇，录用 2 篇，刊发 1 篇，未采用 1 篇" in page
    month = timezone.localdate()
    assert table(page, "months")[f"{month.year}年{month.month}月"][0] == "6"
    assert sum(int(cells[0]) for cells in table(page, "sections").values()) == 6
    editors = table(page, "editors")
    assert any(cells[3] == "2" for cells in editors.values())  # the demo editor who answered two pieces


@pytest.mark.django_db
def test_the_median_time_to_a_decision_counts_decided_pieces_only(chief_client):
    decided = Submission.objects.exclude(decided_at=None)
    for n, submission in enumerate(decided):
        Submission.objects.filter(pk=submission.pk).update(
            decided_at=submission.submitted_at + timezone.timedelta(days=2 + 4 * n)
        )

    page = chief_client.get(reverse("admin:bulletin_submission_statistics")).content.decode()

    assert decided.count() == 3  # printed, accepted and declined: 2, 6 and 10 days
    assert "时间中位数 6.0 天" in page


@pytest.mark.django_db
def test_each_table_exports_as_csv_for_the_spreadsheet(chief_client):
    response = chief_client.get(reverse("admin:bulletin_submission_statistics"), {"csv": "units"})

    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["供稿单位", "投稿", "录用", "刊发", "未采用", "处理时长中位数（天）"]
    assert rows[1][:5] == ["省农学会", "3", "2", "1", "1"]
    editors = chief_client.get(reverse("admin:bulletin_submission_statistics"), {"csv": "editors"})
    assert "退修或不采用" in editors.content.decode()


@pytest.mark.django_db
def test_a_printed_piece_earns_its_sections_fee_and_the_payment_is_recorded(chief_client, chief):
    printed = Submission.objects.get(article__title="省农学会组织青年会员重走科技下乡路").article
    Section.objects.filter(pk=printed.section_id).update(fee_basis="thousand", fee_rate=Decimal("80.00"))
    due = Decimal("80.00") * math.ceil(character_count(printed.body) / 1000)
    period = {"start": f"{printed.published_at.year}-01-01", "end": f"{printed.published_at.year}-12-31"}

    page = chief_client.get(reverse("admin:bulletin_submission_fees"), period).content.decode()
    assert printed.title in page and f"应付 {due} 元，已付 0 元" in page

    Fee.objects.create(article=printed, amount=due, paid_on=timezone.localdate(), payee="省农学会", recorded_by=chief)
    export = chief_client.get(reverse("admin:bulletin_submission_fees"), {**period, "csv": "1"}).content.decode()
    [row] = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))[1:]
    assert row[0] == printed.title and row[3] == "省农学会"
    assert Decimal(row[5]) == due and Decimal(row[6]) == due


@pytest.mark.django_db
def test_a_section_paying_per_article_pays_the_same_for_any_length(db):
    section = make.section("热点科普", fee_basis="article", fee_rate=Decimal("150"))
    assert fee_due(section, "<p>短</p>") == fee_due(section, "<p>" + "长" * 5000 + "</p>") == Decimal("150")
    assert fee_due(make.section("要情快报"), "<p>短</p>") is None


@pytest.mark.django_db
def test_only_the_office_sees_the_figures(loaded, client):
    url = reverse("admin:bulletin_submission_statistics")
    client.force_login(make.reviewer())
    assert client.get(url).status_code == 403
    client.force_login(make.editor())
    assert client.get(reverse("admin:bulletin_submission_fees")).status_code == 200
    client.force_login(make.contributor())
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_the_figures_take_the_same_queries_however_many_pieces(chief_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert chief_client.get(reverse("admin:bulletin_submission_statistics")).status_code == 200
        return len(captured)

    before = queries()
    author = make.contributor("more@unit.example", unit_name="西江市科协")
    for n in range(5):
        workflow.submit_piece(by=author, title=f"又一篇来稿{n}", body="<p>正文。</p>", section=make.default_section())

    assert queries() == before
