"""The text rules of a contribution's framing lines: what a kicker, a subtitle, a byline, a 供稿
credit and a photo credit look like, which words of a byline are names, and what a file name tells.
"""

import re
from pathlib import Path

KICKER_MAX = 20
TITLE_MAX = 60

KICKER = re.compile(rf"^.{{1,{KICKER_MAX - 1}}}[：:]$")
SUBTITLE = re.compile(r"^(?:—{1,2}|─{1,2}|－{2}|-{2})\s*(?=\S)")
BYLINE = re.compile(r"^文\s*[_＿/／]\s*")
BYLINE_PHOTOS_TOO = re.compile(r"^图(?:\s*[_＿/／]\s*|\s+)")  # “文/图 张三”: text and photos by
CREDIT = re.compile(r"[（(]?\s*供\s*稿(?:单位)?\s*[：:]\s*(?P<who>[^（()）]+?)\s*[）)]?\s*$")
CREDIT_AT_END = re.compile(r"[（(]\s*供\s*稿(?:单位)?\s*[：:]\s*(?P<who>[^（()）]+?)\s*[）)]\s*$")
PHOTO_CREDIT = re.compile(r"\s*[（(]\s*(?:摄影\s*[：:/／_]?|(?:摄|图)\s*[：:/／_])\s*(?P<who>[^（()）]+?)\s*[）)]\s*$")
CREDIT_PARTS = re.compile(r"\s*[，,、；;]\s*")
FRAMING = re.compile(f"{SUBTITLE.pattern}|{BYLINE.pattern}")
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．\s])")
NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$")
# What a short affiliation ends with (“省科协”, “科技馆”), so that it is not taken for a name.
ORGANISATION_ENDINGS = (
    *"院校协局厅委所办部处站馆台社",
    "中心",
    "大学",
    "公司",
    "集团",
    "协会",
    "学会",
    "委员会",
    "联合会",
)


def split_byline(text):
    """Split what follows “文_” into an affiliation and author names.

    The names are the trailing 2–4-character Chinese words; the rest is the affiliation:
    “省社会科学院经济研究所 李可 余明” → (“省社会科学院经济研究所”, [“李可”, “余明”]).
    """
    tokens = [token for token in re.split(r"[\s、，,]+", text.strip()) if token]
    names = []
    while tokens and NAME.match(tokens[-1]) and not tokens[-1].endswith(ORGANISATION_ENDINGS):
        names.insert(0, tokens.pop())
    return " ".join(tokens), list(dict.fromkeys(names))


def split_photo_credit(caption):
    """“图为活动现场（摄影：张伟）” → (“图为活动现场”, “张伟”)."""
    match = PHOTO_CREDIT.search(caption)
    if match is None:
        return caption, ""
    return caption[: match.start()].strip(), match["who"]


def natural_key(file_name):
    """Sort key that puts “2.docx” before “10.docx”."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", file_name)]


def title_from_file_name(file_name):
    stem = Path(file_name).stem.strip()
    # Files are often numbered for their order in the issue: “03 省科协召开全委会议”.
    return re.sub(r"^\d+\s*[-_.、．\s]\s*", "", stem).strip() or stem or "未命名稿件"


def looks_like_title(line):
    return 0 < len(line) <= TITLE_MAX and not line.endswith(("。", "；", ";"))


def balanced(line):
    opened = line.count("（") + line.count("(")
    closed = line.count("）") + line.count(")")
    return opened == closed
