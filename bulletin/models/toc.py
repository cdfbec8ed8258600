"""The table of contents as printed: articles grouped under their sections."""

from dataclasses import dataclass, field

from bulletin.models.sections import Section


@dataclass
class TocGroup:
    section: Section
    articles: list = field(default_factory=list)

    @property
    def is_subcolumn(self):
        return self.section.parent_id is not None


def table_of_contents(articles):
    """Group articles, given in TOC order, under their sections as the printed contents does.

    A sub-column whose parent has no articles of its own still gets the parent's heading.
    """
    groups = {}
    for article in articles:
        section = article.section
        if section.pk not in groups:
            if section.parent_id and section.parent_id not in groups:
                groups[section.parent_id] = TocGroup(section.parent)
            groups[section.pk] = TocGroup(section)
        groups[section.pk].articles.append(article)
    return list(groups.values())
