from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bulletin import workflow
from bulletin.management.arguments import ISSUE_HELP, issue_named
from bulletin.models import Article
from publishing.models import ACTION_LABELS


class Command(BaseCommand):
    help = (
        "把一期的稿件整批推进一步，以某位用户的身份：submit 提交全部草稿，approve 审核通过该用户此刻可审的稿件，"
        "publish 发布已通过的稿件，release 发布整期。每篇稿件照常检查权限和回避规则，逐篇记入审核记录；"
        "未能执行的逐篇列出原因，命令以非零状态结束。"
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", help=ISSUE_HELP)
        parser.add_argument("action", choices=[*workflow.BULK_ACTIONS, "release"], help="推进的一步")
        parser.add_argument("--user", required=True, help="以哪位用户的身份执行（用户名），记录中写的是此人")
        parser.add_argument("--comment", default="", help="审核意见，记入每篇稿件的记录")

    def handle(self, *args, issue, action, user, comment, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有名为“{user}”的在职用户。")
        target = issue_named(issue)
        if action == "release":
            try:
                workflow.release_issue(target, by=actor)
            except workflow.TransitionRefused as refusal:
                raise CommandError(str(refusal)) from None
            self.stdout.write(self.style.SUCCESS(f"{target.short_name}已发布。"))
            return
        articles = Article.objects.originals().filter(issue=target)
        chosen = list(workflow.at_step(articles, action, actor).in_toc_order())
        outcome = workflow.decide_each(action, chosen, by=actor, comment=comment)
        label = ACTION_LABELS[action]
        others = articles.count() - len(chosen)
        self.stdout.write(f"{target.short_name}：{label} {len(outcome.done)} 篇；本期另有 {others} 篇不在这一步。")
        if outcome.refused:
            for line in outcome.report():
                self.stderr.write(line)
            raise CommandError(f"{len(outcome.refused)} 篇未能{label}，原因见上。")
