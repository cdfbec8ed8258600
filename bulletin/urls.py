from django.urls import path

from bulletin import feeds, views

app_name = "bulletin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feeds/rss/", feeds.ArticleFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.ArticleAtomFeed(), name="feed-atom"),
    path("issues/", views.IssueArchiveView.as_view(), name="issue-archive"),
    path("issues/<int:year>/<int:number>/", views.IssueDetailView.as_view(), name="issue-detail"),
    path("issues/<int:year>/<int:number>/pdf/", views.IssuePdfView.as_view(), name="issue-pdf"),
    path("issues/<int:year>/<int:number>/feed/rss/", feeds.IssueFeed(), name="issue-feed-rss"),
    path("issues/<int:year>/<int:number>/feed/atom/", feeds.IssueAtomFeed(), name="issue-feed-atom"),
    path("issues/<int:year>/<int:number>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("news/", views.NewsListView.as_view(), name="news-list"),
    path("news/<slug:slug>/", views.NewsDetailView.as_view(), name="news-detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("sections/<slug:slug>/feed/rss/", feeds.SectionFeed(), name="section-feed-rss"),
    path("sections/<slug:slug>/feed/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview-article"),
    path("preview/shared/<str:token>/", views.SharedPreviewView.as_view(), name="shared-preview"),
]
