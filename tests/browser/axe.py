"""axe-core (the npm package, see package.json) run on the pages the browser tests reach."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# RGAA 4 follows WCAG 2.1 level AA: the rules of those levels, nothing experimental.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page's document; return its violations (axe's own dicts)."""
    # Evaluated through the DevTools protocol, which the portal's CSP (no inline scripts)
    # does not block, so the pages are checked with their real CSP in force.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return result["violations"]


def assert_accessible(page) -> None:
    """Fail on any serious or critical axe-core violation of WCAG 2.1 A/AA on the page.

    The message names, for each violation, the rule, its help text and link, and the CSS
    selectors of the elements at fault, with the page's address.
    """
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    if blocking:
        lines = [f"axe-core: {len(blocking)} serious or critical violation(s) on {page.url}"]
        for violation in blocking:
            lines.append(
                f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                f"({violation['helpUrl']})"
            )
            lines.extend(f"    {' '.join(node['target'])}" for node in violation["nodes"][:10])
        raise AssertionError("\n".join(lines))


class AxePage:
    """A Playwright page whose every new document is checked by `assert_accessible`.

    `goto(url)` and `follow(locator)` (a click on a link or a submit button that loads a
    page) check the page they land on; anything else is the Playwright page's own.
    """

    def __init__(self, page):
        self.page = page

    def __getattr__(self, name):
        return getattr(self.page, name)

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        assert_accessible(self.page)

    def follow(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()
        assert_accessible(self.page)
