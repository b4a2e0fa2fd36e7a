"""axe-core in the browser tests: no critical or serious violation outside the allow-list.

axe-core comes from npm at the version locked in ``tests/browser/axe/package-lock.json``
(``npm ci --prefix tests/browser/axe``, run by ``.ci/run``) and is injected into the page
under test. Violations that are Wagtail's own and cannot be fixed from this project are
listed in ``WAGTAIL_ALLOWED`` with the upstream reference; anything else fails the test.
https://github.com/dequelabs/axe-core/blob/develop/doc/API.md
"""

import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"critical", "serious"}

# (rule id, CSS selector fragment of the node) → the upstream report explaining it.
WAGTAIL_ALLOWED: dict[tuple[str, str], str] = {
    # The report header's export button: its aria-label does not contain its visible text
    # (WCAG 2.5.3 Label in Name), a failure class of Wagtail's own admin chrome found in
    # its WCAG 2.2 audit: https://github.com/wagtail/wagtail/issues/11372 and
    # https://github.com/wagtail/wagtail/discussions/11180
    ("label-content-name-mismatch", ".w-slim-header-action-button"): (
        "https://github.com/wagtail/wagtail/issues/11372"
    ),
}


def axe_script() -> Path:
    """The locked axe-core build; fails in CI and skips elsewhere when not installed."""
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run `npm ci --prefix tests/browser/axe`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def axe_blocking_violations(page, *, context: str | dict = "body") -> list[dict]:
    """Critical and serious violations on ``page`` not excused by ``WAGTAIL_ALLOWED``."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    results = page.evaluate("async (context) => await axe.run(context)", context)
    blocking = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        nodes = [
            node
            for node in violation["nodes"]
            if not any(
                rule == violation["id"] and fragment in " ".join(map(str, node["target"]))
                for rule, fragment in WAGTAIL_ALLOWED
            )
        ]
        if nodes:
            blocking.append(
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "targets": [node["target"] for node in nodes][:10],
                }
            )
    return blocking


def assert_accessible(page, *, screen: str, context: str | dict = "body") -> None:
    violations = axe_blocking_violations(page, context=context)
    assert not violations, f"axe on {screen}: {violations}"
