"""Arguments the periodical's commands share."""

from django.core.management.base import CommandError

from bulletin.models import Issue

ISSUE_HELP = "期刊，按编辑部的叫法写：2026-6、2026年第6期、总第128期"


def issue_named(value):
    """The one issue ``value`` names the way editors do (``IssueQuerySet.named``)."""
    found = list(Issue.objects.named(value).order_by("-year", "-number")[:2])
    if not found:
        raise CommandError(f"没有找到期刊“{value}”。请写作“年份-期号”，如 2026-6。")
    if len(found) > 1:
        raise CommandError(f"“{value}”不止指一期（{found[0]}、{found[1]}……），请写明年份和期号，如 2026-6。")
    return found[0]
