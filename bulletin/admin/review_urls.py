"""The reviewers' admin pages, mounted at /admin/review/ ahead of the admin site itself."""

from django.contrib import admin
from django.urls import path

from bulletin.admin import review as views

app_name = "review"

# admin_view: staff only, logged in, never cached, CSRF-protected, like the admin's own pages.
staff_only = admin.site.admin_view

urlpatterns = [
    path("queue/", staff_only(views.ReviewQueueView.as_view()), name="queue"),
    path("mine/", staff_only(views.MyArticlesView.as_view()), name="mine"),
    path("board/", staff_only(views.current_board), name="current-board"),
    path("issues/<int:pk>/board/", staff_only(views.IssueBoardView.as_view()), name="issue-board"),
    path("articles/<int:pk>/diff/", staff_only(views.ArticleDiffView.as_view()), name="article-diff"),
    path("articles/<int:pk>/record/", staff_only(views.ReviewRecordView.as_view()), name="review-record"),
    path("articles/<int:pk>/record.pdf", staff_only(views.ReviewRecordPdfView.as_view()), name="review-record-pdf"),
    path("articles/<int:pk>/share/", staff_only(views.ShareLinksView.as_view()), name="share-links"),
    path("articles/<int:pk>/share/new/", staff_only(views.create_share_link), name="share-link-create"),
    path(
        "articles/<int:pk>/share/<int:link_pk>/revoke/",
        staff_only(views.revoke_share_link),
        name="share-link-revoke",
    ),
]
