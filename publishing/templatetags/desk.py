"""The desk's figures that admin pages show beside their own content."""

from django import template

from publishing.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    """How many of the current user's notifications are unread."""
    return Notification.objects.filter(recipient=context["request"].user, read_at__isnull=True).count()
