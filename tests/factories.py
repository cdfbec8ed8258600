"""Test data for the whole suite: plain functions that create saved objects with sensible defaults.

Every argument is optional unless the object makes no sense without it, so a test names only
what it is about:

    issue = make.issue(year=2026, number=2)
    article = make.article(issue, title="读史明理守初心", section=make.section("科协动态"))

Defaults describe content a reader may already see (a published issue, a published article
published yesterday, a published event next week); tests about drafts say so explicitly.
"""

import importlib
import io
import itertools
from datetime import timedelta

import docx as python_docx
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from bulletin.models import Article, ArticlePerson, ArticlePhoto, Contributor, Issue, Section, Topic, Unit
from events.models import Event
from people.models import Person
from publishing.models import PublicationStatus, ReviewStage

PASSWORD = "s3cret-for-tests-only"

PUBLISHED = PublicationStatus.PUBLISHED
DRAFT = PublicationStatus.DRAFT
IN_REVIEW = PublicationStatus.IN_REVIEW
APPROVED = PublicationStatus.APPROVED
WITHDRAWN = PublicationStatus.WITHDRAWN

EDITOR = "编辑"
REVIEWER = "审核"
CHIEF_EDITOR = "主编"
CONTRIBUTORS = "通讯员"

_sequence = itertools.count(1)


def _next():
    return next(_sequence)


def yesterday():
    return timezone.now() - timedelta(days=1)


# Issues, sections, topics, articles -------------------------------------------------------------


def issue(*, year=2026, number=None, running_number=None, status=Issue.Status.PUBLISHED, page_count=48, **fields):
    """An issue; published (with today's release date) unless ``status`` says otherwise."""
    n = _next()
    return Issue.objects.create(
        year=year,
        number=number if number is not None else 100 + n,
        running_number=running_number if running_number is not None else 1000 + n,
        status=status,
        page_count=page_count,
        **fields,
    )


def draft_issue(**fields):
    return issue(status=Issue.Status.DRAFT, **fields)


def section(name="科协动态", *, parent=None, order=None, **fields):
    """The section called ``name``, created if it does not exist yet.

    The migration seeds the five main sections, but transactional tests flush them, so sections
    are looked up by name rather than assumed. ``parent`` and ``order``, when given, are applied
    to an existing section too.
    """
    defaults = {"order": order if order is not None else 100, "parent": parent, **fields}
    obj, created = Section.objects.get_or_create(name=name, defaults=defaults)
    if not created and (parent is not None or order is not None):
        if parent is not None:
            obj.parent = parent
        if order is not None:
            obj.order = order
        obj.save()
    return obj


def default_section():
    return section()


def topic(name=None, **fields):
    return Topic.objects.create(name=name or f"专题{_next()}", **fields)


def article(issue, *, title=None, section=None, status=PUBLISHED, published_at=None, topics=(), **fields):
    """An article in ``issue`` (``None`` for web-only news), published yesterday by default."""
    if published_at is None and status == PUBLISHED:
        published_at = yesterday()
    obj = Article.objects.create(
        issue=issue,
        section=section or default_section(),
        title=title or f"稿件{_next()}",
        status=status,
        published_at=published_at,
        **fields,
    )
    if topics:
        obj.topics.set(topics)
    return obj


def news(**fields):
    """A web-only news item (no issue)."""
    return article(None, **fields)


def tiny_png(name="photo.png", colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def photo(article, *, caption="", alt=None, position=0, credit="", image=None):
    """A photo of ``article``; its alt text describes it as the caption does unless given."""
    return ArticlePhoto.objects.create(
        article=article,
        image=image or tiny_png(),
        alt=(caption or "会场全景") if alt is None else alt,
        caption=caption,
        credit=credit,
        position=position,
    )


TYPICAL_SENTENCES = (
    "为推动科普资源向基层延伸，省科协组织科普大篷车走进山区学校和乡村社区，带去机器人、天文望远镜和互动展品。",
    "活动现场，科技辅导员用通俗的语言讲解小麦赤霉病的防治知识，农民群众纷纷拿出手机记录要点。",
    "不少学生第一次通过望远镜看到月球表面的环形山，兴奋地与同伴讨论宇宙的奥秘。",
    "据介绍，今年以来全省已累计开展各类科普活动一千二百余场，受益群众超过三十万人次。",
    "下一步，省科协将继续完善科普工作机制，推动优质科普资源共建共享，让科学精神在基层落地生根。",
)


def typical_body(paragraphs=9, sentences=3):
    """Rich text of an ordinary feature: about 1,200 Chinese characters with two subheads."""
    sentence = itertools.cycle(TYPICAL_SENTENCES)
    blocks = []
    for n in range(paragraphs):
        if n in (2, 4):
            blocks.append(f"<h2>{'走进课堂' if n == 2 else '扎根基层'}</h2>")
        blocks.append("<p>" + "".join(next(sentence) for _ in range(sentences)) + "</p>")
    return "".join(blocks)


def typical_article(issue, *, photos=3, **fields):
    """An article as most issues print it: kicker, subtitle, byline, summary, about 1,200
    characters of text, ``photos`` captioned photos (800×600), two people and a topic."""
    fields = {
        "kicker": "科普进基层：",
        "title": "科普大篷车开进山区学校",
        "subtitle": "——省科协“科普进万家”活动侧记",
        "byline": "文_省科协科普部 王晓 李可",
        "summary": "科普大篷车走进山区学校和乡村社区，把机器人、天文望远镜和农业科技知识送到群众身边。",
        "body": typical_body(),
        "contributor": "省科协科普部",
        "first_page": 12,
        "last_page": 14,
        "topics": [topic("科普进万家")],
        **fields,
    }
    obj = article(issue, **fields)
    for n in range(photos):
        photo(
            obj,
            image=image_upload(f"photo{n}.jpg", size=(800, 600), colour=(40 + 60 * n, 120, 90)),
            caption=f"科普大篷车活动现场{n + 1}",
            alt=f"学生们围着科普展品观看讲解（第{n + 1}张）",
            credit="张伟",
            position=n,
        )
    link(obj, person("王晓", title="省科协科普部部长"), role=ArticlePerson.Role.AUTHOR)
    link(obj, person("李可"), role=ArticlePerson.Role.AUTHOR, position=1)
    return obj


# Images -----------------------------------------------------------------------------------------

# Where the 2026 photos of the tests were "taken": 34°45′N 113°39′E, Zhengzhou.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (34.0, 45.0, 0.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (113.0, 39.0, 0.0),
}


def camera_exif(*, orientation=None, gps=True):
    """EXIF as a phone writes it: camera, owner, GPS position and, if given, the orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Artist] = "Zhang Wei"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


def image_bytes(format="JPEG", size=(64, 48), *, mode="RGB", colour=(200, 30, 30), noise=False, **save_options):
    """An image file's bytes, made with Pillow: ``format`` is Pillow's name (JPEG, PNG, WEBP, GIF, BMP).

    ``noise=True`` fills it with noise, which compresses badly: for big files and real scan data.
    """
    image = Image.effect_noise(size, 80).convert(mode) if noise else Image.new(mode, size, colour)
    buffer = io.BytesIO()
    image.save(buffer, format=format, **save_options)
    return buffer.getvalue()


def image_upload(name="photo.jpg", content=None, *, content_type="image/jpeg", **image):
    """An uploaded file as a browser sends it: ``content`` bytes, or :func:`image_bytes` of ``image``."""
    return SimpleUploadedFile(name, content if content is not None else image_bytes(**image), content_type=content_type)


# Word files ---------------------------------------------------------------------------------------

NEWS_PARAGRAPHS = (
    "4月16日上午，省科协在郑州召开党史学习教育动员大会，传达学习中央和省委有关会议精神。",
    "会议要求，各级科协组织要把学习成果转化为服务科技工作者的实际行动，推动科普工作走深走实。",
)


DOCX_STYLES = {"Normal", "Default Paragraph Font", "Normal Table", "Title", "Heading 1", "Heading 2", "Caption"}


def docx(
    title="省科协召开党史学习教育动员大会",
    *,
    kicker=None,
    subtitle=None,
    byline=None,
    paragraphs=NEWS_PARAGRAPHS,
    heading=None,
    heading_style="Heading 1",
    table=None,
    image=False,
    caption=None,
    contributor=None,
    title_style="Heading 1",
):
    """A Word document as editors receive them, as bytes.

    In order: kicker, title (in ``title_style``; ``None`` for a plain first line), subtitle,
    byline, the first paragraph, a subhead (``heading``), an image (``image=True`` for a 40×30
    PNG, or an image file's bytes) with its ``caption`` (“图…”), a ``table`` (rows of cells),
    the other paragraphs, the 供稿 line.
    """
    document = python_docx.Document()
    # python-docx's template defines 160 styles (350 KB) that Word files don't carry; parsing
    # them would make each test document several times slower to import.
    for style in list(document.styles):
        if style.name not in DOCX_STYLES:
            style.delete()
    if kicker:
        document.add_paragraph(kicker)
    if title:
        document.add_paragraph(title, style=title_style)
    for line in (subtitle, byline):
        if line:
            document.add_paragraph(line)
    paragraphs = list(paragraphs)
    if paragraphs:
        document.add_paragraph(paragraphs[0])
    if heading:
        document.add_paragraph(heading, style=heading_style)
    if image:
        content = image_bytes("PNG", size=(40, 30)) if image is True else image
        document.add_picture(io.BytesIO(content))
        if caption:
            document.add_paragraph(caption)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    if contributor:
        document.add_paragraph(contributor)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_upload(name="稿件.docx", content=None, **document):
    """A Word file as the admin receives it: ``content`` bytes, or a :func:`docx` made of ``document``."""
    return SimpleUploadedFile(name, content if content is not None else docx(**document))


# People and events ------------------------------------------------------------------------------


def person(name=None, **fields):
    return Person.objects.create(name=name or f"人物{_next()}", **fields)


def link(article, person, *, role=ArticlePerson.Role.AUTHOR, printed_title="", position=0):
    """Put ``person`` in ``article`` with a role (作者, 报道对象, 提及)."""
    return ArticlePerson.objects.create(
        article=article, person=person, role=role, printed_title=printed_title, position=position
    )


def event(*, title=None, start_date=None, status=PUBLISHED, articles=(), people=(), **fields):
    """An event, published and starting a week from today unless told otherwise."""
    obj = Event.objects.create(
        title=title or f"活动{_next()}",
        start_date=start_date or timezone.localdate() + timedelta(days=7),
        status=status,
        **fields,
    )
    if articles:
        obj.articles.set(articles)
    if people:
        obj.people.set(people)
    return obj


# Users ------------------------------------------------------------------------------------------


def group(name):
    """The group ``name``; a role group is recreated with the migrations' grants if a flush removed it."""
    obj, created = Group.objects.get_or_create(name=name)
    if created:
        roles = importlib.import_module("bulletin.migrations.0002_sections_and_roles").ROLES
        for (app_label, model), action in roles.get(name, []):
            obj.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}"))
        grants = importlib.import_module("bulletin.migrations.0005_review_stages_and_permissions").GRANTS
        for app_label, codename in grants.get(name, []):
            obj.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        if name == CHIEF_EDITOR:
            # Granted on the review models, which have moved to the publishing app since.
            for codename in importlib.import_module("bulletin.migrations.0007_chief_manages_review").GRANTS:
                obj.permissions.add(Permission.objects.get(content_type__app_label="publishing", codename=codename))
            for codename in importlib.import_module("bulletin.migrations.0024_chief_assigns_work").GRANTS:
                obj.permissions.add(Permission.objects.get(content_type__app_label="bulletin", codename=codename))
        for codename in importlib.import_module("bulletin.migrations.0026_contributor_role").GRANTS.get(name, []):
            obj.permissions.add(Permission.objects.get(content_type__app_label="bulletin", codename=codename))
    return obj


def user(username=None, *, groups=(), is_staff=False, is_superuser=False, email=""):
    """A user whose password is ``PASSWORD``, member of the named groups."""
    obj = get_user_model().objects.create_user(
        username=username or f"user{_next()}",
        password=PASSWORD,
        email=email,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
    )
    for name in groups:
        obj.groups.add(group(name))
    return obj


def staff(role=EDITOR, username=None, *, email=""):
    """A staff user in one of the role groups (编辑, 审核, 主编)."""
    return user(username, groups=[role], is_staff=True, email=email)


def editor(username=None, *, email=""):
    return staff(EDITOR, username, email=email)


def reviewer(username=None, *, email=""):
    return staff(REVIEWER, username, email=email)


def chief(username=None, *, email=""):
    return staff(CHIEF_EDITOR, username, email=email)


def superuser(username=None, *, email=""):
    return user(username, is_superuser=True, email=email)


def named(user, family_name, given_name):
    """Give ``user`` a Chinese name; pages print it family name first (“王芳”)."""
    user.last_name, user.first_name = family_name, given_name
    user.save(update_fields=["last_name", "first_name"])
    return user


def unit(name=None, **fields):
    """A unit that sends in pieces (供稿单位)."""
    return Unit.objects.get_or_create(name=name or f"第{_next()}市科协", defaults=fields)[0]


def contributor(email=None, *, unit_name="南州市科协", name="王明", status=Contributor.Status.APPROVED):
    """A correspondent (通讯员) of ``unit_name``, signed in with ``email`` and ``PASSWORD``."""
    email = email or f"tongxunyuan{_next()}@unit.example"
    obj = user(email, groups=[CONTRIBUTORS], email=email)
    obj.first_name = name
    obj.save(update_fields=["first_name"])
    Contributor.objects.create(user=obj, unit=unit(unit_name), status=status)
    return obj


def staff_without_role(username=None):
    """A staff user in no group: may log in to the admin but take no part in the workflow."""
    return user(username, is_staff=True)


# Review -----------------------------------------------------------------------------------------


def review_stages():
    """初审, 复审, 终审 in order, as the migration seeds them (recreated if a flush removed them)."""
    stages = importlib.import_module("bulletin.migrations.0005_review_stages_and_permissions").STAGES
    for name, order, role in stages:
        ReviewStage.objects.get_or_create(name=name, defaults={"order": order, "group": group(role)})
    return list(ReviewStage.objects.order_by("order"))


def migrations_seed():
    """What the migrations seed, the five main sections, the role groups (通讯员 too) and the review stages,
    recreated where a transactional test's flush removed them."""
    seeding = importlib.import_module("bulletin.migrations.0002_sections_and_roles")
    for name, slug, order, description in seeding.SECTIONS:
        section(name, order=order, slug=slug, description=description)
    for role in seeding.ROLES:
        group(role)
    group(CONTRIBUTORS)
    review_stages()


def stage(name):
    """The review stage called ``name`` (初审, 复审 or 终审)."""
    review_stages()
    return ReviewStage.objects.get(name=name)


def draft(issue=None, *, by, **fields):
    """A draft article written by ``by`` (its creator and last editor); web-only unless ``issue``."""
    return article(issue, status=DRAFT, created_by=by, updated_by=by, **fields)


def in_review(issue=None, *, at, by, **fields):
    """An article written by ``by`` waiting at the review stage named ``at``, set directly in the database."""
    return article(
        issue,
        status=IN_REVIEW,
        review_stage=stage(at),
        stage_entered_at=timezone.now(),
        created_by=by,
        updated_by=by,
        **fields,
    )


# What the admin forms post ----------------------------------------------------------------------


def _management_form(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def issue_form(**fields):
    """The admin's 'add issue' form for 2026年第2期（总第122期）, with an empty articles inline and
    its schedule left to the rhythm."""
    data = {
        "year": "2026",
        "number": "2",
        "running_number": "122",
        "theme": "",
        "status": "draft",
        "released_on": "",
        "cover_caption": "",
        "page_count": "48",
        "copy_deadline": "",
        "to_printer_on": "",
        "planned_release_on": "",
        **_management_form("deadlines"),
        **_management_form("articles"),
        "_save": "保存",
    }
    data.update(fields)
    return data


def article_form(*, section, people=(), **fields):
    """The admin's 'add article' form: a draft in ``section``, with ``people`` as (person, role) rows."""
    data = {
        "issue": "",
        "section": str(section.pk),
        "kicker": "",
        "title": "读史明理守初心 科技为民勇担当",
        "subtitle": "",
        "slug": "",
        "byline": "",
        "contributor": "",
        "summary": "",
        "body": "<p>正文</p>",
        "first_page": "",
        "last_page": "",
        "position": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        **_management_form("person_links", total=len(people)),
        **_management_form("photos"),
        "_save": "保存",
    }
    for i, (person, role) in enumerate(people):
        data.update(
            {
                f"person_links-{i}-person": str(person.pk),
                f"person_links-{i}-role": role,
                f"person_links-{i}-printed_title": "",
                f"person_links-{i}-position": str(i),
            }
        )
    data.update(fields)
    return data
