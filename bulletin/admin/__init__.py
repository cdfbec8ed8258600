"""The periodical's admin, one module per subject.

``workflow`` holds what the content admins share (events and people use it too), ``issues``,
``sections``, ``articles``, ``contributions`` and ``subscriptions`` register their models, ``actions`` are the
POST-only views behind their buttons, ``wechat`` an article's page for pasting into the official
account's editor, and ``review`` the reviewers' pages mounted by ``review_urls``. Django imports this package at start-up; importing the modules here is what
registers their admins.
"""

from django.conf import settings
from django.contrib import admin
from django_tasks_db.models import DBTaskResult

# Imported for their @admin.register.
from bulletin.admin import articles, contributions, issues, sections, subscriptions  # noqa: F401

# The task queue (django-tasks-db) is the worker's business: a print build reports its outcome on
# its issue's page and failures are logged, so editors are not shown the raw queue.
admin.site.unregister(DBTaskResult)

admin.site.site_header = f"{settings.PERIODICAL_NAME} 编辑部"
admin.site.site_title = f"{settings.PERIODICAL_NAME} 编辑部"
admin.site.index_title = "稿件与期刊管理"
# The list of every model beside each page took a quarter of a laptop's width from the article
# list; the home page and the breadcrumbs lead everywhere it did.
admin.site.enable_nav_sidebar = False
