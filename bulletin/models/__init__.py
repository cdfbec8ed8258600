"""The periodical: issues (期), sections (栏目), topics (专题) and articles (稿件).

Public code reads through the querysets' ``public()`` methods only; they are the single
definition of what a reader may see.

Each subject is a module: ``issues``, ``sections`` (and topics), ``articles``, ``links`` (old
addresses and share links), ``planning`` (schedules, assignments and comments), ``contributions`` (units, correspondents, their submissions and fees), ``imports`` (Word files awaiting the editor's check), ``toc`` and
``subscriptions`` (readers' email subscriptions and the issues mailed to them).
Importing them here is what registers the models with Django, and the rest of the project
imports from this package, not from the modules.
"""

# simple-history makes HistoricalArticle in ``articles`` as Article is declared.
from bulletin.models.articles import Article, ArticlePerson, ArticlePhoto, HistoricalArticle
from bulletin.models.contributions import (
    Contributor,
    Fee,
    Submission,
    SubmissionVersion,
    Unit,
    character_count,
    fee_due,
)
from bulletin.models.imports import StagedImport
from bulletin.models.issues import Issue, IssuePrint
from bulletin.models.links import ArticleRedirect, ShareLink
from bulletin.models.planning import Comment, IssueDeadline, ProductionRhythm, ReviewerAssignment
from bulletin.models.sections import Section, Topic
from bulletin.models.subscriptions import Delivery, Subscriber
from bulletin.models.toc import table_of_contents

__all__ = [
    "Article",
    "ArticlePerson",
    "ArticlePhoto",
    "ArticleRedirect",
    "Comment",
    "Contributor",
    "Delivery",
    "Fee",
    "HistoricalArticle",
    "Issue",
    "IssueDeadline",
    "IssuePrint",
    "ProductionRhythm",
    "ReviewerAssignment",
    "Section",
    "ShareLink",
    "StagedImport",
    "Submission",
    "SubmissionVersion",
    "Subscriber",
    "Topic",
    "Unit",
    "character_count",
    "fee_due",
    "table_of_contents",
]
