"""Writes the sample of contributions (one .docx per article) that the Word-import tests and
``bench/docx_accuracy.py`` read; ``expected.toml`` beside it says what each file should give.

The text is made up for this sample. The files are committed, so the sample stays fixed; run
this again only to change it (``.venv/bin/python tests/bulletin/docx_samples/generate.py``): the
same input gives the same bytes.

Each article is a list of paragraphs, ``(text, style)`` or plain text (Normal style); a line
break inside a paragraph is written as ``\\n``, a tab as ``\\t``; ``IMAGE`` is a small photo.
"""

import io
import re
import zipfile
from pathlib import Path

import docx
from PIL import Image

FOLDER = Path(__file__).resolve().parent
IMAGE = object()
# The styles a Word file of this kind carries; python-docx's template holds some 160 more.
STYLES = {"Normal", "Default Paragraph Font", "Normal Table", "Title", "Heading 1", "Heading 2", "Caption"}
# Zip entries get this date, so that the same input gives the same bytes.
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
# Parts of python-docx's template that a contribution does not need (438 KB of styles for an old
# Word version, a thumbnail, custom XML), left out with the references to them.
UNUSED_PARTS = re.compile(r"^(?:word/stylesWithEffects\.xml|docProps/thumbnail\.jpeg|customXml/.*)$")
REFERENCE = re.compile(
    r'<(?:Relationship|Override)\b[^>]*"/?(?:word/stylesWithEffects\.xml|stylesWithEffects\.xml|'
    r'docProps/thumbnail\.jpeg|(?:\.\./)?customXml/[^"]*)"[^>]*/>'
)

H1, H2 = "Heading 1", "Heading 2"

ARTICLES = {
    "01 科技小院.docx": [
        ("让科技小院扎根黄河滩", H1),
        "——兰考县科技小院三年实践的观察",
        "文_河南农业大学资源与环境学院  孟庆川 白露",
        "三年前，几名研究生背着土壤采样器住进了黄河滩区的村子，小院就设在一户农家的西厢房里。",
        ("一、把课堂搬到田埂上", H2),
        "每逢农时，小院的师生都要到地里转一圈，哪块地缺水、哪片麦子起了病斑，村民一问便知。",
    ],
    "02 冬天的静电.docx": [
        "身边的科学：",
        ("冬天的静电从哪里来", H1),
        "文/韩知秋",
        "手刚碰到门把手，指尖就“啪”地一麻，这是很多人冬天里都有过的经历。",
        "空气干燥时，衣物摩擦产生的电荷不容易散失，积攒到一定程度便会放电。",
    ],
    "03 数字乡村.docx": [
        ("数字技术助力县域产业升级的路径探析", H1),
        "文_郑州轻工业大学经济与管理学院 苏明远；河南工业大学 葛青",
        "县域经济是连接城市与乡村的枢纽，数字技术为它带来了新的增长点。",
        ("一、县域产业数字化的现状", H2),
        "调查的二十个县中，多数已建成电商服务中心，但生产环节的数字化程度仍然不高。",
    ],
    "04 青少年科创.docx": [
        ("青少年科技创新大赛复赛在洛阳举行", H1),
        "作者：洛阳市科学技术协会 程一帆",
        "5月12日至14日，全省青少年科技创新大赛复赛在洛阳举行，来自各市的三百余件作品参加角逐。",
        "参赛学生现场讲解自己的研究过程，评委逐一提问，气氛热烈。",
    ],
    "05 科普进社区.docx": [
        ("科普进社区  服务零距离", H1),
        "作者:甘若溪",
        "社区里的科普角开放以来，每周六上午都有居民带着孩子来动手做实验。",
    ],
    "06 学会年会.docx": [
        ("省植物保护学会召开年会", H1),
        "本刊记者 陶然",
        "11月8日，省植物保护学会年会在郑州召开，二百余名会员围绕绿色防控交流研究进展。",
        "会议表彰了一批在基层推广防控技术的科技工作者。",
    ],
    "07 科技馆开放日.docx": [
        ("省科技馆举办公众开放日活动", H1),
        "本刊记者 罗佳音  通讯员 范小川",
        "开放日当天，科技馆推出了机器人表演、天文观测等十余项体验活动，吸引市民六千余人次。",
    ],
    "08 科普大篷车.docx": [
        ("科普大篷车开进山区学校", H1),
        "通讯员 邱晓峰 金若兰",
        "4月22日起，科普大篷车用一周时间走访了伏牛山区的8所学校，为孩子们带去展品和实验课。",
    ],
    "09 院士工作站.docx": [
        ("我省新建院士工作站十二家", H1),
        "本报通讯员 岳明",
        "新建的工作站分布在装备制造、生物医药等领域，将帮助企业攻克一批关键技术难题。",
    ],
    "10 气象科普.docx": [
        ("读懂天气预报里的“降水概率”", H1),
        "特约记者：蒋南星",
        "天气预报说明天降水概率百分之七十，并不是说明天有七成的时间在下雨。",
    ],
    "11 工作会议讲话.docx": [
        ("凝心聚力开新局 科技为民谱新篇", H1),
        "——在全省科协系统工作会议上的讲话",
        "省科协党组书记、主席  林振华",
        "（2026年1月16日）",
        "同志们：",
        ("一、过去一年的主要工作", H2),
        "过去一年，全省各级科协组织围绕中心、服务大局，各项工作取得了新的进展。",
    ],
    "12 学会工作讲话.docx": [
        ("在全省学会工作座谈会上的讲话", H1),
        "党组成员、副主席 邵文博",
        "各位理事长、秘书长，同志们：",
        "今天召开座谈会，主要是听取大家对学会改革的意见和建议。",
    ],
    "13 倡议书.docx": [
        ("致全省科技工作者的倡议书", H1),
        "广大科技工作者：",
        "春耕时节，农业生产急需科技支撑。我们倡议，大家走进田间地头，把技术送到农民手中。",
        "让我们携起手来，为乡村振兴贡献智慧和力量！",
        "河南省科学技术协会",
        "2026年3月2日",
    ],
    "14 科学教育联盟.docx": [
        ("关于成立青少年科学教育联盟的说明", H1),
        "为整合校内外科学教育资源，经研究，决定成立青少年科学教育联盟，欢迎各单位加入。",
        "省青少年科技教育协会",
    ],
    "15 应急科普.docx": [
        ("防灾减灾科普宣传周启动", H1),
        "5月10日，防灾减灾科普宣传周在新乡启动，现场发放宣传资料两千余份。",
        "活动期间，各地还将组织应急演练和科普讲座。",
        "（通讯员 唐一鸣 陆小满）",
        "（供稿：省科协科普部）",
    ],
    "16 健康讲座.docx": [
        ("专家走进社区讲健康", H1),
        "6月3日，省医学会组织专家走进社区，为老年居民讲解慢性病防治知识。讲座结束后，专家还为居民义诊。（本刊记者 温雅）",
    ],
    "17 湿地观鸟.docx": [
        ("黄河湿地观鸟记", H1),
        "文/图 骆建新",
        "清晨的湿地雾气还没散，成群的白鹭已经在浅滩上觅食。",
        IMAGE,
        "图为在湿地越冬的白鹭（摄影：骆建新）",
        "观鸟的人们屏住呼吸，生怕惊扰了它们。",
    ],
    "18 馆校合作.docx": [
        ("馆校合作让科学课“活”起来", H1),
        "郑州市科技馆 许安然",
        "科技馆与周边十所小学签订合作协议，把展厅变成了学生们的第二课堂。",
    ],
    "19 学史明志.docx": [
        ("学史明志守初心\n缅怀先烈学先进", H1),
        "— 记省科协机关青年理论学习小组",
        "文_省科协机关团委\t赵一诺",
        "4月上旬，机关青年理论学习小组来到革命纪念馆，重温入党誓词。",
    ],
    "20 全委会议.docx": [
        ("省科协召开十届三次全委会议", H1),
        "会议总结了上一年的工作，部署了今年的重点任务，审议通过了有关事项。",
        "（供稿：省科协办公室）",
        "（供稿：组织人事部，学会学术部）",
    ],
    "21 特约记者.docx": [
        ("一位乡村科技特派员的一天", H1),
        "文_本刊特约记者  孔令仪",
        "早上六点，特派员老周已经出现在合作社的大棚里，查看番茄的长势。",
    ],
    "22 致家长的信.docx": [
        ("致青少年家长的一封信", H1),
        "各位家长：",
        "暑假将至，希望您多陪孩子走进科技馆、博物馆，在动手和观察中培养他们的好奇心。",
        "冯子墨",
        "二〇二六年六月二十日",
    ],
    "23 科技报道.docx": [
        ("高校科技成果转化驶入快车道", H1),
        "文_中原科技 骆冰",
        "去年全省高校签订技术合同四千余项，成交额较上年明显增长。",
    ],
    "24 地质科普.docx": [
        "难解之谜：",
        ("黄河为什么会“地上悬河”", H1),
        "文_省地质科学研究所 欧阳青山 司马晓",
        "黄河下游的河床高出两岸地面，这样的河段被称作“地上悬河”。",
    ],
}


def write(name, paragraphs):
    document = docx.Document()
    for style in list(document.styles):
        if style.name not in STYLES:
            style.delete()
    for paragraph in paragraphs:
        if paragraph is IMAGE:
            document.add_picture(io.BytesIO(_photo()))
            continue
        text, style = (paragraph, None) if isinstance(paragraph, str) else paragraph
        lines = text.split("\n")
        run = document.add_paragraph(style=style).add_run()
        for n, line in enumerate(lines):
            if n:
                run.add_break()
            run.add_text(line)
    buffer = io.BytesIO()
    document.save(buffer)
    (FOLDER / name).write_bytes(_fixed(buffer.getvalue()))


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (70, 130, 180)).save(buffer, "PNG")
    return buffer.getvalue()


def _fixed(content):
    """``content`` without the unused parts, every zip entry dated ``FIXED_TIME``."""
    source, buffer = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if UNUSED_PARTS.match(info.filename):
                continue
            data = source.read(info)
            if info.filename.endswith((".rels", "[Content_Types].xml")):
                data = REFERENCE.sub("", data.decode()).encode()
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


if __name__ == "__main__":
    for stale in FOLDER.glob("*.docx"):
        stale.unlink()
    for name, paragraphs in ARTICLES.items():
        write(name, paragraphs)
    print(f"{len(ARTICLES)} 个样稿已写入 {FOLDER}")
