import pytest

from tests import factories as make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("张启航", "zhang-qi-hang"),
        ("单霁翔", "shan-ji-xiang"),  # 单 is "dan" in 单位 but "shan" as a surname
        ("曾国藩", "zeng-guo-fan"),  # not "ceng"
        ("解缙", "xie-jin"),  # not "jie"
        ("尉迟恭", "yu-chi-gong"),
    ],
)
def test_person_slug_is_the_name_in_pinyin_with_the_surname_read_as_a_surname(name, slug):
    assert make.person(name).slug == slug


def test_people_with_the_same_name_get_numbered_slugs():
    first = make.person("张伟")
    second = make.person("张伟")
    third = make.person("张伟")

    assert [first.slug, second.slug, third.slug] == ["zhang-wei", "zhang-wei-2", "zhang-wei-3"]


def test_person_slug_stays_the_same_when_the_person_is_edited():
    person = make.person("张伟")
    person.title = "党组成员、副主席"
    person.save()

    person.refresh_from_db()
    assert person.slug == "zhang-wei"


def test_person_slug_an_editor_typed_is_kept():
    assert make.person("张伟", slug="zhang-wei-zhengzhou").slug == "zhang-wei-zhengzhou"
