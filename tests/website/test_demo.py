"""The demo content: every entry of the data files is loaded, and loading again changes nothing."""

import io
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from bulletin import planning
from bulletin.models import (
    Article,
    ArticlePerson,
    ArticlePhoto,
    Comment,
    Issue,
    IssueDeadline,
    ReviewerAssignment,
    Section,
    Submission,
    Topic,
)
from events.models import Event
from people.models import Person
from publishing import desk
from publishing.models import Notification, WorkflowLog
from tests import factories as make
from website import demo
from website.demo import content

ROWS = [
    Issue,
    Section,
    Topic,
    Article,
    ArticlePerson,
    ArticlePhoto,
    WorkflowLog,
    Person,
    Event,
    get_user_model(),
    Comment,
    ReviewerAssignment,
    IssueDeadline,
    Notification,
    Submission,
]


def row_counts():
    return {model._meta.label: model.objects.count() for model in ROWS}


def stored_files(media_root):
    return {path: path.read_bytes() for path in Path(media_root).rglob("*") if path.is_file()}


@pytest.mark.django_db
def test_every_entry_of_the_data_files_is_loaded():
    data = content.read()

    demo.load()

    for (year, number), issue in data.issues.items():
        titles = Article.objects.filter(issue__year=year, issue__number=number).values_list("title", flat=True)
        contributed = [spec["title"] for spec in data.submissions if spec.get("issue") == [year, number]]
        assert sorted(titles) == sorted([*(spec["title"] for spec in issue["articles"]), *contributed])
    assert sorted(Article.objects.filter(issue=None, submission=None).values_list("title", flat=True)) == sorted(
        spec["title"] for spec in data.news
    )
    assert sorted(Submission.objects.values_list("article__title", flat=True)) == sorted(
        spec.get("article") or spec["title"] for spec in data.submissions
    )
    assert sorted(Person.objects.values_list("name", "organisation")) == sorted(
        (spec["name"], spec["organisation"]) for spec in data.people.values()
    )
    assert sorted(Event.objects.values_list("slug", flat=True)) == sorted(spec["slug"] for spec in data.events)
    assert set(data.topics) <= set(Topic.objects.values_list("name", flat=True))
    assert {spec["name"] for spec in data.subsections} <= set(Section.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_a_second_load_creates_no_row_and_rewrites_no_file(media_root):
    demo.load()
    counts, files = row_counts(), stored_files(media_root)

    demo.load()

    assert row_counts() == counts
    assert stored_files(media_root) == files


@pytest.mark.django_db
def test_articles_waiting_for_review_got_there_through_the_workflow():
    demo.load()

    approved = Article.objects.get(title="省科协召开学术年会筹备工作会议")
    assert approved.status == "approved"
    assert list(approved.workflow_log.values_list("action", flat=True)) == [
        "submit",
        "approve",
        "approve",
        "approve",
        "assign",
    ]


@pytest.mark.django_db
def test_the_issue_in_production_has_a_schedule_assignments_comments_and_one_late_piece():
    demo.load()
    editor = get_user_model().objects.get(username="editor")
    issue = Issue.objects.get(status=Issue.Status.DRAFT)
    plan = planning.schedules([issue])[issue.pk]
    now = timezone.now()

    late = [a.title for a in issue.articles.select_related("review_stage") if planning.lateness(a, plan, now)]
    assert late == ["落叶乔木是怎样过冬的"]
    assert [m.label for m in plan.milestones] == ["截稿", "初审截止", "复审截止", "终审截止", "付印", "出版"]
    assert set(issue.articles.values_list("editor__username", flat=True)) == {"editor"}
    assert ReviewerAssignment.objects.filter(article__issue=issue).count() == 2
    assert Comment.objects.filter(article__issue=issue, quote__gt="").exists()
    assert Comment.objects.filter(article__issue=issue, resolved_at__isnull=False).exists()
    tasks = desk.agenda(editor, now)
    assert [task.title for task in tasks if task.late] == ["《落叶乔木是怎样过冬的》"]
    assert any(task.action == "回复批注" for task in tasks)


def test_a_misspelt_field_in_a_data_file_is_refused(tmp_path, monkeypatch):
    copy = shutil.copytree(content.DIRECTORY, tmp_path / "demo")
    news = copy / "news.toml"
    news.write_text(news.read_text().replace("[[articles]]\n", '[[articles]]\nsubtitel = "副题"\n', 1))
    monkeypatch.setattr(content, "DIRECTORY", copy)

    with pytest.raises(ValueError, match=r"news\.toml.*subtitel"):
        content.read()


@pytest.mark.django_db
def test_load_demo_prints_each_login_it_has_set(settings):
    settings.DEBUG = True
    output = io.StringIO()

    call_command("load_demo", stdout=output)

    for spec in content.read().users:
        assert spec["username"] in output.getvalue()
        assert spec["password"] in output.getvalue()
        assert get_user_model().objects.get(username=spec["username"]).check_password(spec["password"])


# Committed for real, so that the mails its commit sets off are sent.
@pytest.mark.django_db(transaction=True)
def test_load_demo_mails_nobody_about_its_own_decisions(settings, mailoutbox):
    """Its submissions and approvals would mail the demo accounts, which go nowhere; on a
    console mail backend the mails would bury the logins it prints."""
    make.migrations_seed()
    settings.DEBUG = True

    call_command("load_demo", stdout=io.StringIO())

    assert WorkflowLog.objects.filter(action="submit").exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_load_demo_refuses_when_debug_is_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())
    assert not Article.objects.exists()
