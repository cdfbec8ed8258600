from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bulletin.models import Article
from tests import factories as make

pytestmark = pytest.mark.django_db


def unsaved_article(issue, **fields):
    return Article(issue=issue, section=make.section(), title="科普大篷车进校园", **fields)


# Slugs ------------------------------------------------------------------------------------------


def test_article_slug_is_its_title_in_pinyin(published_issue):
    article = make.article(published_issue, title="科普大篷车进校园")

    assert article.slug == "ke-pu-da-peng-che-jin-xiao-yuan"


def test_article_with_the_same_title_in_the_same_issue_gets_a_numbered_slug(published_issue):
    first = make.article(published_issue, title="省科协召开全委会议")
    second = make.article(published_issue, title="省科协召开全委会议")

    assert second.slug == f"{first.slug}-2"


def test_articles_in_different_issues_may_share_a_slug(published_issue):
    other_issue = make.issue(year=2026, number=3)

    first = make.article(published_issue, title="省科协召开全委会议")
    second = make.article(other_issue, title="省科协召开全委会议")

    assert first.slug == second.slug == "sheng-ke-xie-zhao-kai-quan-wei-hui-yi"
    assert first.get_absolute_url() != second.get_absolute_url()


def test_web_news_with_the_same_title_get_numbered_slugs():
    first = make.news(title="科技活动周启动")
    second = make.news(title="科技活动周启动")

    assert (first.slug, second.slug) == ("ke-ji-huo-dong-zhou-qi-dong", "ke-ji-huo-dong-zhou-qi-dong-2")


def test_slug_typed_twice_in_one_issue_is_rejected_by_validation(published_issue):
    make.article(published_issue, slug="quan-wei-hui")

    with pytest.raises(ValidationError):
        unsaved_article(published_issue, slug="quan-wei-hui").full_clean()


def test_database_refuses_the_same_slug_twice_in_one_issue(published_issue):
    make.article(published_issue, slug="quan-wei-hui")

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.bulk_create([unsaved_article(published_issue, slug="quan-wei-hui", position=1)])


# Page numbers -----------------------------------------------------------------------------------


def test_last_page_before_first_page_is_rejected_in_chinese(published_issue):
    article = unsaved_article(published_issue, first_page=12, last_page=11)

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict["last_page"] == ["末页码（11）不能小于首页码（12）。"]


def test_page_beyond_the_end_of_the_issue_is_rejected(published_issue):
    article = unsaved_article(published_issue, first_page=47, last_page=50)

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict == {"last_page": ["第50页超出了本期的页数（共48页）。"]}


def test_article_may_end_on_the_last_page_of_the_issue(published_issue):
    unsaved_article(published_issue, first_page=46, last_page=48).full_clean()


def test_web_only_news_cannot_have_print_pages():
    article = unsaved_article(None, first_page=3)

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert "只在网站发布的新闻没有印刷页码" in error.value.message_dict["first_page"][0]


def test_database_refuses_last_page_before_first_page(published_issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make.article(published_issue, first_page=12, last_page=11)


@pytest.mark.parametrize(
    ("first_page", "last_page", "printed"),
    [(11, 19, "11—19"), (19, 19, "19"), (19, None, "19"), (None, None, "")],
)
def test_page_range_reads_as_printed(published_issue, first_page, last_page, printed):
    article = make.article(published_issue, first_page=first_page, last_page=last_page)

    assert article.page_range == printed


# Publishing -------------------------------------------------------------------------------------


def test_publishing_an_article_without_a_time_publishes_it_now(published_issue):
    article = make.article(published_issue, status=make.DRAFT)
    before = timezone.now()

    article.status = Article.Status.PUBLISHED
    article.save(update_fields=["status", "published_at"])

    article.refresh_from_db()
    assert before <= article.published_at <= timezone.now()


def test_publishing_an_article_keeps_the_time_the_editor_scheduled(published_issue):
    scheduled = timezone.now() + timedelta(days=3)

    article = make.article(published_issue, published_at=scheduled)

    assert article.published_at == scheduled


def test_draft_article_has_no_publication_time(published_issue):
    assert make.article(published_issue, status=make.DRAFT).published_at is None


def test_database_refuses_a_published_article_without_a_publication_time(published_issue):
    article = make.article(published_issue)

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published_at=None)


# The admin form ---------------------------------------------------------------------------------


def test_admin_form_requires_a_title_in_chinese_and_saves_nothing(staff_client, admin_errors):
    response = staff_client.post(
        reverse("admin:bulletin_article_add"), make.article_form(section=make.section(), title="")
    )

    assert response.status_code == 200
    assert "这个字段是必填项。" in admin_errors(response)
    assert "这个字段是必填项。" in response.content.decode()
    assert not Article.objects.exists()


def test_admin_form_rejects_pages_in_reverse_order_and_saves_nothing(staff_client, published_issue, admin_errors):
    data = make.article_form(section=make.section(), issue=published_issue.pk, first_page="12", last_page="11")

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert response.status_code == 200
    assert admin_errors(response) == ["末页码（11）不能小于首页码（12）。"]
    assert "末页码（11）不能小于首页码（12）。" in response.content.decode()
    assert not Article.objects.exists()


def test_admin_form_rejects_pages_beyond_the_issue_and_saves_nothing(staff_client, published_issue, admin_errors):
    data = make.article_form(section=make.section(), issue=published_issue.pk, first_page="49")

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert admin_errors(response) == ["第49页超出了本期的页数（共48页）。"]
    assert not Article.objects.exists()


def test_an_article_added_in_the_admin_is_a_draft_whatever_status_is_posted(
    staff_client, published_issue, admin_errors
):
    """Publishing goes through the workflow (see test_workflow.py), never through the form."""
    data = make.article_form(section=make.section(), issue=published_issue.pk, status="published")

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert response.status_code == 302, admin_errors(response)
    article = Article.objects.get()
    assert (article.status, article.published_at) == ("draft", None)


def test_admin_form_reports_a_slug_already_used_in_the_issue_in_chinese(staff_client, published_issue, admin_errors):
    make.article(published_issue, slug="quan-wei-hui")
    data = make.article_form(section=make.section(), issue=published_issue.pk, slug="quan-wei-hui")

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert admin_errors(response) == ["本期已有相同网址名的稿件，请换一个网址名。"]
    assert "article_slug_unique_in_issue" not in response.content.decode()
    assert Article.objects.count() == 1
