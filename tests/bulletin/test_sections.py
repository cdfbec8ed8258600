import pytest
from django.core.exceptions import ValidationError

from bulletin.models import Section
from tests import factories as make

pytestmark = pytest.mark.django_db


def test_sections_are_listed_in_their_printed_order():
    make.section("八方简讯", order=45)
    make.section("卷首", order=1)
    make.section("热点科普", order=55)

    names = list(Section.objects.values_list("name", flat=True))

    assert names.index("卷首") < names.index("要情快报") < names.index("基层风采")
    assert names.index("基层风采") < names.index("八方简讯") < names.index("科海观澜") < names.index("热点科普")


def test_sections_with_the_same_order_keep_the_order_they_were_created_in():
    first = make.section("甲栏目", order=70)
    second = make.section("乙栏目", order=70)

    assert list(Section.objects.filter(order=70)) == [first, second]


def test_section_slug_is_its_name_in_pinyin_without_separators():
    section = Section.objects.create(name="八方简讯")

    assert section.slug == "bafangjianxun"


def test_section_pinyin_name_is_printed_capitalised_on_the_column_opener():
    assert make.section("科海观澜").pinyin_name == "Kehaiguanlan"


def test_section_slug_an_editor_typed_is_kept():
    section = Section.objects.create(name="学党史 强科技", slug="dangshi")

    assert section.slug == "dangshi"


def test_two_sections_that_read_the_same_in_pinyin_get_different_slugs():
    first = Section.objects.create(name="科技")
    second = Section.objects.create(name="科计")

    assert (first.slug, second.slug) == ("keji", "keji-2")


def test_sub_column_cannot_be_nested_under_another_sub_column():
    parent = make.section("学党史 强科技", order=15)
    child = make.section("学教短波", parent=parent)
    grandchild = Section(name="短波一", parent=child)

    with pytest.raises(ValidationError) as error:
        grandchild.full_clean()

    assert error.value.message_dict["parent"] == ["栏目最多两级：上级栏目本身不能再有上级栏目。"]


def test_section_cannot_be_its_own_parent():
    section = make.section("学教短波")
    section.parent = section

    with pytest.raises(ValidationError) as error:
        section.full_clean()

    assert error.value.message_dict["parent"] == ["栏目不能以自己为上级栏目。"]


def test_section_pinyin_name_follows_its_name_not_a_hand_typed_slug():
    section = Section.objects.create(name="热点科普", slug="kepu")

    assert section.pinyin_name == "Rediankepu"
