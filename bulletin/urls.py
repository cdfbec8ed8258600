from django.urls import path

from bulletin import feeds, subscription_views, views
from publishing.pagecache import LISTINGS, PAGED, cached

app_name = "bulletin"

urlpatterns = [
    path("", cached(views.HomeView.as_view(), lists={LISTINGS}), name="home"),
    path("feeds/rss/", cached(feeds.ArticleFeed(), lists={LISTINGS}), name="feed-rss"),
    path("feeds/atom/", cached(feeds.ArticleAtomFeed(), lists={LISTINGS}), name="feed-atom"),
    path("issues/", cached(views.IssueArchiveView.as_view(), lists={LISTINGS}), name="issue-archive"),
    path("issues/<int:year>/<int:number>/", cached(views.IssueDetailView.as_view()), name="issue-detail"),
    path("issues/<int:year>/<int:number>/pdf/", views.IssuePdfView.as_view(), name="issue-pdf"),
    path("issues/<int:year>/<int:number>/feed/rss/", cached(feeds.IssueFeed()), name="issue-feed-rss"),
    path("issues/<int:year>/<int:number>/feed/atom/", cached(feeds.IssueAtomFeed()), name="issue-feed-atom"),
    path(
        "issues/<int:year>/<int:number>/<slug:slug>/",
        cached(views.ArticleDetailView.as_view()),
        name="article-detail",
    ),
    path("articles/<int:pk>/qr.svg", cached(views.article_qr_code), name="article-qr-code"),
    path("news/", cached(views.NewsListView.as_view(), lists={LISTINGS}, reads=PAGED), name="news-list"),
    path("news/<slug:slug>/", cached(views.NewsDetailView.as_view()), name="news-detail"),
    path("sections/<slug:slug>/", cached(views.SectionDetailView.as_view(), reads=PAGED), name="section-detail"),
    path("sections/<slug:slug>/feed/rss/", cached(feeds.SectionFeed()), name="section-feed-rss"),
    path("sections/<slug:slug>/feed/atom/", cached(feeds.SectionAtomFeed()), name="section-feed-atom"),
    path("topics/<slug:slug>/", cached(views.TopicDetailView.as_view(), reads=PAGED), name="topic-detail"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview-article"),
    path("preview/shared/<str:token>/", views.SharedPreviewView.as_view(), name="shared-preview"),
    path("subscribe/", subscription_views.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/sent/", subscription_views.SubscriptionSentView.as_view(), name="subscription-sent"),
    path("subscribe/confirm/<str:token>/", subscription_views.ConfirmView.as_view(), name="subscription-confirm"),
    path("unsubscribe/<str:token>/", subscription_views.UnsubscribeView.as_view(), name="unsubscribe"),
]
