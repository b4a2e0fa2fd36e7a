"""gunicorn hooks: the multiprocess directory is wiped of old samples, nothing else."""

import os
import runpy

from tests.observability.artefacts import REPO


def test_on_starting_wipes_old_samples_only(tmp_path, monkeypatch):
    (tmp_path / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "histogram_456.db").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(REPO / "cms" / "gunicorn.conf.py"))
    config["on_starting"](server=None)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.txt"]
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)


def test_on_starting_makes_a_directory_when_none_is_configured(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    config = runpy.run_path(str(REPO / "cms" / "gunicorn.conf.py"))
    config["on_starting"](server=None)
    made = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    assert os.path.isdir(made) and os.listdir(made) == []
    os.rmdir(made)


def test_the_access_log_is_structured_and_the_logging_config_shared():
    config = runpy.run_path(str(REPO / "cms" / "gunicorn.conf.py"))
    assert config["logger_class"] == "serving.access_log.JsonAccessLogger"
    assert config["logconfig_dict"]["root"]["handlers"] == ["stdout"]
    assert config["preload_app"] is True  # tracing is still set up after fork (post_fork)
