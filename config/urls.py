from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from bulletin import editor_uploads

# django_ckeditor_5's own URLs are left out: its upload view lets any staff member store any
# Pillow-readable file, metadata and all, under the uploader's file name at the media root. The
# editor posts to ours instead (settings.CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME).
urlpatterns = [
    path("admin/review/", include("bulletin.review_urls")),
    path("admin/editor/images/", editor_uploads.upload_image, name="editor-image-upload"),
    path("admin/", admin.site.urls),
    path("people/", include("people.urls")),
    path("events/", include("events.urls")),
    path("", include("bulletin.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
