"""What the data migration leaves in a fresh database: the five sections and the three roles."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from bulletin.models import Section

pytestmark = pytest.mark.django_db


def member_of(group_name):
    user = get_user_model().objects.create_user(f"member-of-{group_name}", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_the_five_main_sections_exist_in_printed_order_with_pinyin_slugs():
    assert list(Section.objects.values_list("name", "slug", "parent")) == [
        ("要情快报", "yaoqingkuaibao", None),
        ("学教动态", "xuejiaodongtai", None),
        ("科协动态", "kexiedongtai", None),
        ("基层风采", "jicengfengcai", None),
        ("科海观澜", "kehaiguanlan", None),
    ]


def test_the_three_editorial_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"编辑", "审核", "主编"}


def test_editor_may_write_articles_but_not_change_issues_or_sections():
    editor = member_of("编辑")

    assert editor.has_perms(["bulletin.add_article", "bulletin.change_article", "bulletin.view_issue"])
    assert not editor.has_perm("bulletin.change_issue")
    assert not editor.has_perm("bulletin.add_issue")
    assert not editor.has_perm("bulletin.change_section")
    assert not editor.has_perm("bulletin.delete_article")


def test_editor_may_enter_people_and_events():
    editor = member_of("编辑")

    assert editor.has_perms(["people.add_person", "events.add_event", "bulletin.add_topic"])


def test_reviewer_may_correct_articles_but_not_create_them():
    reviewer = member_of("审核")

    assert reviewer.has_perm("bulletin.change_article")
    assert not reviewer.has_perm("bulletin.add_article")
    assert not reviewer.has_perm("bulletin.change_issue")


def test_chief_editor_may_manage_issues_and_sections():
    chief = member_of("主编")

    assert chief.has_perms(
        ["bulletin.add_issue", "bulletin.change_issue", "bulletin.delete_issue", "bulletin.change_section"]
    )
    assert chief.has_perms(["bulletin.delete_article", "people.delete_person", "events.delete_event"])
