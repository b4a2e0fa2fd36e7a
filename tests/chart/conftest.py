import helm_python as helm
import pytest

from tests.chart.manifests import CHART_DIR


@pytest.fixture(scope="session")
def chart() -> helm.Chart:
    """The chart as Helm loads it (templates, values, schema, files)."""
    return helm.Chart.load(CHART_DIR)
