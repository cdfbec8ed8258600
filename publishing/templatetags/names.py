from django import template

register = template.Library()


@register.filter
def full_name(user, placeholder="—"):
    """A user's name in Chinese order, family name first (Django's get_full_name puts it last)."""
    if user is None:
        return placeholder
    return f"{user.last_name}{user.first_name}".strip() or user.get_username()
