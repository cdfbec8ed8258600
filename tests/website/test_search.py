"""Search in Chinese: what readers find, what they never find, filters, snippets and bad queries.

Runs on SQLite and on PostgreSQL (DATABASE_URL); the few differences are marked.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bulletin import workflow
from bulletin.models import Article
from events.models import Event
from people.models import Person
from publishing import search
from publishing.sanitize import text_content
from tests import factories as make

pytestmark = pytest.mark.django_db

SEARCH = reverse("website:search")
ON_POSTGRESQL = connection.vendor == "postgresql"


def found(client, read_page, q, **filters):
    """The article titles of the first result page for ``q``, in order."""
    page = read_page(client.get(SEARCH, {"q": q, **filters}))
    return [_title(li) for li in page.element.iter("li") if "search-results" in _classes_of_parent(page, li)]


def _classes_of_parent(page, li):
    for ul in page.element.iter("ul"):
        if li in list(ul):
            return ul.get("class", "")
    return ""


def _title(li):
    heading = next(li.iter("h3"))
    return "".join(heading.itertext()).strip()


@pytest.fixture
def library(published_issue):
    """Published articles with the words readers look for in different fields."""
    return {
        "disease": make.article(
            published_issue,
            title="小麦丰收有妙招",
            body="<p>今年春季多雨，专家提醒农户及早防治小麦赤霉病。</p>",
        ),
        "party": make.article(published_issue, title="省科协召开党史学习教育动员大会", body="<p>会议在郑州召开。</p>"),
        "caravan": make.article(
            published_issue,
            title="送科技下乡",
            summary="科普大篷车开进乡村学校，孩子们排队体验。",
            body="<p>活动现场。</p>",
        ),
        "byline": make.article(published_issue, title="数字经济观察", byline="文_省社会科学院经济研究所 余明"),
    }


# Finding articles ---------------------------------------------------------------------------------


def test_a_word_in_the_body_finds_the_article(client, read_page, library):
    assert found(client, read_page, "赤霉病") == ["小麦丰收有妙招"]


def test_a_phrase_in_the_title_finds_the_article_whole_or_in_words(client, read_page, library):
    assert found(client, read_page, "党史学习教育") == ["省科协召开党史学习教育动员大会"]
    assert found(client, read_page, "党史 学习 教育") == ["省科协召开党史学习教育动员大会"]
    assert found(client, read_page, "学习") == ["省科协召开党史学习教育动员大会"]


def test_a_word_in_the_summary_finds_the_article(client, read_page, library):
    assert found(client, read_page, "科普大篷车") == ["送科技下乡"]


def test_a_two_character_word_inside_a_longer_one_is_found(client, read_page, library):
    assert found(client, read_page, "科普") == ["送科技下乡"]


def test_a_name_in_the_byline_finds_the_article(client, read_page, library):
    assert found(client, read_page, "余明") == ["数字经济观察"]


def test_a_name_is_not_found_from_its_characters_scattered_in_the_text(client, read_page, published_issue):
    make.article(published_issue, title="名字相连", body="<p>记者余明报道。</p>")
    make.article(published_issue, title="字分两处", body="<p>余下的工作明天完成。</p>")

    titles = found(client, read_page, "余明")

    assert titles[0] == "名字相连"
    if ON_POSTGRESQL:
        assert titles == ["名字相连"]


# Phrases, names and single characters ----------------------------------------------------------------


def test_a_phrase_written_together_comes_before_its_words_apart(client, read_page, published_issue):
    make.article(
        published_issue,
        title="基层动态",
        body="<p>各地科协开展党史学习教育。</p>",
        published_at=make.yesterday() - timedelta(days=30),
    )
    make.article(
        published_issue,
        title="学习班结业",
        body="<p>学习科学知识，学习种植技术，学习之后回乡开展科普教育，教育青少年。</p>",
        published_at=make.yesterday(),
    )

    page = read_page(client.get(SEARCH, {"q": "学习教育"}))

    assert found(client, read_page, "学习教育") == ["基层动态", "学习班结业"]
    assert page.contains("其中1篇含有完整的“学习教育”，排在前面；另有1篇含有其中的词语，但不相连。")
    assert page.in_order("基层动态", "以下文章含有“学习”“教育”，但不相连", "学习班结业")


def test_a_dictionary_word_is_found_only_with_its_characters_together(client, read_page, published_issue):
    make.article(published_issue, title="科学技术普及条例解读")
    make.article(published_issue, title="科学与艺术", body="<p>传统技术焕发新生。</p>")

    assert found(client, read_page, "科学技术") == ["科学技术普及条例解读"]


@pytest.mark.parametrize("q", ["霍金", "金花", "霍金花"])
def test_any_two_characters_of_a_name_find_it(client, read_page, published_issue, q):
    # jieba cuts 霍金花 as 霍 + 金花, and holds 霍金 as a word of its own.
    make.article(published_issue, title="种粮能手", body="<p>记者见到霍金花时，她正在查看苗情。</p>")

    assert found(client, read_page, q) == ["种粮能手"]


def test_a_name_running_into_the_next_word_is_found(client, read_page, published_issue):
    # jieba reads 王志明 as one name here: 王志 is found all the same.
    make.article(published_issue, title="会议预告", body="<p>王志明天到会，介绍推广经验。</p>")

    assert found(client, read_page, "王志") == ["会议预告"]


@pytest.mark.parametrize("q", ["王", "鹅"])
def test_a_single_character_is_found_inside_words(client, read_page, published_issue, q):
    make.article(published_issue, title="乡村新貌", body="<p>王庄村的天鹅湖成了网红打卡地。</p>")
    make.article(published_issue, title="无关消息", body="<p>村里修了新路。</p>")

    assert found(client, read_page, q) == ["乡村新貌"]


@pytest.mark.parametrize(("q", "text"), [("人民", "中华人民共和国科学技术普及法"), ("科学", "中国科学技术协会")])
def test_a_word_inside_a_longer_dictionary_word_is_found(client, read_page, published_issue, q, text):
    make.article(published_issue, title="政策解读", body=f"<p>学习{text}。</p>")

    assert found(client, read_page, q) == ["政策解读"]


def test_full_width_letters_and_digits_are_the_ascii_ones(client, read_page, published_issue):
    make.article(published_issue, title="5G网络进山村")

    assert found(client, read_page, "５Ｇ") == ["5G网络进山村"]
    assert found(client, read_page, "5G网络") == ["5G网络进山村"]


def test_every_word_of_the_query_must_occur(client, read_page, library):
    assert found(client, read_page, "赤霉病 党史") == []


def test_latin_words_are_found_whatever_their_case(client, read_page, published_issue):
    make.article(published_issue, title="用 Python 分析气象数据")

    assert found(client, read_page, "python") == ["用 Python 分析气象数据"]
    assert found(client, read_page, "PYTHON") == ["用 Python 分析气象数据"]


def test_title_hits_rank_above_body_hits(client, read_page, published_issue):
    make.article(
        published_issue, title="田间管理要点", body="<p>防治赤霉病要抓住扬花期。</p>", published_at=make.yesterday()
    )
    make.article(
        published_issue,
        title="赤霉病防治指南",
        body="<p>见下文。</p>",
        published_at=make.yesterday() - timedelta(days=30),
    )

    titles = found(client, read_page, "赤霉病")

    assert set(titles) == {"田间管理要点", "赤霉病防治指南"}
    assert titles[0] == "赤霉病防治指南"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite ranks every match: its archives are small")
def test_past_the_ranking_window_the_newest_matches_are_ranked_and_all_are_counted(
    client, read_page, published_issue, monkeypatch
):
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    for day in range(5):
        make.article(
            published_issue,
            title=f"稿件{day}",
            body="<p>赤霉病。</p>",
            published_at=make.yesterday() - timedelta(days=day),
        )
    make.article(published_issue, title="赤霉病旧文", published_at=make.yesterday() - timedelta(days=90))

    page = read_page(client.get(SEARCH, {"q": "赤霉病"}))

    assert "共6篇" in page.text
    assert "最新的3篇" in page.text
    assert found(client, read_page, "赤霉病") == ["稿件0", "稿件1", "稿件2"]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite counts every match: its archives are small")
def test_a_search_expected_to_match_very_many_is_told_about_how_many(client, read_page, published_issue, monkeypatch):
    # The planner expects at least one row of any search: with the limit there, every search is
    # one it would rather estimate than count.
    monkeypatch.setattr(search, "RANK_WINDOW", 1)
    monkeypatch.setattr(search, "COUNT_LIMIT", 1)
    for day in range(3):
        make.article(published_issue, title=f"稿件{day}", body="<p>赤霉病。</p>", published_at=make.yesterday())

    page = read_page(client.get(SEARCH, {"q": "赤霉病"}))

    assert "共约" in page.text and "共3篇" not in page.text
    assert len(found(client, read_page, "赤霉病")) == 1  # the ranking window, as for any large result


@pytest.mark.parametrize(
    ("count", "estimated", "told"),
    [
        (7, False, "7"),
        (53_120, True, "约5.3万"),
        (50_000, True, "约5万"),
        (1_234, True, "约1200"),
        (800, True, "约800"),
    ],
)
def test_an_estimate_is_told_as_chinese_readers_round(count, estimated, told):
    assert str(search.Found(count, estimated)) == told


# What readers never find ----------------------------------------------------------------------------


def test_drafts_scheduled_withdrawn_and_draft_issue_articles_are_never_found(client, read_page, draft_issue):
    make.article(None, title="赤霉病草稿", status=make.DRAFT)
    make.article(None, title="赤霉病审核中", status=make.APPROVED)
    make.article(None, title="赤霉病定时", published_at=timezone.now() + timedelta(days=1))
    make.article(None, title="赤霉病撤稿", status=make.WITHDRAWN, published_at=make.yesterday())
    make.article(draft_issue, title="赤霉病未出版")
    make.news(title="赤霉病已发布")

    assert found(client, read_page, "赤霉病") == ["赤霉病已发布"]


def test_a_pending_revision_is_never_found(client, read_page, newsroom, published_issue):
    live = make.article(published_issue, title="麦田观察", body="<p>长势良好。</p>")
    workflow.start_revision(live, by=newsroom.author, changes={"title": "麦田观察赤霉病", "body": "<p>赤霉病</p>"})

    assert found(client, read_page, "赤霉病") == []
    assert found(client, read_page, "麦田观察") == ["麦田观察"]


# Keeping the index up to date -------------------------------------------------------------------------


def test_an_article_is_found_once_published_without_a_rebuild(
    client, read_page, newsroom, django_capture_on_commit_callbacks
):
    article = newsroom.approved(title="赤霉病防控", body="<p>正文</p>")
    assert found(client, read_page, "赤霉病") == []

    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(article, by=newsroom.chief)

    assert found(client, read_page, "赤霉病") == ["赤霉病防控"]


def test_an_edited_and_republished_article_is_found_by_its_new_text_only(client, read_page, newsroom, published_issue):
    live = make.article(published_issue, title="麦田观察", body="<p>锈病零星发生。</p>", created_by=newsroom.author)
    revision = workflow.start_revision(live, by=newsroom.author, changes={"body": "<p>赤霉病零星发生。</p>"})
    newsroom.review(revision)

    workflow.publish(revision, by=newsroom.chief)

    assert found(client, read_page, "赤霉病") == ["麦田观察"]
    assert found(client, read_page, "锈病") == []


def test_a_withdrawn_article_disappears_from_results(
    client, read_page, newsroom, published_issue, django_capture_on_commit_callbacks
):
    article = make.article(published_issue, title="赤霉病防控")
    assert found(client, read_page, "赤霉病") == ["赤霉病防控"]

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(article, by=newsroom.chief, comment="数据有误")

    assert found(client, read_page, "赤霉病") == []


def test_the_command_rebuilds_the_whole_index(client, read_page, library, django_capture_on_commit_callbacks):
    Article.objects.update(search_title="", search_body="", search_document=None)
    assert found(client, read_page, "赤霉病") == []

    # Run as a command it commits; its cached result pages start over at that commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_search_index", verbosity=0)

    assert found(client, read_page, "赤霉病") == ["小麦丰收有妙招"]
    assert found(client, read_page, "党史学习教育") == ["省科协召开党史学习教育动员大会"]


def test_a_rebuild_rewrites_only_the_rows_whose_text_changed(library, capsys):
    Article.objects.filter(pk=library["party"].pk).update(search_title="", search_body="")

    call_command("rebuild_search_index", verbosity=1)
    call_command("rebuild_search_index", verbosity=1)

    first, second = [line for line in capsys.readouterr().out.splitlines() if "检索文本已全部重建" in line]
    assert "稿件 1 条" in first
    assert "稿件 0 条" in second


@pytest.mark.skipif(not ON_POSTGRESQL, reason="VACUUM and dead rows are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_leaves_no_dead_rows_behind():
    make.migrations_seed()
    issue = make.issue()
    for n in range(3):
        make.article(issue, title=f"赤霉病防治第{n}讲")
    Article.objects.update(search_title="", search_body="", search_document=None)

    call_command("rebuild_search_index", verbosity=0)

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cursor.execute("SELECT dead_tuple_count FROM pgstattuple('bulletin_article')")
        assert cursor.fetchone() == (0,)
    assert Article.objects.filter(search_document__isnull=True).count() == 0


# Filters and pages --------------------------------------------------------------------------------------


def test_filters_narrow_the_results_by_section_year_issue_and_person(client, read_page):
    older = make.issue(year=2025, number=6)
    newer = make.issue(year=2026, number=1)
    news_section = make.section("科协动态")
    field_section = make.section("基层风采")
    author = make.person("郑晓华")
    make.article(older, title="二五年赤霉病", section=news_section)
    make.article(newer, title="二六年赤霉病", section=field_section)
    make.link(make.article(newer, title="郑晓华谈赤霉病", section=news_section), author)

    assert set(found(client, read_page, "赤霉病")) == {"二五年赤霉病", "二六年赤霉病", "郑晓华谈赤霉病"}
    assert found(client, read_page, "赤霉病", year=2025) == ["二五年赤霉病"]
    assert set(found(client, read_page, "赤霉病", year=2026, issue=1)) == {"二六年赤霉病", "郑晓华谈赤霉病"}
    assert found(client, read_page, "赤霉病", year=2026, issue=6) == []
    assert found(client, read_page, "赤霉病", section=field_section.slug) == ["二六年赤霉病"]
    assert found(client, read_page, "赤霉病", person="郑晓华") == ["郑晓华谈赤霉病"]
    assert found(client, read_page, "赤霉病", person=author.slug) == ["郑晓华谈赤霉病"]


def test_the_search_form_stays_small_however_many_issues_and_people_there_are(client, published_issue):
    for number in range(1, 40):
        make.issue(year=2020, number=number)
    for n in range(60):
        make.link(make.article(published_issue, title=f"人物报道{n}"), make.person(f"人物{n}号"))

    page = client.get(reverse("website:search"), {"q": "报道"}).content.decode()

    assert "人物59号" not in page and page.count("<option") < 40


def test_a_section_filter_includes_its_sub_columns(client, read_page, published_issue):
    parent = make.section("学党史 强科技")
    make.article(published_issue, title="赤霉病短波", section=make.section("学教短波", parent=parent))

    assert found(client, read_page, "赤霉病", section=parent.slug) == ["赤霉病短波"]


def test_unknown_filter_values_are_ignored(client, read_page, library):
    assert found(client, read_page, "赤霉病", year="abc", issue="99999999999999999999", section="nope") == [
        "小麦丰收有妙招"
    ]


def test_results_come_twenty_to_a_page_and_pages_keep_the_query(client, read_page, published_issue):
    for i in range(25):
        make.article(published_issue, title=f"赤霉病防治第{i}讲", published_at=make.yesterday() - timedelta(hours=i))

    first = read_page(client.get(SEARCH, {"q": "赤霉病", "year": 2026}))
    second = read_page(client.get(SEARCH, {"q": "赤霉病", "year": 2026, "page": 2}))

    assert len(found(client, read_page, "赤霉病")) == 20
    assert "共25篇" in first.text
    next_link = first.find("a", rel="next").element.get("href")
    assert "q=%E8%B5%A4%E9%9C%89%E7%97%85" in next_link and "page=2" in next_link and "year=2026" in next_link
    assert "第 2 页，共 2 页" in second.text
    assert second.in_order("赤霉病防治第20讲", "赤霉病防治第24讲")


def test_a_page_number_out_of_range_shows_the_last_page(client, read_page, library):
    page = read_page(client.get(SEARCH, {"q": "赤霉病", "page": "999"}))

    assert page.contains("小麦丰收有妙招")


# Snippets ---------------------------------------------------------------------------------------------


def test_snippets_mark_the_terms_and_escape_the_text(client, published_issue):
    make.article(
        published_issue,
        title="病害速报",
        body="<p>" + "前言。" * 40 + "警惕&lt;script&gt;alert(1)&lt;/script&gt;小麦赤霉病蔓延。</p>",
    )

    html = client.get(SEARCH, {"q": "赤霉病"}).content.decode()

    assert "<mark>赤霉病</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "…" in html  # the snippet starts near the hit, not at the long preface


LONG_TEXT = (
    "<p>" + "会议回顾了一年来的工作。" * 60 + '</p><figure><img src="/media/a.jpg" alt="会场"></figure>'
    "<p>" + "与会代表分组讨论。" * 30 + "<strong>小麦赤霉病</strong>防治进入关键期，"
    "专家提醒抓住&nbsp;抽穗扬花期用药。" + "各地农技人员下田指导。" * 80 + "</p>"
)


@pytest.mark.parametrize(
    "q",
    ["赤霉病", "关键期", "抽穗", "农技人员", "工作", "讨论"],
)
def test_a_snippet_cut_from_the_text_around_the_hit_reads_as_one_cut_from_the_whole_text(q):
    query = search.parse_query(q)

    around = search.snippet(query, search.text_around_hit(query, LONG_TEXT))
    whole = search.snippet(query, text_content(LONG_TEXT))

    assert around == whole
    assert f"<mark>{q}</mark>" in around


def test_a_snippet_window_never_shows_the_markup_it_was_cut_from():
    # The hit is a few characters after a long tag: the window starts inside it.
    body = "<p>" + "前言。" * 100 + '<img src="/media/' + "x" * 500 + '.jpg" alt="图">赤霉病来了</p>'
    query = search.parse_query("赤霉病")

    text = search.text_around_hit(query, body)

    assert "<" not in text and ">" not in text and "jpg" not in text
    assert "赤霉病来了" in text


def test_a_term_split_by_markup_is_still_found_for_the_snippet():
    body = "<p>" + "前言。" * 100 + "小麦<em>赤霉</em>病蔓延</p>"
    query = search.parse_query("赤霉病")

    assert "<mark>赤霉病</mark>" in search.snippet(query, search.text_around_hit(query, body))


def test_a_title_hit_is_marked_in_the_title(client, library):
    html = client.get(SEARCH, {"q": "党史"}).content.decode()

    assert "省科协召开<mark>党史</mark>学习教育动员大会" in html


def test_highlight_escapes_everything_but_the_marks():
    query = search.parse_query("<b>")

    assert search.highlight("a <b> c", query) == "a &lt;<mark>b</mark>&gt; c"


# Bad queries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "请输入要查找的字词"),
        ("   ", "请输入要查找的字词"),
        ("，。！？", "没有可以查找的文字"),
        (".*(", "没有可以查找的文字"),
        ("%_\\", "没有可以查找的文字"),
        ("\x00", "请输入要查找的字词"),
    ],
)
def test_a_query_with_nothing_to_search_gets_a_friendly_page(client, read_page, library, q, message):
    page = read_page(client.get(SEARCH, {"q": q}))

    assert page.contains(message)


@pytest.mark.parametrize("q", ["' OR 1=1 --", "a & b | !c <-> d:*", "(赤霉病", "[赤]{2}", "%赤%", "\\"])
def test_sql_and_search_operators_never_cause_an_error(client, q, library):
    response = client.get(SEARCH, {"q": q})

    assert response.status_code == 200
    assert "搜索" in response.content.decode()


def test_sql_in_a_query_is_searched_as_words(client, read_page, library):
    assert found(client, read_page, "赤霉病' OR 1=1 --") == []  # "or" and "1" occur nowhere
    assert found(client, read_page, "赤霉病 --") == ["小麦丰收有妙招"]


def test_the_query_is_echoed_escaped(client):
    html = client.get(SEARCH, {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_very_long_query_is_cut_and_the_page_says_so(client, read_page, library):
    page = read_page(client.get(SEARCH, {"q": "赤霉病" + "啊" * 997}))

    assert page.contains(f"只按前{search.MAX_QUERY_LENGTH}个字查找")


def test_a_long_query_is_searched_by_its_beginning(client, read_page, library):
    assert found(client, read_page, "赤霉病 " + "小麦 " * 300 + "党史") == ["小麦丰收有妙招"]


# People and events ----------------------------------------------------------------------------------------


def test_people_and_events_are_found_with_the_articles(client, read_page, published_issue):
    scientist = make.person("郑晓华", organisation="省农业科学院植物保护研究所", title="研究员")
    make.link(make.article(published_issue, title="赤霉病防治访谈"), scientist)
    make.event(title="小麦赤霉病防控现场会", place="周口市")
    make.event(title="赤霉病草稿活动", status=make.DRAFT)
    make.person("赤霉病专家未公开")

    page = read_page(client.get(SEARCH, {"q": "郑晓华"}))
    assert page.region("人物").contains("郑晓华")

    page = read_page(client.get(SEARCH, {"q": "植物保护"}))
    assert page.region("人物").contains("郑晓华")

    page = read_page(client.get(SEARCH, {"q": "赤霉病"}))
    events = page.region("活动")
    assert events.contains("小麦赤霉病防控现场会")
    assert not events.contains("赤霉病草稿活动")
    assert not page.contains("赤霉病专家未公开")


def test_an_event_is_found_by_its_place(client, read_page):
    make.event(title="科技活动周开幕式", place="郑州科技馆")

    assert read_page(client.get(SEARCH, {"q": "科技馆"})).region("活动").contains("科技活动周开幕式")


def test_a_person_is_found_by_a_word_of_their_bio(client, read_page, published_issue):
    scientist = make.person("郑晓华", bio="<p>长期从事<strong>小麦赤霉病</strong>防控研究。</p>")
    make.link(make.article(published_issue, title="春耕访谈"), scientist)

    assert read_page(client.get(SEARCH, {"q": "赤霉病"})).region("人物").contains("郑晓华")


@pytest.mark.parametrize(
    ("model", "fields", "words"),
    [
        (
            Article,
            {"kicker": "专访：", "body": "<p>防治<em>赤霉病</em>。</p>", "byline": "文_余明"},
            ["专访", "赤霉病", "余明"],
        ),
        (
            Person,
            {
                "name": "郑晓华",
                "title": "党组成员、副主席",
                "organisation": "省农业科学院植物保护研究所",
                "bio": "<p>研究<em>赤霉病</em>。</p>",
            },
            ["郑晓华", "晓华", "副主席", "农业科学院", "植物保护", "赤霉病"],
        ),
        (
            Event,
            {
                "title": "防控现场会",
                "place": "郑州科技馆",
                "organiser": "省植保站",
                "description": "<p>讲解<em>赤霉病</em>。</p>",
            },
            ["现场会", "郑州", "科技馆", "植保站", "赤霉病"],
        ),
    ],
    ids=["article", "person", "event"],
)
def test_articles_people_and_events_are_found_by_the_fields_they_name_for_search(model, fields, words, published_issue):
    create = {Article: lambda **f: make.article(published_issue, **f), Person: make.person, Event: make.event}[model]
    found = create(**fields)

    for word in words:
        assert list(search.matching(model.objects.all(), search.parse_query(word))) == [found], word


# Queries ------------------------------------------------------------------------------------------------


def test_the_search_page_runs_the_same_number_of_queries_however_many_results(client, count_queries, published_issue):
    def add(count):
        for i in range(count):
            article = make.article(published_issue, title=f"赤霉病{i}", byline="文_郑晓华")
            make.photo(article)
            make.link(article, make.person(f"赤霉病研究者{i}"))
            make.event(title=f"赤霉病现场会{i}")

    url = f"{SEARCH}?q=赤霉病"
    add(1)
    small = count_queries(client, url)
    add(30)
    large = count_queries(client, url)

    assert small == large <= 12


def test_the_header_of_every_page_has_a_search_box(client, read_page):
    page = read_page(client.get(reverse("bulletin:home")))

    form = page.find("form", role="search")
    assert form is not None and form.element.get("action") == SEARCH
    assert form.contains("搜索")
