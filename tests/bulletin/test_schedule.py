"""An issue's production schedule: its dates from the periodical's rhythm, the editors' changes,
and what is late against it on the production board and in 我的稿件."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bulletin import planning, workflow
from bulletin.models import Article, Issue, IssueDeadline, ProductionRhythm
from publishing.models import ReviewStage
from tests import factories as make

pytestmark = pytest.mark.django_db


def dates_of(issue):
    issue.refresh_from_db()
    stages = dict(IssueDeadline.objects.filter(issue=issue).values_list("stage__name", "due_on"))
    return issue.copy_deadline, stages, issue.to_printer_on, issue.planned_release_on


def test_a_monthly_issue_is_dated_backwards_from_its_release_day(newsroom):
    issue = make.draft_issue(year=2026, number=5)

    planning.plan(issue)

    copy, stages, printer, release = dates_of(issue)
    assert release == datetime.date(2026, 5, 25)
    assert printer == datetime.date(2026, 5, 18)  # seven days at the printer
    assert stages == {
        "终审": datetime.date(2026, 5, 15),  # three days of layout before the printer
        "复审": datetime.date(2026, 5, 12),
        "初审": datetime.date(2026, 5, 9),
    }
    assert copy == datetime.date(2026, 5, 6)


def test_the_rhythm_decides_the_month_and_each_stage_its_own_days(newsroom):
    ProductionRhythm.objects.create(issues_per_year=6, release_day=10, print_days=5, layout_days=0)
    ReviewStage.objects.filter(name="初审").update(days=7)
    issue = make.draft_issue(year=2027, number=1)

    planning.plan(issue)

    copy, stages, printer, release = dates_of(issue)
    assert release == datetime.date(2027, 2, 10)  # a bimonthly's first issue closes its first two months
    assert printer == datetime.date(2027, 2, 5)
    assert stages["终审"] == datetime.date(2027, 2, 5)
    assert stages["初审"] == datetime.date(2027, 1, 30)
    assert copy == datetime.date(2027, 1, 23)


def test_planning_keeps_what_editors_set_and_fills_only_the_blanks(newsroom):
    issue = make.draft_issue(year=2026, number=5, copy_deadline=datetime.date(2026, 5, 1))
    IssueDeadline.objects.create(issue=issue, stage=make.stage("复审"), due_on=datetime.date(2026, 5, 14))

    planning.plan(issue)
    planning.plan(issue)

    copy, stages, _printer, release = dates_of(issue)
    assert copy == datetime.date(2026, 5, 1)
    assert stages["复审"] == datetime.date(2026, 5, 14)
    assert stages["初审"] == datetime.date(2026, 5, 9)
    assert release == datetime.date(2026, 5, 25)
    assert IssueDeadline.objects.filter(issue=issue).count() == 3


def test_a_new_issue_saved_in_the_admin_gets_its_schedule(chief_client):
    response = chief_client.post(
        reverse("admin:bulletin_issue_add"), make.issue_form(number="3", planned_release_on="2026-03-20")
    )

    assert response.status_code == 302
    issue = Issue.objects.get(year=2026, number=3)
    copy, stages, printer, release = dates_of(issue)
    assert release == datetime.date(2026, 3, 20)  # the editor's date stays
    assert printer == datetime.date(2026, 3, 18)  # the rest from the rhythm's own release day
    assert set(stages) == {"初审", "复审", "终审"}
    assert copy < stages["初审"] < stages["复审"] < stages["终审"] < printer


def test_dates_out_of_order_are_refused_in_chinese_and_nothing_is_saved(chief_client, admin_errors):
    response = chief_client.post(
        reverse("admin:bulletin_issue_add"),
        make.issue_form(number="3", copy_deadline="2026-03-10", to_printer_on="2026-03-01"),
    )

    assert response.status_code == 200
    assert "付印日期不能早于截稿日期（2026-03-10）。" in admin_errors(response)
    assert not Issue.objects.filter(year=2026, number=3).exists()


def test_a_stage_deadline_after_the_printer_date_is_refused(chief_client, read_page, draft_issue):
    planning.plan(draft_issue)
    page = read_page(chief_client.get(reverse("admin:bulletin_issue_change", args=[draft_issue.pk])))
    data = page.form("issue_form", submit="_save")
    final = next(key for key, value in data.items() if key.endswith("-stage") and value == str(make.stage("终审").pk))
    data[final.replace("-stage", "-due_on")] = (draft_issue.to_printer_on + timedelta(days=2)).isoformat()

    response = chief_client.post(reverse("admin:bulletin_issue_change", args=[draft_issue.pk]), data)

    assert response.status_code == 200
    assert f"终审截止日期（{draft_issue.to_printer_on + timedelta(days=2):%Y-%m-%d}）不能晚于付印日期" in response.text
    assert IssueDeadline.objects.get(issue=draft_issue, stage__name="终审").due_on < draft_issue.to_printer_on


def test_the_board_shows_the_schedule_and_what_is_behind_it(newsroom, client, read_page, draft_issue):
    today = timezone.localdate()
    planning.plan(draft_issue)
    IssueDeadline.objects.filter(issue=draft_issue).update(due_on=today + timedelta(days=5))
    Issue.objects.filter(pk=draft_issue.pk).update(
        copy_deadline=today - timedelta(days=2),
        to_printer_on=today + timedelta(days=8),
        planned_release_on=today + timedelta(days=15),
    )
    late = make.draft(draft_issue, by=newsroom.author, title="截稿后仍是草稿")
    make.in_review(draft_issue, at="初审", by=newsroom.author, title="按时送审的稿件")
    client.force_login(newsroom.chief)

    page = read_page(client.get(reverse("review:issue-board", args=[draft_issue.pk])))

    copy = today - timedelta(days=2)
    assert page.contains("1 篇落后于制作日程。")
    assert page.contains(f"截稿 {copy.month}月{copy.day}日")
    card = page.find("li", class_="review-card is-overdue")
    assert card.contains(late.title)
    assert card.contains(f"截稿日期（{copy.month}月{copy.day}日）已过，仍未提交审核")


def test_an_unreleased_issue_past_its_planned_release_says_so(newsroom, client, read_page, draft_issue):
    planning.plan(draft_issue)
    due = timezone.localdate() - timedelta(days=1)
    Issue.objects.filter(pk=draft_issue.pk).update(planned_release_on=due)
    client.force_login(newsroom.chief)

    page = read_page(client.get(reverse("review:issue-board", args=[draft_issue.pk])))

    assert page.contains(f"计划{due.month}月{due.day}日出版，尚未发布")


# 我的稿件 ----------------------------------------------------------------------------------------


def mine_rows(client, read_page, query=""):
    page = read_page(client.get(reverse("review:mine") + query))
    table = page.find("table", class_="review-table")
    return page, [row[0] for row in table.rows()[1:]] if table else []


def test_my_articles_are_those_i_am_responsible_for(newsroom, client, read_page, draft_issue):
    other_editor = make.editor("colleague")
    assigned = make.draft(draft_issue, by=other_editor, title="指定给我的稿件")
    Article.objects.filter(pk=assigned.pk).update(editor=newsroom.author)
    make.draft(draft_issue, by=newsroom.author, title="我写的稿件")
    handed_on = make.draft(draft_issue, by=newsroom.author, title="已交给同事的稿件")
    Article.objects.filter(pk=handed_on.pk).update(editor=other_editor)
    make.draft(draft_issue, by=other_editor, title="同事的稿件")
    client.force_login(newsroom.author)

    _page, titles = mine_rows(client, read_page)

    assert sorted(titles) == sorted(["指定给我的稿件", "我写的稿件"])


def test_my_articles_mark_one_sent_back_and_leave_published_ones_for_all(newsroom, client, read_page):
    draft = workflow.submit(make.draft(by=newsroom.author, title="被退回的稿件"), by=newsroom.author)
    workflow.send_back(draft, by=newsroom.reviewer, comment="请核实数字")
    make.article(None, title="早已发布的稿件", created_by=newsroom.author)
    client.force_login(newsroom.author)

    page, titles = mine_rows(client, read_page)
    _page, all_titles = mine_rows(client, read_page, "?all=1")

    assert titles == ["被退回的稿件"]
    assert page.find("table", class_="review-table").contains("退回修改")
    assert sorted(all_titles) == ["早已发布的稿件", "被退回的稿件"]


def test_my_articles_page_needs_login(client):
    response = client.get(reverse("review:mine"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_rhythm_is_set_once_and_never_a_second_time(chief_client):
    ProductionRhythm.objects.create()

    response = chief_client.get(reverse("admin:bulletin_productionrhythm_add"))

    assert response.status_code == 403


def test_the_issue_page_flags_each_article_behind_its_schedule(newsroom, client, read_page, draft_issue):
    today = timezone.localdate()
    planning.plan(draft_issue)
    IssueDeadline.objects.filter(issue=draft_issue).update(due_on=today + timedelta(days=5))
    Issue.objects.filter(pk=draft_issue.pk).update(
        copy_deadline=today - timedelta(days=1), to_printer_on=today + timedelta(days=8)
    )
    make.draft(draft_issue, by=newsroom.author, title="截稿后仍是草稿")
    make.in_review(draft_issue, at="初审", by=newsroom.author, title="按时送审的稿件")
    client.force_login(newsroom.chief)

    page = read_page(client.get(reverse("admin:bulletin_issue_change", args=[draft_issue.pk])))

    copy = today - timedelta(days=1)
    inline = page.find("fieldset", **{"aria-labelledby": "articles-heading"})
    late, on_time = (
        next(row for row in inline.rows() if title in " ".join(row)) for title in ("截稿后仍是草稿", "按时送审的稿件")
    )
    assert late[-2] == f"截稿日期（{copy.month}月{copy.day}日）已过，仍未提交审核"
    assert on_time[-2] == "—"
