from django.contrib import admin
from django.db.models import Count

from people.models import Person
from publishing.admin import RefreshesPublicPages, image_preview


@admin.register(Person)
class PersonAdmin(RefreshesPublicPages, admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "article_count", "slug"]
    search_fields = ["name", "slug", "title", "organisation"]
    readonly_fields = ["photo_preview"]
    fields = ["name", "slug", "title", "organisation", "photo", "photo_preview", "bio"]

    class Media:
        css = {"all": ["css/admin-workflow.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(num_articles=Count("article_links__article", distinct=True))

    @admin.display(description="相关稿件数", ordering="num_articles")
    def article_count(self, person):
        return person.num_articles

    @admin.display(description="照片预览")
    def photo_preview(self, person):
        return image_preview(person.photo, large=True)
