"""QR codes that take a reader from paper, or from a desktop screen, to a page on their phone.

A code is SVG made by segno: vector, so as sharp in the print edition as on screen, and
nothing the Content-Security-Policy blocks (no ``<style>`` element, no ``style`` attribute, no
script; colours are presentation attributes). The same markup stands in a page or as an image
file of its own: it carries its namespace. Dark modules on white
with the four-module quiet zone the QR standard asks for, so it reads on a tinted page too.
"""

import io

import segno
from django.utils.safestring import mark_safe

# Level M survives the ink spread and wear of a printed page (15 % of the code may be lost);
# segno raises it when the address leaves room in the same size. A higher level would make the
# code denser, and so its modules smaller, at the size it is printed.
ERROR_CORRECTION = "m"
QUIET_ZONE = 4


def svg(url, *, title):
    """An ``<svg class="qr">`` of a QR code whose text is ``url``, marked safe for templates.

    ``title`` is its accessible name (escaped). It has no width or height: the stylesheet sizes
    it. Choosing the code's mask takes about 5 ms: draw codes where that is paid once (the print
    edition's worker, a cached image), not in a page built for every reader.
    """
    code = segno.make(url, error=ERROR_CORRECTION, micro=False)
    markup = io.BytesIO()
    code.save(
        markup,
        kind="svg",
        xmldecl=False,
        nl=False,
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        omitsize=True,
        title=title,
        svgclass="qr",
        lineclass=None,
    )
    return mark_safe(markup.getvalue().decode())
