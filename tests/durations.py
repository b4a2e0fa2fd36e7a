"""Modules run longest first, by the durations recorded in ``tests/durations.json``.

``make test`` hands each module to one pytest-xdist worker as a whole (``--dist
loadfile``), the next module to whichever worker is free. A long module handed out last
is the suite's tail, with the other workers idle; handed out first, the short modules fill
the gaps around it (longest-processing-time-first scheduling). A module with no recorded
duration (a new one) runs after the recorded modules when it holds a ``slow`` test, and
last otherwise.

``make test-durations`` runs the suite and records each module's seconds (set-up, call
and teardown of its tests, as the workers reported them) for the next runs.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest

DURATIONS = Path(__file__).with_name("durations.json")


def _module(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def recorded() -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text())
    except FileNotFoundError:
        return {}


def longest_first(items: list[pytest.Item]) -> None:
    """Reorder ``items`` in place: module by module, the longest recorded first."""
    seconds = recorded()
    slow = {_module(item.nodeid) for item in items if item.get_closest_marker("slow")}

    def key(item: pytest.Item) -> tuple[int, float]:
        module = _module(item.nodeid)
        if module in seconds:
            return (0, -seconds[module])
        return (1 if module in slow else 2, 0.0)

    items.sort(key=key)


class DurationsRecorder:
    """Sums each module's test durations from the reports, and writes them at the end."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[_module(report.nodeid)] += report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(session.config, "workerinput"):
            return  # the controller writes, from every worker's reports
        ordered = dict(sorted(self.seconds.items(), key=lambda item: -item[1]))
        rounded = {module: round(value, 1) for module, value in ordered.items()}
        DURATIONS.write_text(json.dumps(rounded, indent=1) + "\n")
