"""Writes the demo content (:mod:`website.demo.content`) to the database.

Every row is found by its natural key, so a second run updates rows in place and creates nothing new.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bulletin import workflow
from bulletin.models import (
    Article,
    ArticlePerson,
    ArticlePhoto,
    Contributor,
    Issue,
    IssueDeadline,
    Section,
    Submission,
    Topic,
    Unit,
)
from events.models import Event
from people.models import Person
from publishing.models import PublicationStatus, ReviewStage
from publishing.slugs import pinyin_slug
from website.demo import content, pictures

PUBLISHED = PublicationStatus.PUBLISHED


@transaction.atomic
def load(*, today=None):
    """Create or update all demo content and the demo users; return the logins.

    Idempotent: every row is looked up by its natural key, so a second run updates in place.
    Demo passwords are reset on every run. Returns ``[(role, username, password), …]``.
    """
    today = today or timezone.localdate()
    data = content.read()
    users = _load_users(data.users)
    context = {
        "sections": load_sections(data.subsections),
        "topics": load_topics(data.topics),
        "people": _load_people(data.people),
        "users": users,
    }
    articles = {}
    for spec in data.issues.values():
        issue = _load_issue(spec)
        if "schedule" in spec:
            _plan(issue, spec["schedule"], today)
        articles |= _load_articles(spec["articles"], issue=issue, **context)
    articles |= _load_articles(data.news, issue=None, **context)
    _load_events(data.events, today, people=context["people"], articles=articles)
    _load_contributions(data, users=users)
    return [(spec["role"], spec["username"], spec["password"]) for spec in data.users] + [
        ("通讯员", spec["email"], spec["password"]) for spec in data.contributors
    ]


def load_sections(subsections):
    """Write the sub-sections; return every section by name, the migrations' own included."""
    for spec in subsections:
        parent = spec.get("parent")
        Section.objects.update_or_create(
            name=spec["name"],
            defaults={
                "parent": Section.objects.get(name=parent) if parent else None,
                "order": spec["order"],
                "description": spec["description"],
            },
        )
    return {section.name: section for section in Section.objects.all()}


def load_topics(topics):
    """Write the topics, given as ``{name: description}``; return them by name."""
    return {
        name: Topic.objects.update_or_create(name=name, defaults={"description": description})[0]
        for name, description in topics.items()
    }


def _load_users(specs):
    User = get_user_model()
    users = {}
    for spec in specs:
        superuser = spec.get("superuser", False)
        user, _ = User.objects.update_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": f"{spec['username']}@example.org",
                "is_active": True,
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        password_validation.validate_password(spec["password"], user)
        user.set_password(spec["password"])
        user.save(update_fields=["password"])
        user.groups.set([] if superuser else [Group.objects.get(name=spec["group"])])
        users[spec["username"]] = user
    return users


def _load_contributions(data, *, users):
    """The units, their correspondents and their submissions, each sent in and answered through
    the workflow, as the portal and the office would."""
    units = {
        spec["name"]: Unit.objects.update_or_create(name=spec["name"], defaults={"kind": spec["kind"], "active": True})[
            0
        ]
        for spec in data.units
    }
    accounts = {}
    for spec in data.contributors:
        user, _ = get_user_model().objects.update_or_create(
            username=spec["email"],
            defaults={"email": spec["email"], "first_name": spec["name"], "is_active": True, "is_staff": False},
        )
        password_validation.validate_password(spec["password"], user)
        user.set_password(spec["password"])
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=workflow.CONTRIBUTORS)])
        Contributor.objects.update_or_create(
            user=user, defaults={"unit": units[spec["unit"]], "status": Contributor.Status.APPROVED}
        )
        accounts[spec["email"]] = user
    for spec in data.submissions:
        by = accounts[spec["contributor"]]
        if "article" in spec:
            article = Article.objects.originals().get(title=spec["article"])
            if not Submission.objects.filter(article=article).exists():
                workflow.record_submission(article, by=by, section=article.section, note=spec.get("note", ""))
            continue
        if Submission.objects.filter(contributor=by, article__title=spec["title"]).exists():
            continue
        submission = workflow.submit_piece(
            by=by,
            title=spec["title"],
            body=spec["body"],
            section=Section.objects.get(name=spec["section"]),
            byline=spec.get("byline", ""),
            note=spec.get("note", ""),
        )
        office = users["editor"]
        if "returned" in spec:
            workflow.return_to_contributor(submission, by=office, comment=spec["returned"])
        if "declined" in spec:
            workflow.decline(submission, by=office, reason=spec["declined"])
        if "issue" in spec:
            article = submission.article
            article.issue = Issue.objects.get(year=spec["issue"][0], number=spec["issue"][1])
            article.save()
            _assign(article, {"editor": "editor"}, users)
            _review(article, until=PublicationStatus.APPROVED, users=users)
        if spec.get("proof"):
            workflow.send_proof(submission, by=office)


def _load_people(specs):
    people = {}
    for key, spec in specs.items():
        people[key], _ = Person.objects.update_or_create(
            name=spec["name"],
            organisation=spec["organisation"],
            defaults={"title": spec["title"], "bio": spec["bio"]},
        )
    return people


def _load_issue(spec):
    status = Issue.Status(spec["status"])
    released_on = spec.get("released_on")
    issue, _ = Issue.objects.update_or_create(
        year=spec["year"],
        number=spec["number"],
        defaults={
            "running_number": spec["running_number"],
            "status": status,
            "released_on": released_on,
            "page_count": spec["page_count"],
            "theme": spec["theme"],
            "cover_caption": spec.get("cover_caption", ""),
            "published_at": (
                timezone.make_aware(datetime.combine(released_on, time(9, 0)))
                if status == Issue.Status.PUBLISHED
                else None
            ),
        },
    )
    if "cover" in spec and not _stored(issue.cover_image):
        picture = pictures.landscape((600, 848), spec["cover"], seed=issue.running_number)
        issue.cover_image.save(f"demo-cover-{issue.year}-{issue.number}.jpg", ContentFile(picture), save=True)
    return issue


def _load_articles(specs, *, issue, sections, topics, people, users):
    """Write one issue's articles (or the web-only news); return them by their ``ref``.

    Published and draft articles are written as they are; one waiting for review or approved
    is created as a draft and taken there through the workflow, so its review record is real.
    """
    editor = users["editor"]
    refs, positions, slugs = {}, defaultdict(int), set()
    for spec in specs:
        # Articles are found again by their title's slug, so two titles must not read alike.
        slug = pinyin_slug(spec["title"])
        if slug in slugs:
            raise ValueError(f"两篇演示稿件的网址名相同：{slug}")
        slugs.add(slug)
        section = sections[spec["section"]]
        positions[section] += 1
        status = PublicationStatus(spec.get("status", PUBLISHED))
        written_as_is = status in (PUBLISHED, PublicationStatus.DRAFT)
        first_page, last_page = spec.get("pages", (None, None))
        fields = {
            "section": section,
            "kicker": spec.get("kicker", ""),
            "title": spec["title"],
            "subtitle": spec.get("subtitle", ""),
            "summary": spec.get("summary", ""),
            "body": spec["body"],
            "byline": spec.get("byline", ""),
            "contributor": spec.get("contributor", ""),
            "first_page": first_page,
            "last_page": last_page,
            "position": positions[section],
            "updated_by": editor,
        }
        state = {"status": status, "published_at": _published_at(spec, issue) if status == PUBLISHED else None}
        article, created = Article.objects.update_or_create(
            issue=issue,
            slug=slug,
            defaults=fields | (state if written_as_is else {}),
            create_defaults=fields | {"created_by": editor} | (state if written_as_is else {}),
        )
        if created and not written_as_is:
            _review(article, until=status, users=users)
        _assign(article, spec, users)
        _comment(article, spec.get("comments", ()), users)
        kept = []
        for position, (key, role, printed_title) in enumerate(spec["people"], start=1):
            link, _ = ArticlePerson.objects.update_or_create(
                article=article,
                person=people[key],
                role=role,
                defaults={"printed_title": printed_title, "position": position},
            )
            kept.append(link.pk)
        article.person_links.exclude(pk__in=kept).delete()
        article.topics.set([topics[name] for name in spec.get("topics", ())])
        _load_photos(article, spec["photos"])
        if "ref" in spec:
            refs[spec["ref"]] = article
    return refs


def _review(article, *, until, users):
    workflow.submit(article, by=users["editor"])
    if until == PublicationStatus.APPROVED:
        workflow.approve(article, by=users["reviewer"], comment="事实核对无误，同意。")
        workflow.approve(article, by=users["reviewer2"], comment="文字通顺，同意送终审。")
        workflow.approve(article, by=users["chief"], comment="同意刊发。")


def _plan(issue, schedule, today):
    """Date the issue's schedule ``schedule`` days from ``today``, so that the demo always shows an
    issue in the making with one step already behind."""
    Issue.objects.filter(pk=issue.pk).update(
        **{name: _day(schedule[name], today) for name in ("copy_deadline", "to_printer_on", "planned_release_on")}
    )
    for name, days in schedule["stages"].items():
        IssueDeadline.objects.update_or_create(
            issue=issue, stage=ReviewStage.objects.get(name=name), defaults={"due_on": _day(days, today)}
        )
    issue.refresh_from_db()


def _assign(article, spec, users):
    """The responsible editor and the named reviewers, handed out by the editor-in-chief as the
    office would, so that the log and the notifications are real; once only."""
    chief = users["chief"]
    if "editor" in spec and article.editor_id != users[spec["editor"]].pk:
        workflow.assign_editor(article, editor=users[spec["editor"]], by=chief, seen_editor_id=article.editor_id)
    for stage_name, username in spec.get("reviewers", {}).items():
        stage = ReviewStage.objects.get(name=stage_name)
        named = article.reviewer_assignments.filter(stage=stage).values_list("reviewer_id", flat=True).first()
        if named != users[username].pk:
            workflow.assign_reviewer(article, stage=stage, reviewer=users[username], by=chief, seen_reviewer_id=named)


def _comment(article, specs, users):
    """The comments (批注) and their replies, each written once."""
    for spec in specs:
        thread = article.comments.filter(parent=None, author=users[spec["by"]], text=spec["text"]).first()
        if thread is None:
            thread = workflow.add_comment(article, by=users[spec["by"]], text=spec["text"], quote=spec.get("quote", ""))
        for reply in spec.get("replies", ()):
            if not thread.replies.filter(author=users[reply["by"]], text=reply["text"]).exists():
                workflow.reply(thread, by=users[reply["by"]], text=reply["text"])
        if "resolved_by" in spec and thread.resolved_at is None:
            thread.refresh_from_db()
            last = thread.replies.order_by("-created_at", "-pk").values_list("pk", flat=True).first() or thread.pk
            workflow.resolve(thread, by=users[spec["resolved_by"]], seen_last_id=last)


def _published_at(spec, issue):
    moment = spec["published_at"] if issue is None else datetime.combine(issue.released_on, time(9, 0))
    return timezone.make_aware(moment)


def _load_photos(article, photos):
    for position, (caption, palette) in enumerate(photos, start=1):
        photo = article.photos.filter(position=position).first() or ArticlePhoto(article=article, position=position)
        photo.caption = photo.alt = caption
        if not _stored(photo.image):
            picture = pictures.landscape((900, 600), palette, seed=article.pk * 10 + position)
            photo.image.save(f"demo-{article.pk}-{position}.jpg", ContentFile(picture), save=False)
        photo.save()


def _load_events(specs, today, *, people, articles):
    for spec in specs:
        event, _ = Event.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "start_date": _day(spec["start_date"], today),
                "end_date": _day(spec.get("end_date"), today),
                "start_time": spec.get("start_time"),
                "end_time": spec.get("end_time"),
                "place": spec["place"],
                "organiser": spec["organiser"],
                "description": spec["description"],
                "status": PublicationStatus(spec.get("status", PUBLISHED)),
            },
        )
        event.people.set([people[key] for key in spec.get("people", ())])
        event.articles.set([articles[ref] for ref in spec.get("articles", ())])


def _day(value, today):
    """A fixed date, or ``value`` days from ``today``."""
    if value is None or isinstance(value, date):
        return value
    return today + timedelta(days=value)


def _stored(file):
    return bool(file) and file.storage.exists(file.name)
