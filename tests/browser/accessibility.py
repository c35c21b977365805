"""Every page a browser test opens is checked: axe-core at 1280 and 390 px wide, and nothing wider than a 390 px
phone screen. The page as the test saw it is kept when it loads and checked afterwards in a page of its own, so the
check never resizes or slows the page the test is driving."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, Error, Page, Route

# npm installs axe-core beside htmx and Pico (package.json pins it); the worktree links the same node_modules.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
IMPACTS = ("serious", "critical")

# Run through the DevTools protocol, so the page's Content-Security-Policy does not refuse it as an inline script.
RUN = """async (impacts) => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => impacts.includes(v.impact)).map(v =>
    `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""

# Against the width asked for, not innerWidth: a phone browser zooms out to show a page wider than its screen.
WIDEST = """(width) => {
  const wide = document.documentElement.scrollWidth;
  if (wide <= width) return null;
  const culprits = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest(".table-scroll"))
    .slice(-3).map(e => {
      const classes = typeof e.className === "string" ? e.className.trim().split(/ +/).filter(Boolean) : [];
      return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + classes.map(c => "." + c).join("");
    });
  return `${wide} px wide: ${culprits.join(", ")}`;
}"""


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN, list(IMPACTS))


def horizontal_overflow(page: Page, width: int = PHONE["width"]) -> str | None:
    """None when the page fits `width`; otherwise how wide it is and the last elements that stick out."""
    return page.evaluate(WIDEST, width)


class PageAudit:
    """Keeps each page of a test as it loads; `assert_clean` checks them all at both widths."""

    def __init__(self, page: Page) -> None:
        self.snapshots: dict[str, tuple[str, str]] = {}
        page.on("load", self._keep)

    def _keep(self, page: Page) -> None:
        url = page.url
        if urlparse(url).scheme not in ("http", "https"):
            return
        try:
            if "html" in (page.evaluate("document.contentType") or ""):
                self.snapshots[url.split("#")[0]] = (url, page.content())
        except Error:
            pass  # the test moved on before the page could be kept; it is kept when it loads again

    def problems(self, browser: Browser) -> list[str]:
        """Every kept page served again as it was (nothing else reaches the server), checked at 1280 and 390 px."""
        found: list[str] = []
        context = browser.new_context(viewport=DESKTOP)
        try:
            page = context.new_page()
            for url, html in self.snapshots.values():
                context.unroute("**/*")
                context.route("**/*", _server_of(url, html))
                page.set_viewport_size(DESKTOP)
                page.goto(url, wait_until="load")
                where = urlparse(url)
                name = where.path + (f"?{where.query}" if where.query else "")
                for size in (DESKTOP, PHONE):
                    page.set_viewport_size(size)
                    found += [f"{name} at {size['width']} px: {v}" for v in serious_violations(page)]
                if wide := horizontal_overflow(page, PHONE["width"]):
                    found.append(f"{name} at 390 px scrolls sideways: {wide}")
        finally:
            context.close()
        return found

    def assert_clean(self, browser: Browser) -> None:
        """Fails with every problem found on the pages kept."""
        assert self.snapshots, "no page was kept for the accessibility check"
        problems = self.problems(browser)
        assert problems == [], "\n".join(problems)


def _server_of(url: str, html: str):
    """A route handler: the kept page at its address, styles and scripts from the server, and no other request
    (an htmx poll or load would change the page being checked)."""

    def serve(route: Route) -> None:
        request = route.request
        if request.url.split("#")[0] == url.split("#")[0] and request.resource_type == "document":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif urlparse(request.url).path.startswith(("/static/", "/vendor/")):
            route.continue_()
        else:
            route.abort()

    return serve
