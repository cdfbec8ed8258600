"""Readable ASCII slugs for Chinese text, written in pinyin.

科海观澜 becomes ``kehaiguanlan`` for a section and 张启航 ``zhang-qi-hang`` for a person.
"""

from django.utils.text import slugify

# Surnames read differently from the same character in ordinary words: 单 is "dan" in 单位
# but "shan" as a family name. pypinyin reads words, so a name's first characters are
# looked up here first. Compound surnames come first so that they win over their first character.
SURNAME_READINGS = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "长孙": ["zhang", "sun"],
    "单": ["shan"],
    "曾": ["zeng"],
    "解": ["xie"],
    "朴": ["piao"],
    "仇": ["qiu"],
    "区": ["ou"],
    "查": ["zha"],
    "盖": ["ge"],
    "缪": ["miao"],
    "翟": ["zhai"],
    "覃": ["qin"],
    "召": ["shao"],
    "种": ["chong"],
    "宿": ["su"],
    "繁": ["po"],
    "乐": ["yue"],
    "员": ["yun"],
    "秘": ["bi"],
    "折": ["she"],
}


def pinyin_slug(text, *, separator="-", max_length=60):
    """Slug of ``text`` in toneless pinyin, cut at a syllable boundary within ``max_length``."""
    syllables = [slugify(part) for part in _pinyin(text)]
    return _join([s for s in syllables if s], separator, max_length)


def name_slug(name, *, max_length=60):
    """Slug of a person's name, reading the family name as a family name."""
    name = name.strip()
    for surname, reading in SURNAME_READINGS.items():
        if name.startswith(surname) and len(name) > len(surname):
            rest = [slugify(part) for part in _pinyin(name[len(surname) :])]
            return _join(reading + [s for s in rest if s], "-", max_length)
    return pinyin_slug(name, max_length=max_length)


def unique_slug(base, taken, *, max_length=60):
    """``base``, or ``base-2``, ``base-3`` … whichever ``taken(slug)`` says is free."""
    base = base or "item"
    candidate, n = base[:max_length], 1
    while taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


def fill_slug(instance, base, scope):
    """Give ``instance`` the first free slug from ``base`` within ``scope``, unless it has one."""
    if instance.slug:
        return
    others = scope.exclude(pk=instance.pk)
    max_length = instance._meta.get_field("slug").max_length
    instance.slug = unique_slug(base, lambda s: others.filter(slug=s).exists(), max_length=max_length)


def _join(syllables, separator, max_length):
    slug = ""
    for syllable in syllables:
        longer = f"{slug}{separator}{syllable}" if slug else syllable
        if len(longer) > max_length:
            break
        slug = longer
    return slug


def _pinyin(text):
    # Imported on first use: its phrase dictionary is 55 MB that processes serving readers never need.
    from pypinyin import lazy_pinyin

    return lazy_pinyin(text)
