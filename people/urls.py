from django.urls import path

from people import views
from publishing.pagecache import LISTINGS, PAGED, cached

app_name = "people"

# The list reads the fields of people.filters.PersonFilter.
LIST_PARAMETERS = ("organisation", "initial", "page")

urlpatterns = [
    path("", cached(views.PersonListView.as_view(), lists={LISTINGS}, reads=LIST_PARAMETERS), name="person-list"),
    path("<slug:slug>/", cached(views.PersonDetailView.as_view(), reads=PAGED), name="person-detail"),
]
