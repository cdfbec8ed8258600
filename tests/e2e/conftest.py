"""One headless Chromium for the whole session, driven by Playwright.

The browser is the system's (Debian's ``chromium``): Playwright never downloads its own.
Without it these tests are skipped with the reason shown, unless BULLETIN_REQUIRE_BROWSER=1
(as in CI), where a missing browser is a failure.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; Django would take the
# ORM calls made by the tests for calls from async code and refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path():
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        reason = "Chromium not found: install Debian's chromium or set CHROMIUM_PATH to run the browser tests"
        if os.environ.get("BULLETIN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports what the Content-Security-Policy blocked to the console, where the fixture
# below collects it together with the browser's own "Refused to …" messages.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber} (${event.sample})`);
});
"""


def is_csp_violation(message):
    return "Content Security Policy" in message.text or message.text.startswith("CSP violation:")


@pytest.fixture
def csp_violations():
    """What the Content-Security-Policy blocked on any page the test opened with ``new_page``."""
    return []


@pytest.fixture
def new_page(browser, csp_violations):
    """Open pages in fresh browser contexts: separate cookies, as separate people would have.

    A test fails if the site's Content-Security-Policy blocks anything on these pages.
    """
    contexts = []

    def open_page(width=390, height=844, **context_options):
        """A page ``width`` × ``height``; ``context_options`` go to Playwright's ``new_context``
        (a user agent, a touch screen)."""
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, **context_options)
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: is_csp_violation(message) and csp_violations.append(message.text))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def axe_script():
    """axe-core's script, which the accessibility checks inject into a page."""
    if not AXE.exists():
        reason = "axe-core not installed: run `npm ci` to run the accessibility tests"
        if os.environ.get("BULLETIN_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE
