"""Random text that reads like Chinese prose to jieba and to PostgreSQL's full-text search.

Characters and words are drawn with the frequencies of jieba's own dictionary, so segmentation
finds real words of realistic lengths; a few words of the periodical's field are made more
frequent, as they are in its articles. Nothing here is meant to be read.
"""

import itertools
import random
from pathlib import Path

import jieba

COMMON_CHARACTERS = 2500
VOCABULARY = 30_000
# A sci-tech association's periodical says these far more often than general text does.
FIELD_WORDS = (
    "科技", "科协", "科普", "创新", "院士", "学会", "技术", "研究", "发展", "会议", "农业", "人才", "科学家", "实验室", "企业", "服务", "专家", "乡村振兴",
    "科技工作者", "高质量发展", "学术", "成果", "推广", "培训", "调研", "合作", "平台", "基层", "青少年", "科学", "教育",
)  # fmt: skip
FIELD_WEIGHT = 40
# Terms the benchmark searches for: the first is planted in a handful of articles only, so it
# must never come out of the generator by chance.
RARE_TERM = "钙钛矿"
COMMON_TERM = "科技"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_NAME_CHARACTERS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏飞宇浩凯健俊帆帅旭宁晨欣悦雪琳晶倩婷颖佳嘉志海波斌峰鑫博雨萱睿哲思远航启晓雯梓涵"
UNITS = (
    "省科协", "省农业科学院", "省科技馆", "省医学会", "省农学会", "省计算机学会", "省青少年科技中心", "省科普作家协会", "市科协", "县科协", "省气象学会", "省水利学会",
    "省林学会", "省地质学会", "省化学化工学会", "省机械工程学会", "省科技咨询中心", "省学会服务中心",
)  # fmt: skip
TITLES = ("主席", "副主席", "秘书长", "研究员", "教授", "高级工程师", "主任", "副主任", "理事长", "院士", "科普专员")

CLAUSE_BREAKS = "，" * 12 + "、" * 3 + "；" * 2 + "："
SENTENCE_ENDS = "。" * 18 + "！？"


def _dictionary():
    path = Path(jieba.get_dict_file().name)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, *_ = line.split()
            yield word, int(frequency)


class Writer:
    """Draws characters, words, sentences and articles; seeded, so an archive is reproducible."""

    def __init__(self, seed=0):
        self.random = random.Random(seed)
        characters = {}
        words = []
        for word, frequency in _dictionary():
            if len(word) == 1:
                characters[word] = characters.get(word, 0) + frequency
            elif 2 <= len(word) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in word):
                words.append((word, frequency))
        common = sorted(characters.items(), key=lambda item: -item[1])[:COMMON_CHARACTERS]
        allowed = {char for char, _ in common}
        words = [(w, f) for w, f in words if set(w) <= allowed and RARE_TERM not in w]
        words = sorted(words, key=lambda item: -item[1])[:VOCABULARY]
        top = words[0][1]
        words += [(word, top * FIELD_WEIGHT // 100) for word in FIELD_WORDS]
        self.characters = [char for char, _ in common]
        self.character_weights = list(itertools.accumulate(f for _, f in common))
        # Damped, or the commonest few words would make up most of the text.
        self.words = [word for word, _ in words]
        self.word_weights = list(itertools.accumulate(f**0.6 for _, f in words))

    def tokens(self, count):
        """``count`` tokens, three words to one single character."""
        words = self.random.choices(self.words, cum_weights=self.word_weights, k=count)
        chars = self.random.choices(self.characters, cum_weights=self.character_weights, k=count)
        pick = self.random.random
        return [word if pick() < 0.75 else char for word, char in zip(words, chars, strict=True)]

    def phrase(self, low, high):
        """Between about ``low`` and ``high`` characters without punctuation (a title, a clause)."""
        target = self.random.randint(low, high)
        out, length = [], 0
        for token in self.tokens(target):
            out.append(token)
            length += len(token)
            if length >= target:
                break
        return "".join(out)

    def sentence(self):
        clauses = [self.phrase(4, 15) for _ in range(self.random.choice((1, 2, 2, 3, 3, 4)))]
        if self.random.random() < 0.08:
            index = self.random.randrange(len(clauses))
            clauses[index] = f"“{clauses[index]}”"
        text = clauses[0]
        for clause in clauses[1:]:
            text += self.random.choice(CLAUSE_BREAKS) + clause
        if self.random.random() < 0.1:
            text = f"{self.random.randint(1, 12)}月{self.random.randint(1, 28)}日，{text}"
        return text + self.random.choice(SENTENCE_ENDS)

    def paragraph(self):
        return "".join(self.sentence() for _ in range(self.random.randint(2, 6)))

    def paragraphs(self, length):
        """Paragraphs of about ``length`` characters in all."""
        out, total = [], 0
        while total < length:
            paragraph = self.paragraph()
            out.append(paragraph)
            total += len(paragraph)
        return out

    def body_html(self, length, *, plant=None):
        """An article body as the editor stores it: paragraphs, subheads in longer pieces."""
        paragraphs = self.paragraphs(length)
        if plant:
            index = self.random.randrange(len(paragraphs))
            paragraphs[index] = paragraphs[index][:-1] + f"，{plant}。"
        html = []
        for index, paragraph in enumerate(paragraphs):
            if index and index % 6 == 0:
                html.append(f"<h2>{self.phrase(6, 12)}</h2>")
            html.append(f"<p>{paragraph}</p>")
        return "".join(html)

    def article_length(self):
        """Characters of one article: mostly briefs and news, a few long features."""
        roll = self.random.random()
        if roll < 0.45:
            return self.random.randint(60, 600)
        if roll < 0.82:
            return self.random.randint(600, 2500)
        if roll < 0.97:
            return self.random.randint(2500, 6000)
        return self.random.randint(6000, 11_000)

    def name(self):
        given = "".join(self.random.choices(GIVEN_NAME_CHARACTERS, k=self.random.choice((1, 2, 2))))
        return self.random.choice(SURNAMES) + given

    def unit(self):
        return self.random.choice(UNITS)

    def job_title(self):
        return self.random.choice(TITLES)
