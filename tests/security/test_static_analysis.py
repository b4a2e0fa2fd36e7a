"""bandit finds nothing of medium severity or above in the application code."""

import subprocess
import sys

from tests.paths import REPO


def test_bandit_is_clean_at_medium_severity():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "cms", "serving", "blog", "api", "-ll", "-f", "txt"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No issues identified." in result.stdout
