"""Published articles are edited through a pending revision; any earlier version can be restored."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from bulletin import workflow
from bulletin.models import Article
from publishing.models import WorkflowLog
from tests import factories as make

pytestmark = pytest.mark.django_db

OLD_BODY = "<p>全省科协系统动员大会在郑州召开。</p>"
NEW_BODY = "<p>全省科协系统动员大会在郑州隆重召开，省科协主席出席会议并讲话。</p>"


@pytest.fixture
def live(newsroom, published_issue):
    """A published article of the author's, with a person, a photo and a topic, published yesterday."""
    article = make.article(
        published_issue,
        title="动员大会召开",
        body=OLD_BODY,
        slug="dong-yuan-da-hui",
        topics=[make.topic("党史学习教育")],
        created_by=newsroom.author,
        updated_by=newsroom.author,
    )
    make.link(article, make.person("张启航"))
    make.photo(article, caption="会议现场")
    return article


def revise(live, newsroom, **changes):
    return workflow.start_revision(live, by=newsroom.author, changes=changes)


def page_text(client, read_page, url):
    return read_page(client.get(url)).text


# Starting a revision ----------------------------------------------------------------------------


def test_starting_a_revision_leaves_what_readers_see_unchanged(newsroom, live, client, read_page):
    revise(live, newsroom, title="动员大会隆重召开", body=NEW_BODY)

    text = page_text(client, read_page, live.get_absolute_url())
    assert "全省科协系统动员大会在郑州召开。" in text
    assert "隆重" not in text
    stored = Article.objects.get(pk=live.pk)
    assert (stored.title, stored.body, stored.status, stored.published_at) == (
        "动员大会召开",
        OLD_BODY,
        "published",
        live.published_at,
    )


def test_a_revision_is_a_draft_copy_of_the_live_article_with_the_changes(newsroom, live):
    revision = revise(live, newsroom, title="动员大会隆重召开")

    assert (revision.status, revision.live_article, revision.published_at) == ("draft", live, None)
    assert (revision.title, revision.body, revision.issue, revision.slug) == (
        "动员大会隆重召开",
        OLD_BODY,
        live.issue,
        live.slug,
    )
    assert [p.person.name for p in revision.person_links.all()] == ["张启航"]
    assert [p.caption for p in revision.photos.all()] == ["会议现场"]
    assert [t.name for t in revision.topics.all()] == ["党史学习教育"]
    assert (revision.created_by, revision.updated_by) == (newsroom.author, newsroom.author)


def test_a_revision_is_nowhere_on_the_public_site(newsroom, live, client, read_page, published_issue):
    revise(live, newsroom, title="动员大会隆重召开")

    assert list(Article.objects.public()) == [live]
    for url in [
        published_issue.get_absolute_url(),
        live.section.get_absolute_url(),
        reverse("bulletin:home"),
        live.topics.get().get_absolute_url(),
    ]:
        text = page_text(client, read_page, url)
        assert "动员大会召开" in text, url
        assert "隆重" not in text, url


def test_editing_a_published_article_again_changes_its_one_pending_revision(newsroom, live):
    first = revise(live, newsroom, title="动员大会隆重召开")
    second = revise(live, newsroom, body=NEW_BODY)

    assert second.pk == first.pk
    assert (second.title, second.body, second.version) == ("动员大会隆重召开", NEW_BODY, first.version + 1)
    assert Article.objects.filter(live_article=live).count() == 1


def test_starting_a_revision_is_recorded_on_the_live_article(newsroom, live):
    revise(live, newsroom, title="动员大会隆重召开")

    entry = WorkflowLog.objects.get(object_id=live.pk)
    assert (entry.action, entry.actor, entry.from_status, entry.to_status) == (
        "revise",
        newsroom.author,
        "published",
        "published",
    )


def test_only_a_published_article_gets_a_separate_revision(newsroom, live):
    draft = make.draft(by=newsroom.author)
    revision = revise(live, newsroom)

    with pytest.raises(workflow.TransitionRefused, match="只有已发布的稿件才需要另建修改稿"):
        workflow.start_revision(draft, by=newsroom.author)
    with pytest.raises(workflow.TransitionRefused, match="只有已发布的稿件才需要另建修改稿"):
        workflow.start_revision(revision, by=newsroom.author)


def test_a_user_who_may_not_change_articles_cannot_start_a_revision(newsroom, live):
    with pytest.raises(workflow.TransitionRefused, match="您没有修改稿件的权限"):
        workflow.start_revision(live, by=newsroom.nobody, changes={"title": "改标题"})

    assert not Article.objects.filter(live_article=live).exists()


# Publishing a revision --------------------------------------------------------------------------


@pytest.fixture
def approved_revision(newsroom, live):
    """A revision with new text, person, photo and topic, approved at every stage."""
    revision = revise(live, newsroom, title="动员大会隆重召开", body=NEW_BODY)
    revision.person_links.all().delete()
    make.link(revision, make.person("李可"))
    revision.photos.all().delete()
    make.photo(revision, caption="主席讲话")
    revision.topics.set([make.topic("科协动态")])
    newsroom.review(revision)
    return SimpleNamespace(article=revision, pk=revision.pk)


def test_a_revision_goes_through_every_review_stage_while_the_live_article_stays_published(newsroom, live):
    revision = revise(live, newsroom, title="动员大会隆重召开")

    workflow.submit(revision, by=newsroom.author)
    workflow.approve(revision, by=newsroom.reviewer)
    workflow.approve(revision, by=newsroom.second_reviewer)
    workflow.approve(revision, by=newsroom.chief)

    revision.refresh_from_db()
    live.refresh_from_db()
    assert (revision.status, live.status, live.title) == ("approved", "published", "动员大会召开")


def test_publishing_a_revision_replaces_the_live_text_people_photos_and_topics(
    newsroom, live, approved_revision, client, read_page
):
    workflow.publish(approved_revision.article, by=newsroom.chief)

    live.refresh_from_db()
    assert (live.title, live.body, live.status) == ("动员大会隆重召开", NEW_BODY, "published")
    assert [p.person.name for p in live.person_links.all()] == ["李可"]
    assert [p.caption for p in live.photos.all()] == ["主席讲话"]
    assert [t.name for t in live.topics.all()] == ["科协动态"]
    text = page_text(client, read_page, live.get_absolute_url())
    assert "省科协主席出席会议并讲话" in text
    assert "会议现场" not in text


def test_publishing_a_revision_keeps_the_live_url_and_the_original_publish_time(newsroom, live, approved_revision):
    url, published_at = live.get_absolute_url(), live.published_at

    workflow.publish(approved_revision.article, by=newsroom.chief)

    live.refresh_from_db()
    assert (live.get_absolute_url(), live.slug, live.published_at) == (url, "dong-yuan-da-hui", published_at)


def test_publishing_a_revision_moves_its_review_record_to_the_live_article_and_removes_it(
    newsroom, live, approved_revision
):
    workflow.publish(approved_revision.article, by=newsroom.chief)

    assert not Article.objects.filter(pk=approved_revision.pk).exists()
    assert not WorkflowLog.objects.filter(object_id=approved_revision.pk).exists()
    assert [(e.action, e.actor.username) for e in live.workflow_log.all()] == [
        ("revise", "author"),
        ("edit", "author"),
        ("submit", "author"),
        ("approve", "reviewer"),
        ("approve", "reviewer2"),
        ("approve", "zhubian"),
        ("publish", "zhubian"),
    ]
    assert Article.objects.count() == 1


def test_a_revision_cannot_be_published_over_an_article_withdrawn_in_the_meantime(newsroom, live, approved_revision):
    workflow.withdraw(live, by=newsroom.chief, comment="数据有误")

    with pytest.raises(workflow.TransitionRefused):
        workflow.publish(approved_revision.article, by=newsroom.chief)

    live.refresh_from_db()
    assert (live.title, live.status) == ("动员大会召开", "withdrawn")
    assert not live.workflow_log.filter(action="publish").exists()


# Restoring an earlier version -------------------------------------------------------------------


def edited(article, by, **changes):
    """``article`` after ``by`` saved it with ``changes``, as the admin does."""
    for name, value in changes.items():
        setattr(article, name, value)
    article.updated_by = by
    article.save()
    return article


def test_every_save_of_an_article_is_kept_in_its_history(newsroom):
    article = make.draft(by=newsroom.author, title="初稿")
    edited(article, newsroom.author, title="二稿")
    edited(article, newsroom.author, title="三稿")

    assert [r.title for r in article.history.all()] == ["三稿", "二稿", "初稿"]


def test_restoring_an_old_version_brings_its_text_back_as_a_new_version(newsroom):
    article = make.draft(by=newsroom.author, title="初稿", body=OLD_BODY)
    first = article.history.earliest()
    edited(article, newsroom.author, title="二稿", body=NEW_BODY)
    versions = article.history.count()

    workflow.restore(article, revision=first, by=newsroom.reviewer)

    article.refresh_from_db()
    assert (article.title, article.body, article.updated_by) == ("初稿", OLD_BODY, newsroom.reviewer)
    assert article.history.count() == versions + 1
    entry = WorkflowLog.objects.get(object_id=article.pk)
    assert entry.action == "restore"
    assert entry.comment.startswith("恢复为 ")


def test_restoring_does_not_bring_back_the_workflow_state_of_the_old_version(newsroom):
    article = make.draft(by=newsroom.author, title="初稿")
    workflow.submit(article, by=newsroom.author)
    in_review = article.history.latest()
    workflow.send_back(article, by=newsroom.reviewer, comment="重写")
    edited(Article.objects.get(pk=article.pk), newsroom.author, title="重写稿")

    workflow.restore(article, revision=in_review, by=newsroom.author)

    article.refresh_from_db()
    assert in_review.status == "in_review"
    assert (article.title, article.status, article.review_stage) == ("初稿", "draft", None)


def test_restoring_a_withdrawn_article_keeps_it_withdrawn(newsroom):
    article = make.news(title="旧标题", status=make.WITHDRAWN, created_by=newsroom.author)
    old = article.history.earliest()
    edited(article, newsroom.author, title="新标题")

    workflow.restore(article, revision=old, by=newsroom.author)

    article.refresh_from_db()
    assert (article.title, article.status) == ("旧标题", "withdrawn")


def test_restoring_onto_a_published_article_goes_into_its_pending_revision(newsroom, live, client, read_page):
    old = live.history.earliest()
    revise(live, newsroom, title="动员大会隆重召开", body=NEW_BODY)
    workflow.publish(newsroom.review(Article.objects.get(live_article=live)), by=newsroom.chief)
    live.refresh_from_db()

    target = workflow.restore(live, revision=old, by=newsroom.author)

    live.refresh_from_db()
    assert target.live_article == live
    assert (target.title, target.body, target.status) == ("动员大会召开", OLD_BODY, "draft")
    assert (live.title, live.body) == ("动员大会隆重召开", NEW_BODY)
    assert "省科协主席出席会议并讲话" in page_text(client, read_page, live.get_absolute_url())


def test_an_article_in_review_cannot_be_restored(newsroom):
    article = make.draft(by=newsroom.author, title="初稿")
    first = article.history.earliest()
    edited(article, newsroom.author, title="二稿")
    workflow.submit(article, by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused, match="审核中的稿件不能恢复旧版本"):
        workflow.restore(article, revision=first, by=newsroom.author)

    article.refresh_from_db()
    assert article.title == "二稿"


def test_restoring_onto_a_published_article_whose_revision_is_in_review_is_refused(newsroom, live):
    old = live.history.earliest()
    revision = revise(live, newsroom, title="动员大会隆重召开")
    workflow.submit(revision, by=newsroom.author)

    with pytest.raises(workflow.TransitionRefused):
        workflow.restore(live, revision=old, by=newsroom.author)

    revision.refresh_from_db()
    assert (revision.title, revision.status) == ("动员大会隆重召开", "in_review")


def test_an_article_cannot_be_restored_from_the_history_of_another_article(newsroom):
    article = make.draft(by=newsroom.author, title="本稿")
    other = make.draft(by=newsroom.author, title="别的稿件")

    with pytest.raises(workflow.TransitionRefused):
        workflow.restore(article, revision=other.history.earliest(), by=newsroom.author)

    article.refresh_from_db()
    assert article.title == "本稿"


def test_a_user_who_may_not_change_articles_cannot_restore(newsroom):
    article = make.draft(by=newsroom.author, title="初稿")
    first = article.history.earliest()
    edited(article, newsroom.author, title="二稿")

    with pytest.raises(workflow.TransitionRefused, match="您没有修改稿件的权限"):
        workflow.restore(article, revision=first, by=newsroom.nobody)

    article.refresh_from_db()
    assert article.title == "二稿"
