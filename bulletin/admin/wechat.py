"""复制到公众号: a published article as HTML styled inline (``bulletin.wechat_article``), for an
editor to paste into the official account's editor in one go. Reached from the article's page."""

from django.utils import timezone
from django.views.generic import DetailView

from bulletin import wechat_article
from bulletin.admin.review import AdminPage
from bulletin.models import Article
from publishing.models import PublicationStatus


def not_public_reason(article):
    """Why readers cannot see ``article`` on the site yet, in Chinese; "" when they can."""
    if Article.objects.public().filter(pk=article.pk).exists():
        return ""
    if article.live_article_id:
        return "这是已发布稿件的修改稿，发布后才会替换网站上的版本"
    if article.status != PublicationStatus.PUBLISHED:
        return f"本稿尚未发布（当前状态：{article.get_status_display()}）"
    if article.published_at > timezone.now():
        return f"本稿定时于 {timezone.localtime(article.published_at):%Y-%m-%d %H:%M} 发布，现在读者还看不到"
    return f"本稿所属的{article.issue.short_name}尚未发行"


class CopyForOfficialAccountView(AdminPage, DetailView):
    """The article ready to copy, with a 复制 button and how to paste it; for an article readers
    cannot see yet, why not (status 409: the article is not in the state this page needs)."""

    queryset = Article.objects.for_detail()
    template_name = "admin/bulletin/article/wechat_copy.html"
    context_object_name = "article"

    def get_title(self):
        return f"复制到公众号：《{self.object.title}》"

    def get_context_data(self, **kwargs):
        refusal = not_public_reason(self.object)
        copy = "" if refusal else wechat_article.article_html(self.object)
        return super().get_context_data(refusal=refusal, article_html=copy, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        status = 409 if context["refusal"] else 200
        return super().render_to_response(context, status=status, **response_kwargs)
