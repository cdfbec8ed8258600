from bulletin.forms import VersionedForm
from events.models import Event


class EventForm(VersionedForm):
    """An event as the admin edits it; two people editing it at once cannot overwrite each other."""

    class Meta:
        model = Event
        fields = "__all__"  # the admin narrows them to its fieldsets
