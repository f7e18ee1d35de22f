"""What every browser test may check on a page: axe-core's verdict, and the console errors and failed requests."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Installed by scripts/test.sh (npm ci, the version pinned in package.json and package-lock.json).
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Served by the test itself on the page's own origin, so the page's CSP (script-src 'self') allows it unchanged.
AXE_URL = "/__axe-core.js"


def axe_source():
    if not AXE_JS.exists():
        message = f"axe-core is not installed ({AXE_JS} is missing): run npm ci, or scripts/test.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text()


def axe_check(page, server):
    """Run axe-core over the page; a line per element with a serious or critical violation: rule, impact, selector,
    and axe's summary."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        source = axe_source()
        page.unroute(f"{server}{AXE_URL}")
        page.route(f"{server}{AXE_URL}", lambda route: route.fulfill(body=source, content_type="text/javascript"))
        page.add_script_tag(url=f"{server}{AXE_URL}")
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " summary: n.failureSummary}))}))",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}) at {node['target']}: {' '.join(node['summary'].split())}"
        for v in violations
        if v["impact"] in FAILING_IMPACTS
        for node in v["nodes"]
    ]


def watch_console(context, problems):
    """Fill `problems` with the console errors, uncaught exceptions and failed requests (4xx, 5xx) of every page
    of a browser context."""
    context.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text} ({msg.page.url})"))
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error} ({error.page.url})"))
    context.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url} ({r.frame.url})"))
    # A request the browser aborted because its page moved on (net::ERR_ABORTED) did not fail.
    context.on(
        "requestfailed",
        lambda r: (
            "ERR_ABORTED" not in (r.failure or "") and problems.append(f"failed: {r.url} {r.failure} ({r.frame.url})")
        ),
    )
