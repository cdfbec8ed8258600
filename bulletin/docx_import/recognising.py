"""The text rules of a contribution's framing lines: what a kicker, a subtitle, a byline, a 供稿
credit and a photo credit look like, which words of a byline are names and which are roles or
units, and what a file name tells.

A byline is recognised by one of the :class:`Rule` s, each named in Chinese for the import
report. Lines keep the text the contributor wrote; only :func:`clean_line` and the subtitle's
leading dash are normalised (the README's Word-import section lists what).
"""

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

KICKER_MAX = 20
TITLE_MAX = 60
# A byline or a closing signature is a short line; a sentence of the body is longer.
SIGNATURE_MAX = 60

KICKER = re.compile(rf"^.{{1,{KICKER_MAX - 1}}}[：:]$")
SUBTITLE = re.compile(r"^(?:—{1,2}|─{1,2}|－{2}|-{2})\s*(?=\S)")
BYLINE = re.compile(r"^(?:图\s*[_＿/／]\s*文\s*|文\s*[_＿/／：:]\s*)")
BYLINE_PHOTOS_TOO = re.compile(r"^图(?:\s*[_＿/／]\s*|\s+)")  # “文/图 张三”: text and photos by
AUTHOR_LABEL = re.compile(r"^(?:作\s*者|撰\s*稿|撰\s*文|执\s*笔)\s*[：:]\s*")
CREDIT = re.compile(r"[（(]?\s*供\s*稿(?:单位)?\s*[：:]\s*(?P<who>[^（()）]+?)\s*[）)]?\s*$")
CREDIT_AT_END = re.compile(r"[（(]\s*供\s*稿(?:单位)?\s*[：:]\s*(?P<who>[^（()）]+?)\s*[）)]\s*$")
PHOTO_CREDIT = re.compile(r"\s*[（(]\s*(?:摄影\s*[：:/／_]?|(?:摄|图)\s*[：:/／_])\s*(?P<who>[^（()）]+?)\s*[）)]\s*$")
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．\s])")
NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$")
# Who someone is in a byline, never their name: “本刊记者”, “特约通讯员”, “实习生”, “摄影”.
ROLE = re.compile(
    r"(?:本刊|本报|本网|本台|本社)?(?:特约|首席|见习|实习|特派)?(?:摄影记者|记者|通讯员)|实习生|摄影|摄像"
)
ROLE_AND_NAME = re.compile(rf"^(?P<role>{ROLE.pattern})[：:]?(?P<rest>.*)$")
# Reporters credited at the end of the last paragraph: “……取得实效。（通讯员 王敏 李涛）”.
REPORTER_AT_END = re.compile(rf"[（(]\s*(?:{ROLE.pattern})[^（()）]*[）)]$")
# A closing line that gives only a date: “2026年4月16日”, “二〇二六年四月十六日”.
DATE = re.compile(
    r"^[（(]?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?\s*[）)]?$"
)
# A word of a byline: what stands between spaces, enumeration commas, semicolons and brackets.
WORD = re.compile(r"[^\s、，,；;：:（）()]+")
# A sentence of the body, never a byline.
SENTENCE_END = re.compile(r"[。！？!?]")
# What a short affiliation ends with (“省科协”, “科技馆”), so that it is not taken for a name.
ORGANISATION_ENDINGS = (
    *"院校协局厅委所办部处站馆台社室报刊组厂队团",
    "中心",
    "大学",
    "公司",
    "集团",
    "协会",
    "学会",
    "委员会",
    "联合会",
)
# Words that make a signature a unit wherever they stand in it (“郑州大学商学院经济系”).
UNIT_WORDS = ("大学", "学院", "中心", "协会", "学会", "委员会", "研究所", "科协", "政府")
# What a speaker's printed role ends with: “省科协党组书记、领导小组组长”.
TITLE_WORDS = (
    "书记",
    "主席",
    "组长",
    "部长",
    "厅长",
    "局长",
    "处长",
    "科长",
    "院长",
    "校长",
    "所长",
    "馆长",
    "社长",
    "理事长",
    "秘书长",
    "主任",
    "会长",
    "省长",
    "市长",
    "县长",
    "区长",
    "董事长",
    "总经理",
    "委员",
    "成员",
    "常委",
    "院士",
    "教授",
    "研究员",
    "巡视员",
    "主编",
)
# A four-character name begins with one of these; any other four characters are a unit (“河南日报”).
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "端木",
    "独孤",
    "南宫",
    "西门",
    "百里",
    "呼延",
    "澹台",
    "闻人",
    "万俟",
    "申屠",
    "太史",
    "公冶",
    "赫连",
    "钟离",
    "拓跋",
    "濮阳",
    "淳于",
    "单于",
    "东郭",
    "左丘",
    "第五",
)
# Single-character surnames, for the lines recognised by their shape alone (a line of names under
# the title, a signature at the end), where a two-character word such as “前言” would otherwise pass.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)


class Rule(enum.Enum):
    """How a byline was recognised, named for the editor who checks the import."""

    PREFIXED = "署名（文_单位 姓名）"
    SEVERAL_UNITS = "署名（多位作者及单位）"
    AUTHOR_LABEL = "署名（作者：）"
    REPORTER = "记者署名"
    SPEAKER = "讲话人（职务 姓名）"
    UNDER_TITLE = "署名（单位 姓名）"
    CLOSING = "文末落款"
    CLOSING_REPORTER = "文末记者署名"
    # Not recognised: what the editor wrote over what was.
    EDITOR = "编辑填写"


@dataclass(frozen=True)
class Byline:
    """A recognised byline: the text to keep as the article's byline, the rule that matched, the
    unit(s), the author names in order, and the speaker's printed role (职务)."""

    rule: Rule
    text: str
    affiliation: str = ""
    names: list = field(default_factory=list)
    title: str = ""


def clean_line(text):
    """A framing line as the contributor wrote it, its ends trimmed and each tab, line break or
    no-break space inside it made a space; runs of spaces stay as they are."""
    return re.sub(r"[\t\n\r\xa0\u2028]", " ", text).strip()


def could_be_name(word):
    """Whether ``word`` may be a person's name as an editor types it: two to four Chinese
    characters, neither a role (“本刊记者”), a unit (“省科协”) nor a title (“组长”)."""
    return (
        bool(NAME.match(word)) and not ROLE.fullmatch(word) and not word.endswith((*ORGANISATION_ENDINGS, *TITLE_WORDS))
    )


def is_name(word):
    """Whether ``word`` of a byline is taken for a name: :func:`could_be_name`, and of four
    characters only with a compound surname (“欧阳明远”, not “河南日报”)."""
    return could_be_name(word) and (len(word) < 4 or word.startswith(COMPOUND_SURNAMES))


def is_role(word):
    return bool(ROLE.fullmatch(word))


def _familiar_name(word):
    return is_name(word) and (word[0] in SURNAMES or word.startswith(COMPOUND_SURNAMES))


@dataclass
class _Parts:
    """A byline's words sorted: runs of units as written, names in order, and whether roles came."""

    units: list = field(default_factory=list)
    names: list = field(default_factory=list)
    roles: int = 0
    # Whether a unit came after a name: “张三 郑州大学” is not the shape of a byline.
    unit_after_name: bool = False


def _parts(text):
    parts = _Parts()
    run = None  # (start, end) of the unit words being read
    for match in WORD.finditer(text):
        word = match.group()
        role_and_name = ROLE_AND_NAME.match(word)
        if is_role(word):
            parts.roles += 1
        elif is_name(word):
            parts.names.append(word)
        elif role_and_name and is_name(role_and_name["rest"]):
            parts.roles += 1
            parts.names.append(role_and_name["rest"])
        else:
            if parts.names or parts.roles:
                parts.unit_after_name = True
            run = (run[0] if run else match.start(), match.end())
            continue
        if run:
            parts.units.append(text[run[0] : run[1]])
            run = None
    if run:
        parts.units.append(text[run[0] : run[1]])
    return parts


def split_byline(text):
    """Split what follows “文_” into an affiliation and author names.

    Names are 2–4-character Chinese words after the unit; roles (“本刊记者”) are neither:
    “省社会科学院经济研究所 李可 余明” → (“省社会科学院经济研究所”, [“李可”, “余明”]);
    several units are joined with “；”: “郑州大学商学院 李爽；河南农业大学 余操” →
    (“郑州大学商学院；河南农业大学”, [“李爽”, “余操”]).
    """
    parts = _parts(text)
    return "；".join(parts.units), list(dict.fromkeys(parts.names))


def _unwrapped(line):
    """The line without brackets around all of it: “（通讯员 王敏 李涛）” → “通讯员 王敏 李涛”."""
    match = re.fullmatch(r"[（(]\s*(?P<inside>[^（()）]+?)\s*[）)]", line)
    return match["inside"] if match else line


def _prefixed(line, rule=None):
    """“文_单位 姓名”, “文/图 姓名”, “作者：单位 姓名”: a prefix, then units and names. The rule
    named is ``rule`` if given (a closing line), else the prefix's own."""
    if AUTHOR_LABEL.match(line):
        rest, own = AUTHOR_LABEL.sub("", line, count=1), Rule.AUTHOR_LABEL
    elif BYLINE.match(line):
        rest, own = BYLINE_PHOTOS_TOO.sub("", BYLINE.sub("", line, count=1), count=1), Rule.PREFIXED
    else:
        return None
    parts = _parts(rest)
    if own is Rule.PREFIXED and len(parts.units) > 1:
        own = Rule.SEVERAL_UNITS
    return Byline(
        rule=rule or own, text=line, affiliation="；".join(parts.units), names=list(dict.fromkeys(parts.names))
    )


def head_byline(line):
    """The :class:`Byline` of ``line``, one of the lines under the title, or None."""
    line = clean_line(line)
    if not line or len(line) > SIGNATURE_MAX or SENTENCE_END.search(line):
        return None
    return _prefixed(line) or _reporter(line, Rule.REPORTER) or _speaker(line) or _signature(line, Rule.UNDER_TITLE)


def closing_byline(line, *, dated=False):
    """The :class:`Byline` of ``line``, the last line of the text (or the one above a closing
    date, ``dated``), or None."""
    line = clean_line(line)
    # A short line starting with “图” is a photo's caption, even away from its photo.
    if not line or len(line) > SIGNATURE_MAX or SENTENCE_END.search(line) or line.startswith(("图", "▲")):
        return None
    inside = _unwrapped(line)
    return (
        _reporter(inside, Rule.CLOSING_REPORTER)
        or _prefixed(inside, Rule.CLOSING)
        or _signature(inside, Rule.CLOSING, names_alone=dated)
    )


def _reporter(line, rule):
    """“本刊记者 张三 通讯员 李四”: roles and the names they introduce, nothing else."""
    inside = _unwrapped(line)
    if not ROLE.match(inside):
        return None
    parts = _parts(inside)
    if parts.units or not parts.names:
        return None
    return Byline(rule=rule, text=inside, names=list(dict.fromkeys(parts.names)))


def _speaker(line):
    """“省科协党组书记、领导小组组长  谈朗玉”: a printed role ending with a title, then the name."""
    match = re.fullmatch(r"(?P<title>\S.*?)\s+(?P<name>\S+)", line)
    if match is None or not is_name(match["name"]):
        return None
    title = match["title"]
    if not re.split(r"[、，,\s]+", title)[-1].endswith(TITLE_WORDS):
        return None
    return Byline(rule=Rule.SPEAKER, text=line, names=[match["name"]], title=title)


def _signature(line, rule, *, names_alone=True):
    """A line of units and then names, or of units only, or (``names_alone``) of names only."""
    parts = _parts(line)
    if parts.roles or parts.unit_after_name or (not parts.units and not parts.names):
        return None
    if not all(unit.endswith(ORGANISATION_ENDINGS) or _has_unit_word(unit) for unit in parts.units):
        return None
    if not all(_familiar_name(name) for name in parts.names):
        return None
    if not parts.units and not names_alone:
        return None
    if rule is Rule.UNDER_TITLE and not parts.names:
        return None  # a unit alone under the title is more often a column label than a byline
    return Byline(rule=rule, text=line, affiliation="；".join(parts.units), names=list(dict.fromkeys(parts.names)))


def _has_unit_word(text):
    return any(word in text for word in UNIT_WORDS)


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
