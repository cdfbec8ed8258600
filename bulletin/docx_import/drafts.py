"""Creating drafts: one article per imported file, in one transaction, its authors linked to the
people of the same name and its images saved as photos.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction

from bulletin.docx_import.reading import read_all
from bulletin.models import Article, ArticlePerson, ArticlePhoto
from people.models import Person
from publishing import uploads


@dataclass
class UnmatchedAuthor:
    name: str
    candidates: int  # people of that name already entered: 0, or several to choose from

    @property
    def reason(self):
        return "人物库中没有此人" if self.candidates == 0 else f"人物库中有 {self.candidates} 位同名者"


@dataclass
class ImportResult:
    """A draft created from one file, and what was recognised in it, for the editor to check."""

    file_name: str
    article: Article
    title: str
    subtitle: str
    kicker: str
    byline: str
    byline_rule: str
    affiliation: str
    authors_linked: list  # Person, in byline order
    authors_unmatched: list  # UnmatchedAuthor, in byline order
    contributor: str
    paragraph_count: int
    photo_count: int
    warnings: list


def import_articles(files, *, issue, section, by):
    """Turn Word files into draft articles of ``issue`` (None for web-only news) in ``section``.

    Every file is read first; if any cannot be imported, :class:`DocxImportError` names each
    bad file and nothing is created. Otherwise one draft per file is created in one transaction,
    after the articles already in that section, in the order given.
    """
    return create_drafts(read_all(files), issue=issue, section=section, by=by)


def create_drafts(imported, *, issue, section, by):
    """Create one draft per :class:`ImportedArticle`, with its authors and photos."""
    with uploads.removed_on_failure() as saved_files, transaction.atomic():
        return _create_drafts(imported, issue=issue, section=section, by=by, saved_files=saved_files)


def _create_drafts(imported, *, issue, section, by, saved_files):
    people = _people_named({name for item in imported for name in item.author_names})
    results = []
    for item in imported:
        article = Article(
            issue=issue,
            section=section,
            kicker=item.kicker,
            title=item.title,
            subtitle=item.subtitle,
            byline=item.byline,
            contributor=item.contributor,
            body=item.body,
            created_by=by,
            updated_by=by,
        )
        article._history_user = by  # simple-history's record of who created it
        article.save()  # at the end of its section, after those imported before it

        linked, unmatched = [], []
        for name in item.author_names:
            matches = people.get(name, [])
            if len(matches) == 1:
                linked.append(matches[0])
            else:
                unmatched.append(UnmatchedAuthor(name=name, candidates=len(matches)))
        ArticlePerson.objects.bulk_create(
            ArticlePerson(
                article=article,
                person=person,
                role=ArticlePerson.Role.AUTHOR,
                printed_title=item.author_title,
                position=n,
            )
            for n, person in enumerate(linked)
        )
        for n, photo in enumerate(item.photos):
            # The caption is a first description; the admin asks for a better one if there is none.
            row = ArticlePhoto(
                article=article, alt=photo.caption, caption=photo.caption, credit=photo.credit, position=n
            )
            row.image.save(f"{article.slug or 'photo'}-{n + 1}.{photo.extension}", ContentFile(photo.content))
            saved_files.append((row.image.storage, row.image.name))

        results.append(
            ImportResult(
                file_name=item.file_name,
                article=article,
                title=item.title,
                subtitle=item.subtitle,
                kicker=item.kicker,
                byline=item.byline,
                byline_rule=item.byline_rule,
                affiliation=item.affiliation,
                authors_linked=linked,
                authors_unmatched=unmatched,
                contributor=item.contributor,
                paragraph_count=item.paragraph_count,
                photo_count=len(item.photos),
                warnings=item.warnings,
            )
        )
    return results


def _people_named(names):
    found = {}
    for person in Person.objects.filter(name__in=names).order_by("pk"):
        found.setdefault(person.name, []).append(person)
    return found
