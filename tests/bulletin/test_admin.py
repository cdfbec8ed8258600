"""The editorial admin: every page opens for those allowed, forms save who edited, refusals are 403."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from bulletin import workflow
from bulletin.models import Article, ArticlePerson, Issue
from tests import factories as make
from tests.conftest import Page

pytestmark = pytest.mark.django_db

ALL_MODELS = [
    "bulletin.issue",
    "bulletin.section",
    "bulletin.topic",
    "bulletin.article",
    # The periodical's one production rhythm (出版周期).
    "bulletin.productionrhythm",
    # Readers' subscriptions and the issues mailed to them: written by the site only.
    "bulletin.subscriber",
    "bulletin.delivery",
    # Contributions: the units, their correspondents, what they sent and the fees paid.
    "bulletin.unit",
    "bulletin.contributor",
    "bulletin.submission",
    "bulletin.fee",
    "publishing.reviewstage",
    "publishing.workflowlog",
    "people.person",
    "events.event",
    "auth.user",
    "auth.group",
    # django-axes: sign-in attempts and lockouts, for a superuser to see and lift.
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
]
# The decision log is written by the workflow only, the sign-in records by django-axes, the
# subscriptions by their readers, the submissions by their contributors.
WRITTEN_ELSEWHERE = {"publishing.workflowlog", "bulletin.subscriber", "bulletin.delivery", "bulletin.submission"}
ADDABLE_MODELS = [model for model in ALL_MODELS if model not in WRITTEN_ELSEWHERE and not model.startswith("axes.")]
EDITOR_VIEWS = [
    "bulletin.issue",
    "bulletin.section",
    "bulletin.topic",
    "bulletin.article",
    "people.person",
    "events.event",
    "bulletin.submission",
    "bulletin.unit",
    "bulletin.contributor",
]
EDITOR_ADDS = ["bulletin.topic", "bulletin.article", "people.person", "events.event"]


def admin_url(model, view):
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}")


@pytest.fixture
def content(published_issue):
    """One of everything, so that changelists have rows to show."""
    article = make.article(published_issue, first_page=3, last_page=4, topics=[make.topic("乡村振兴")])
    person = make.person("张启航")
    make.link(article, person)
    make.photo(article, caption="黄河地质博物馆")
    make.news(title="网站新闻")
    make.event(articles=[article], people=[person])
    workflow.submit_piece(by=make.contributor(), title="基层来稿", body="<p>正文。</p>", section=article.section)
    return article


def test_every_registered_model_is_covered_by_these_tests():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}

    assert registered == set(ALL_MODELS)


@pytest.mark.parametrize("model", ALL_MODELS)
def test_superuser_can_open_every_list(admin_client, content, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", ADDABLE_MODELS)
def test_superuser_can_open_every_add_form(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200


def test_not_even_a_superuser_can_write_a_decision_log_row_by_hand(admin_client):
    assert admin_client.get(admin_url("publishing.workflowlog", "add")).status_code == 403


def test_submissions_arrive_through_the_portal_not_the_admin(admin_client):
    assert admin_client.get(admin_url("bulletin.submission", "add")).status_code == 403


@pytest.mark.parametrize("model", EDITOR_VIEWS)
def test_editor_can_open_the_lists_of_content_issues_and_sections(staff_client, content, model):
    assert staff_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", EDITOR_ADDS)
def test_editor_can_open_the_add_form_of_content(staff_client, model):
    assert staff_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", ["bulletin.issue", "bulletin.section", "auth.user"])
def test_editor_cannot_open_the_add_form_of_issues_sections_or_users(staff_client, model):
    assert staff_client.get(admin_url(model, "add")).status_code == 403


def test_editor_cannot_open_the_user_list(staff_client):
    assert staff_client.get(admin_url("auth.user", "changelist")).status_code == 403


def test_superuser_can_open_an_article_with_people_and_photos(admin_client, content):
    response = admin_client.get(reverse("admin:bulletin_article_change", args=[content.pk]))

    assert response.status_code == 200
    assert "黄河地质博物馆" in response.content.decode()


def test_admin_header_names_the_periodical(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert f"{settings.PERIODICAL_NAME} 编辑部" in response.content.decode()


# Issue page -------------------------------------------------------------------------------------


def inline_titles(response):
    [formset] = [f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is Article]
    return [form.instance.title for form in formset.forms if form.instance.pk]


def test_issue_page_lists_its_articles_in_contents_order(chief_client):
    issue = make.issue(page_count=4)
    parent = make.section("学党史 强科技", order=2)
    make.article(issue, title="科协动态稿", section=make.section("科协动态", order=30), first_page=4)
    make.article(issue, title="要情二", section=make.section("要情快报", parent=parent, order=60), position=2)
    make.article(issue, title="要情一", section=make.section("要情快报"), position=1, first_page=2, last_page=3)
    make.article(issue, title="倡议书", section=make.section("卷首", order=1), first_page=1)

    response = chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk]))

    assert inline_titles(response) == ["倡议书", "要情一", "要情二", "科协动态稿"]
    content = response.content.decode()
    assert content.index("倡议书") < content.index("要情一") < content.index("要情二") < content.index("科协动态稿")


def test_issue_page_shows_each_articles_state_stage_and_who_it_waits_for(chief_client, read_page):
    issue = make.draft_issue()
    writer = make.named(make.editor("zhang"), "张", "伟")
    make.draft(issue, by=writer, title="还在写的稿件")
    make.in_review(issue, at="终审", by=writer, title="等主编定稿的稿件")

    page = read_page(chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk])))

    rows = [Page(row).text for row in page.element.iter("tr") if "has_original" in row.get("class", "")]
    assert any("还在写的稿件" in row and "草稿" in row and "张伟" in row for row in rows), rows
    assert any("等主编定稿的稿件" in row and "待审" in row and "终审" in row and "主编组" in row for row in rows), rows


def test_issue_page_flags_the_rows_whose_pages_need_a_look(chief_client, read_page):
    issue = make.draft_issue(page_count=8)
    section = make.section("科协动态")
    make.article(issue, section=section, title="排在前面的稿件", position=1, first_page=5, last_page=6, status="draft")
    make.article(issue, section=section, title="页码倒退的稿件", position=2, first_page=2, last_page=3, status="draft")
    make.article(issue, section=section, title="没有页码的稿件", position=3, status="draft")

    page = read_page(chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk])))

    texts = [Page(row).text for row in page.element.iter("tr") if "has_original" in row.get("class", "")]
    rows = {text.split(" ")[0]: text for text in texts}  # a row starts with its article's title
    assert "页码比目录中排在前面的稿件还靠前" in rows["页码倒退的稿件"]
    assert "还没有印刷页码" in rows["没有页码的稿件"]
    assert "页码" not in rows["排在前面的稿件"]


def test_issue_page_heads_its_articles_with_their_sections(chief_client, read_page):
    issue = make.issue()
    parent = make.section("学党史 强科技", order=2)
    make.article(issue, title="要情一", section=make.section("要情快报", parent=parent, order=60))
    make.article(issue, title="动员大会召开", section=make.section("科协动态", order=30))

    page = read_page(chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk])))

    assert page.in_order("学党史 强科技 › 要情快报", "要情一", "科协动态", "动员大会召开")


def test_issue_page_says_so_when_the_pages_check_out(chief_client):
    issue = make.issue(page_count=2)
    make.article(issue, first_page=1, last_page=2)

    response = chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk]))

    assert "页码连续，与目录顺序一致。" in response.content.decode()


def test_issue_page_lists_pages_without_articles(chief_client):
    issue = make.issue(page_count=5)
    make.article(issue, first_page=1, last_page=2)

    response = chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk]))

    assert "没有稿件的页：第 3、4、5 页" in response.content.decode()


def test_issue_page_names_an_article_printed_out_of_contents_order(chief_client):
    issue = make.issue(page_count=4)
    make.article(issue, title="倡议书", section=make.section("卷首", order=1), first_page=3, last_page=4)
    make.article(issue, title="动员大会召开", section=make.section("科协动态", order=30), first_page=1, last_page=2)

    response = chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk]))

    content = response.content.decode()
    assert "页码比目录中排在前面的稿件还靠前" in content
    assert "《动员大会召开》（科协动态，第 1—2 页）" in content


def test_editor_may_look_at_an_issue_but_not_change_it(staff_client, published_issue):
    url = reverse("admin:bulletin_issue_change", args=[published_issue.pk])
    data = make.issue_form(year="2026", number="2", running_number="122", theme="改过的主题", status="published")

    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, data).status_code == 403
    published_issue.refresh_from_db()
    assert published_issue.theme == "党史学习教育"


def test_chief_editor_can_renumber_pages_from_the_issue_page_and_is_recorded_as_editor(
    chief_client, chief_editor, editor, published_issue, admin_errors
):
    # A draft: the rows of published articles are read-only here (they change through a revision).
    article = make.draft(published_issue, by=editor, first_page=3, last_page=4)
    data = make.issue_form(
        year="2026",
        number="2",
        running_number="122",
        theme="党史学习教育",
        status="published",
        released_on=published_issue.released_on.isoformat(),
        **{
            "articles-TOTAL_FORMS": "1",
            "articles-INITIAL_FORMS": "1",
            "articles-0-id": str(article.pk),
            "articles-0-issue": str(published_issue.pk),
            "articles-0-section": str(article.section_id),
            "articles-0-position": "0",
            "articles-0-title": article.title,
            "articles-0-first_page": "5",
            "articles-0-last_page": "6",
            "articles-0-loaded_version": str(article.version),
        },
    )

    response = chief_client.post(reverse("admin:bulletin_issue_change", args=[published_issue.pk]), data)

    assert response.status_code == 302, admin_errors(response)
    article.refresh_from_db()
    assert article.page_range == "5—6"
    assert (article.created_by, article.updated_by) == (editor, chief_editor)


def test_an_approved_article_moves_pages_on_the_issue_page_but_keeps_its_reviewed_title(
    chief_client, editor, draft_issue, admin_errors
):
    article = make.draft(draft_issue, by=editor, first_page=3, last_page=4)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.APPROVED)
    data = make.issue_form(
        year="2026",
        number="3",
        running_number="123",
        **{
            "articles-TOTAL_FORMS": "1",
            "articles-INITIAL_FORMS": "1",
            "articles-0-id": str(article.pk),
            "articles-0-issue": str(draft_issue.pk),
            "articles-0-section": str(article.section_id),
            "articles-0-position": "2",
            "articles-0-title": "审核后偷改的标题",
            "articles-0-first_page": "7",
            "articles-0-last_page": "8",
            "articles-0-loaded_version": str(article.version),
        },
    )

    response = chief_client.post(reverse("admin:bulletin_issue_change", args=[draft_issue.pk]), data)

    assert response.status_code == 302, admin_errors(response)
    article.refresh_from_db()
    assert (article.page_range, article.position) == ("7—8", 2)
    assert article.title != "审核后偷改的标题"


# Article page -----------------------------------------------------------------------------------


def test_article_form_lets_the_editor_add_people(staff_client):
    response = staff_client.get(reverse("admin:bulletin_article_add"))

    content = response.content.decode()
    assert 'name="person_links-TOTAL_FORMS"' in content
    assert 'name="person_links-0-printed_title"' in content


def test_article_form_edits_the_body_with_ckeditor(staff_client):
    response = staff_client.get(reverse("admin:bulletin_article_add"))

    content = response.content.decode()
    assert 'class="django_ckeditor_5"' in content
    assert "django_ckeditor_5/dist/bundle.js" in content


def test_editor_creates_an_article_with_its_people_and_is_recorded_as_its_author(staff_client, editor, admin_errors):
    person = make.person("张启航")
    data = make.article_form(
        section=make.section("科海观澜"),
        title="难解之谜",
        byline="文_张启航",
        people=[(person, ArticlePerson.Role.AUTHOR)],
    )

    response = staff_client.post(reverse("admin:bulletin_article_add"), data)

    assert response.status_code == 302, admin_errors(response)
    article = Article.objects.get()
    assert (article.title, article.section.name, article.status) == ("难解之谜", "科海观澜", "draft")
    assert (article.created_by, article.updated_by) == (editor, editor)
    assert [(link.person, link.role) for link in article.person_links.all()] == [(person, "author")]


def test_editing_an_article_records_the_last_editor_but_keeps_its_creator(client, editor, chief_editor, admin_errors):
    article = make.article(None, title="旧标题", status=make.DRAFT, created_by=editor, updated_by=editor)
    client.force_login(chief_editor)

    data = make.article_form(section=article.section, title="新标题", slug=article.slug, loaded_version=article.version)
    response = client.post(reverse("admin:bulletin_article_change", args=[article.pk]), data)

    assert response.status_code == 302, admin_errors(response)
    article.refresh_from_db()
    assert (article.title, article.created_by, article.updated_by) == ("新标题", editor, chief_editor)


def test_article_form_has_no_status_menu(staff_client):
    response = staff_client.get(reverse("admin:bulletin_article_add"))

    assert "status" not in response.context["adminform"].form.fields
    assert 'name="status"' not in response.content.decode()


def test_editor_cannot_create_an_issue_by_posting_to_the_admin(staff_client):
    response = staff_client.post(reverse("admin:bulletin_issue_add"), make.issue_form())

    assert response.status_code == 403
    assert not Issue.objects.exists()


def test_saving_a_correction_to_a_withdrawn_article_keeps_it_withdrawn(client, chief_editor, admin_errors):
    article = make.article(None, title="撤下的旧闻", status=Article.Status.WITHDRAWN)
    client.force_login(chief_editor)
    data = make.article_form(
        section=article.section, title="撤下的旧闻（更正）", status="withdrawn", loaded_version=article.version
    )

    response = client.post(reverse("admin:bulletin_article_change", args=[article.pk]), data)

    assert admin_errors(response) == []
    article.refresh_from_db()
    assert (article.title, article.status) == ("撤下的旧闻（更正）", Article.Status.WITHDRAWN)


@pytest.mark.parametrize("posted", ["published", "withdrawn", "approved"])
def test_posting_a_status_to_the_article_form_does_not_change_it(client, chief_editor, admin_errors, posted):
    article = make.draft(by=chief_editor, title="草稿")
    client.force_login(chief_editor)
    data = make.article_form(
        section=article.section, title="草稿（改）", slug=article.slug, status=posted, loaded_version=article.version
    )

    response = client.post(reverse("admin:bulletin_article_change", args=[article.pk]), data)

    assert response.status_code == 302, admin_errors(response)
    article.refresh_from_db()
    assert (article.title, article.status, article.published_at) == ("草稿（改）", "draft", None)
    assert [e.action for e in article.workflow_log.all()] == ["edit"]


def test_issue_without_a_page_count_does_not_claim_its_pages_check_out(chief_client):
    issue = make.issue(page_count=None)
    make.article(issue, first_page=1, last_page=2)

    content = chief_client.get(reverse("admin:bulletin_issue_change", args=[issue.pk])).content.decode()

    assert "未填写页数，无法检查缺页。" in content
    assert "页码连续" not in content


def test_refused_admin_page_explains_in_chinese(staff_client):
    response = staff_client.get(reverse("admin:auth_user_changelist"))

    content = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in content
    assert "Forbidden" not in content


def test_article_list_offers_the_issues_of_the_chosen_year_only(staff_client):
    issues = {(year, number): make.issue(year=year, number=number) for year in (2024, 2025) for number in (1, 2)}
    for issue in issues.values():
        make.article(issue)
    changelist = reverse("admin:bulletin_article_changelist")

    def offered(**query):
        page = staff_client.get(changelist, query).content.decode()
        return {int(pk) for pk in re.findall(r"issue__id__exact=(\d+)", page)}

    assert offered() == {issues[2025, 1].pk, issues[2025, 2].pk}
    assert offered(issue__year=2024) == {issues[2024, 1].pk, issues[2024, 2].pk}
    narrowed = staff_client.get(changelist, {"issue__year": 2024, "issue__id__exact": issues[2024, 2].pk})
    assert narrowed.context["cl"].result_count == 1


def test_the_article_list_search_box_finds_words_and_names(staff_client, published_issue):
    make.article(published_issue, title="田间管理要点", summary="防治赤霉病要抓住扬花期")
    make.article(published_issue, title="科普大篷车", byline="文_省科协 余明")
    make.article(published_issue, title="无关的稿件")
    changelist = reverse("admin:bulletin_article_changelist")

    def titles(q):
        return sorted(a.title for a in staff_client.get(changelist, {"q": q}).context["cl"].result_list)

    assert titles("赤霉病") == ["田间管理要点"]
    assert titles("余明") == ["科普大篷车"]
    assert titles("稻瘟病") == []


# Finding an issue by the names editors use ---------------------------------------------------------


@pytest.fixture
def issues():
    return {
        "may": make.issue(year=2026, number=5, running_number=123, theme="乡村振兴科技行"),
        "may_before": make.issue(year=2025, number=5, running_number=111),
        "june": make.issue(year=2026, number=6, running_number=124),
    }


def picker(client, term):
    """What the 所属期刊 picker of the article form offers for ``term``."""
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "bulletin", "model_name": "article", "field_name": "issue", "term": term},
    )
    assert response.status_code == 200
    return sorted(result["text"] for result in response.json()["results"])


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("2026年第5期", ["may"]),
        ("2026年 第5期", ["may"]),
        ("2026-5", ["may"]),
        ("第5期", ["may", "may_before"]),
        ("5", ["may", "may_before"]),
        ("2026年", ["june", "may"]),
        ("2026", ["june", "may"]),
        ("总第124期", ["june"]),
        ("124", ["june"]),
        ("2026年第5期（总第123期）", ["may"]),
        ("乡村振兴", ["may"]),
        ("第9期", []),
    ],
)
def test_the_issue_picker_finds_an_issue_by_every_name_editors_use(staff_client, issues, term, found):
    assert picker(staff_client, term) == sorted(str(issues[key]) for key in found)


# Where a new article goes ------------------------------------------------------------------------


def test_a_new_article_joins_the_end_of_its_section_as_word_import_does(staff_client, draft_issue):
    section = make.section("科协动态")
    for n in range(3):
        make.article(draft_issue, section=section, title=f"已排好的稿件{n}", status="draft")
    make.article(draft_issue, section=make.section("基层风采"), title="别的栏目的稿件", position=9, status="draft")

    response = staff_client.post(
        reverse("admin:bulletin_article_add"),
        make.article_form(section=section, issue=str(draft_issue.pk), title="新来的稿件"),
    )

    assert response.status_code == 302
    in_section = Article.objects.filter(issue=draft_issue, section=section).in_toc_order()
    assert [a.title for a in in_section][-1] == "新来的稿件"
    assert Article.objects.get(title="新来的稿件").position == 4


def test_the_add_form_leaves_the_place_in_the_section_empty(staff_client, read_page):
    page = read_page(staff_client.get(reverse("admin:bulletin_article_add")))

    assert page.find("input", name="position").element.get("value") is None
