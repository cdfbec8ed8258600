from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from bulletin.views import media_file
from config import health
from publishing import editor_uploads
from publishing.desk.views import calendar_feed
from publishing.pagecache import LISTINGS, cached
from website import api
from website.sitemaps import SITEMAPS
from website.views import RobotsView

# django_ckeditor_5's own URLs are left out: its upload view lets any staff member store any
# Pillow-readable file, metadata and all, under the uploader's file name at the media root. The
# editor posts to ours instead (settings.CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME).
urlpatterns = [
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
    # The admin's address comes from the environment (settings.ADMIN_URL).
    path(f"{settings.ADMIN_URL}review/", include("bulletin.admin.review_urls")),
    path(f"{settings.ADMIN_URL}desk/", include("publishing.desk.urls")),
    # Outside the admin: calendar programs fetch it with the private token and no session.
    path("desk-calendar/<str:token>.ics", calendar_feed, name="desk-calendar-feed"),
    path(f"{settings.ADMIN_URL}editor/images/", editor_uploads.upload_image, name="editor-image-upload"),
    path(settings.ADMIN_URL, admin.site.urls),
    # django.contrib.sitemaps pages a long sitemap with ?p=.
    path("sitemap.xml", cached(sitemap, lists={LISTINGS}, reads=("p",)), {"sitemaps": SITEMAPS}, name="sitemap"),
    # nginx serves what readers may see straight from the public tree; the rest is asked of the app.
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<name>.+)$", media_file, name="media"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("api/v1/", api.urls),
    # Contributors' own pages, never cached (bulletin.portal).
    path("contribute/", include("bulletin.portal.urls")),
    path("people/", include("people.urls")),
    path("events/", include("events.urls")),
    path("", include("website.urls")),
    path("", include("bulletin.urls")),
]
