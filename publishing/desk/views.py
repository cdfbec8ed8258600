"""The desk's pages in the admin: 待我处理, 我的通知, the editorial calendar (month and list) and
提醒与日历 (the daily digest and the private calendar address), and the calendar feed itself.

All but the feed run inside the admin (staff only, ``desk.urls``); each reads only the user's own
things. The feed is opened by its token alone, since calendar programs carry no session.
"""

import calendar as month_calendar
import datetime

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from publishing import desk
from publishing.desk import ics
from publishing.models import DeskSettings, Notification

WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
# How far the calendar feed reaches: recent past for context, the year ahead for planning.
FEED_PAST = datetime.timedelta(days=60)
FEED_AHEAD = datetime.timedelta(days=366)


class DeskPage(TemplateView):
    title = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request), title=self.title)
        return context


class AgendaView(DeskPage):
    template_name = "admin/desk/agenda.html"
    title = "待我处理"

    def get_context_data(self, **kwargs):
        tasks = desk.agenda(self.request.user, timezone.now())
        return super().get_context_data(
            tasks=tasks,
            late_count=sum(1 for task in tasks if task.late),
            unread=Notification.objects.filter(recipient=self.request.user, read_at__isnull=True).count(),
            **kwargs,
        )


class NotificationsView(DeskPage):
    """The newest notifications; those unread until now are marked, and are read from now on."""

    template_name = "admin/desk/notifications.html"
    title = "我的通知"
    shown = 100

    def get_context_data(self, **kwargs):
        mine = Notification.objects.filter(recipient=self.request.user)
        notifications = list(mine[: self.shown])
        mine.filter(pk__in=[n.pk for n in notifications], read_at__isnull=True).update(read_at=timezone.now())
        return super().get_context_data(notifications=notifications, **kwargs)


def month_of(year, month):
    try:
        return datetime.date(year, month, 1)
    except ValueError:
        raise Http404("没有这个月份。") from None


class CalendarView(DeskPage):
    """A month of the editorial calendar: as a grid of weeks, or as a list (``list_view``)."""

    list_view = False

    def get_template_names(self):
        return ["admin/desk/calendar_list.html" if self.list_view else "admin/desk/calendar_month.html"]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        first = month_of(kwargs.pop("year", today.year), kwargs.pop("month", today.month))
        weeks = month_calendar.Calendar().monthdatescalendar(first.year, first.month)
        entries = desk.calendar(self.request.user, weeks[0][0], weeks[-1][-1])
        by_day = {}
        for entry in entries:
            by_day.setdefault(entry.day, []).append(entry)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        name = "desk:calendar-list" if self.list_view else "desk:calendar-month"
        self.title = f"编辑日历：{first.year}年{first.month}月"
        return super().get_context_data(
            month=first,
            today=today,
            weekdays=WEEKDAYS,
            weeks=[[(day, by_day.get(day, [])) for day in week] for week in weeks],
            days=[(day, by_day[day]) for day in sorted(by_day) if day.month == first.month],
            previous_url=reverse(name, args=[previous.year, previous.month]),
            next_url=reverse(name, args=[following.year, following.month]),
            month_url=reverse("desk:calendar-month", args=[first.year, first.month]),
            list_url=reverse("desk:calendar-list", args=[first.year, first.month]),
            **kwargs,
        )


class DigestForm(forms.ModelForm):
    class Meta:
        model = DeskSettings
        fields = ["daily_digest"]


class SettingsView(FormView):
    template_name = "admin/desk/settings.html"
    form_class = DigestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": desk.settings_of(self.request.user)}

    def form_valid(self, form):
        form.save()
        if form.instance.daily_digest:
            messages.success(self.request, "已开启每日待办邮件。")
        else:
            messages.success(self.request, "已关闭每日待办邮件，您仍可随时在“待我处理”查看。")
        return redirect("desk:settings")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        token = desk.settings_of(self.request.user).calendar_token
        feed = self.request.build_absolute_uri(reverse("desk-calendar-feed", args=[token])) if token else ""
        context.update(
            admin.site.each_context(self.request),
            title="提醒与日历",
            feed_url=feed,
            has_email=bool(self.request.user.email),
        )
        return context


@require_POST
def new_calendar_address(request):
    desk.new_calendar_token(request.user)
    messages.success(request, "已生成新的日历订阅地址；此前的地址已失效。")
    return redirect("desk:settings")


@require_POST
def revoke_calendar_address(request):
    desk.revoke_calendar_token(request.user)
    messages.success(request, "日历订阅地址已停用，日历程序将无法再读取。")
    return redirect("desk:settings")


@never_cache
def calendar_feed(request, token):
    """The staff member's editorial calendar as iCalendar, for the address only they hold."""
    user = desk.calendar_owner(token)
    if user is None:
        raise Http404("日历订阅地址无效或已停用。")
    today = timezone.localdate()
    entries = desk.calendar(user, today - FEED_PAST, today + FEED_AHEAD)
    response = HttpResponse(ics.feed(entries), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="editorial-calendar.ics"'
    # The address is a secret: it must not be indexed, nor kept by a shared cache.
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
