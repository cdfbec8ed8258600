from django.conf import settings


def periodical(request):
    """The masthead every public page prints."""
    return {"PERIODICAL_NAME": settings.PERIODICAL_NAME, "PUBLISHER_NAME": settings.PUBLISHER_NAME}
