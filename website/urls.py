from django.urls import path

from publishing.pagecache import LISTINGS, cached
from website import views, wechat

app_name = "website"

# Search reads its terms and the fields of bulletin.filters.ArticleSearchFilter.
SEARCH_PARAMETERS = ("q", "section", "year", "issue", "person", "page")

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("site.webmanifest", views.web_manifest, name="web-manifest"),
    path("search/", cached(views.SearchView.as_view(), lists={LISTINGS}, reads=SEARCH_PARAMETERS), name="search"),
    # Signed per address and moment for the share script, never with a cached page (website.wechat).
    path("wechat/jssdk/", wechat.jssdk, name="wechat-jssdk"),
    path("MP_verify_<str:code>.txt", wechat.domain_verification, name="wechat-domain-verification"),
]
