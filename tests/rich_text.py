"""What an editor of the magazine writes in CKEditor 5, as the editor writes it: the corpus the
sanitiser must keep.

Each snippet is CKEditor 5's own output (``editor.getData()``; tests/e2e/test_rich_text_editor.py
checks that it still is) and is stored unchanged, except where ``saved`` says otherwise, and
then only in ways a reader cannot see:

- a ``style`` loses its last ``;``;
- a link gains ``rel="noopener noreferrer"``;
- list items lose the editor's ``data-list-item-id`` (it makes new ones when it loads the text);
- an image loses its ``aspect-ratio`` style, which its ``width`` and ``height`` give anyway.
"""

from dataclasses import dataclass

REL = 'rel="noopener noreferrer"'
PHOTO = "/media/editor/2026/11/a1b2c3.jpg"


@dataclass(frozen=True)
class Snippet:
    name: str
    html: str
    saved: str = ""  # what is stored, when it is not ``html`` itself

    @property
    def expected(self):
        return self.saved or self.html

    def __str__(self):
        return self.name


MAGAZINE = [
    Snippet("段落", "<p>省科协第九次代表大会在郑州召开，全省八百余名代表参加会议。</p>"),
    Snippet(
        "段落对齐",
        '<p style="text-align:center;">居中的题记</p><p style="text-align:right;">——编者</p>',
        '<p style="text-align:center">居中的题记</p><p style="text-align:right">——编者</p>',
    ),
    Snippet("小标题", "<h2>一、总体要求</h2><h3>（一）指导思想</h3><p>坚持面向世界科技前沿。</p>"),
    Snippet(
        "项目符号列表",
        '<ul><li data-list-item-id="e1">科普大篷车进校园</li><li data-list-item-id="e2">院士专家进企业</li></ul>',
        "<ul><li>科普大篷车进校园</li><li>院士专家进企业</li></ul>",
    ),
    Snippet(
        "编号列表",
        '<ol><li data-list-item-id="e1">提交申报书</li><li data-list-item-id="e2">专家评审</li></ol>',
        "<ol><li>提交申报书</li><li>专家评审</li></ol>",
    ),
    Snippet(
        "嵌套列表",
        '<ol><li data-list-item-id="e1">基层组织<ul><li data-list-item-id="e2">企业科协</li>'
        '<li data-list-item-id="e3">高校科协</li></ul></li><li data-list-item-id="e4">学会</li></ol>',
        "<ol><li>基层组织<ul><li>企业科协</li><li>高校科协</li></ul></li><li>学会</li></ol>",
    ),
    Snippet("引文", "<blockquote><p>科学技术是第一生产力。</p><p>——邓小平</p></blockquote>"),
    Snippet(
        "网页链接",
        '<p>详见<a href="https://www.cast.org.cn/">中国科协网站</a>。</p>',
        f'<p>详见<a href="https://www.cast.org.cn/" {REL}>中国科协网站</a>。</p>',
    ),
    Snippet(
        "邮件链接",
        '<p>来稿请寄<a href="mailto:tougao@hast.org.cn">tougao@hast.org.cn</a>。</p>',
        f'<p>来稿请寄<a href="mailto:tougao@hast.org.cn" {REL}>tougao@hast.org.cn</a>。</p>',
    ),
    Snippet(
        "电话链接",
        '<p>咨询电话：<a href="tel:+86-371-65951234">0371-65951234</a></p>',
        f'<p>咨询电话：<a href="tel:+86-371-65951234" {REL}>0371-65951234</a></p>',
    ),
    Snippet(
        "加粗的链接",
        '<p><a href="https://www.hast.org.cn/"><strong>省科协网站</strong></a></p>',
        f'<p><a href="https://www.hast.org.cn/" {REL}><strong>省科协网站</strong></a></p>',
    ),
    Snippet(
        "带表头的表格",
        '<figure class="table"><table><thead><tr><th>市</th><th>项目数</th></tr></thead>'
        "<tbody><tr><td>郑州</td><td>12</td></tr><tr><td>洛阳</td><td>8</td></tr></tbody></table></figure>",
    ),
    Snippet(
        "合并单元格的表格",
        '<figure class="table"><table><tbody><tr><td rowspan="2">农业</td><td>小麦</td></tr>'
        '<tr><td>玉米</td></tr><tr><td colspan="2">合计</td></tr></tbody></table></figure>',
    ),
    Snippet(
        "带标题的表格",
        '<figure class="table"><table><tbody><tr><th>年份</th><td>2026</td></tr></tbody></table>'
        "<figcaption>表1　年度统计</figcaption></figure>",
    ),
    Snippet(
        "带图注的图片",
        f'<figure class="image"><img style="aspect-ratio:800/600;" src="{PHOTO}" alt="黄河地质博物馆外景" '
        'width="800" height="600"><figcaption>黄河地质博物馆</figcaption></figure>',
        f'<figure class="image"><img src="{PHOTO}" alt="黄河地质博物馆外景" width="800" height="600">'
        "<figcaption>黄河地质博物馆</figcaption></figure>",
    ),
    Snippet(
        "调整大小的图片",
        f'<figure class="image image_resized" style="width:50%;"><img style="aspect-ratio:800/600;" '
        f'src="{PHOTO}" alt="现场" width="800" height="600"><figcaption>活动现场</figcaption></figure>',
        f'<figure class="image image_resized" style="width:50%"><img src="{PHOTO}" alt="现场" '
        'width="800" height="600"><figcaption>活动现场</figcaption></figure>',
    ),
    Snippet(
        "侧边图片",
        f'<figure class="image image-style-side"><img style="aspect-ratio:800/600;" src="{PHOTO}" alt="院士肖像" '
        'width="800" height="600"></figure>',
        f'<figure class="image image-style-side"><img src="{PHOTO}" alt="院士肖像" width="800" height="600"></figure>',
    ),
    Snippet("行内代码", "<p>在终端输入 <code>pip install jieba</code> 即可安装分词库。</p>"),
    Snippet(
        "代码块",
        '<pre><code class="language-plaintext">if (a &lt; b &amp;&amp; c &gt; d) {\n    print("小于");\n}</code></pre>',
    ),
    Snippet(
        "带语言的代码块",
        '<pre><code class="language-python">def area(r):\n\treturn 3.14 * r ** 2</code></pre>',
    ),
    Snippet("水平线", "<hr>"),
    Snippet("段落之间的水平线", "<p>上篇完。</p><hr><p>下篇</p>"),
    Snippet("上标和下标", "<p>H<sub>2</sub>O 与 CO<sub>2</sub>；面积 100 m<sup>2</sup>。</p>"),
    Snippet(
        "加粗、斜体、下划线、删除线",
        "<p><strong>加粗</strong>、<i>斜体</i>、<u>下划线</u>和<s>删除线</s></p>",
    ),
    Snippet("换行", "<p>河南省科学技术协会<br>地址：郑州市<br>邮编：450000</p>"),
    Snippet("中文标点", "<p>“科技”与‘创新’——《科协通讯》（第5期）……！？；：、。【注】</p>"),
    Snippet("实体字符", "<p>R&amp;D 投入 &lt; 5% 时，a &gt; b；两个空格&nbsp; 在此。</p>"),
    Snippet("谈论标记的文字", "<p>&lt;img src=x onerror=alert(1)&gt; 是一段攻击代码。</p>"),
    Snippet("生僻字和符号", "<p>𠮷野家 ① ℃ ± × ÷ ≤ ≥ ‰ ㎡</p>"),
]
