from django.urls import path

from bulletin import views

app_name = "bulletin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("issues/", views.IssueArchiveView.as_view(), name="issue-archive"),
    path("issues/<int:year>/<int:number>/", views.IssueDetailView.as_view(), name="issue-detail"),
    path("issues/<int:year>/<int:number>/<slug:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("news/", views.NewsListView.as_view(), name="news-list"),
    path("news/<slug:slug>/", views.NewsDetailView.as_view(), name="news-detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("preview/articles/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview-article"),
    path("preview/shared/<str:token>/", views.SharedPreviewView.as_view(), name="shared-preview"),
]
