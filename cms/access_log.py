"""gunicorn's logger, writing one JSON object a line (access and error logs).

Log shippers (Fluent Bit, CloudWatch) parse JSON without per-format rules, and an access
line carries the request id the app echoes, so it joins the app's own log lines and the
trace. gunicorn's own ``access_log_format`` only escapes double quotes, so a backslash
in a URL would break a JSON template; this logger serialises with ``json.dumps`` instead.
Selected in ``cms/gunicorn.conf.py`` with ``logger_class`` (gunicorn's extension point):
https://docs.gunicorn.org/en/stable/settings.html#logger-class

``LOG_FORMAT=text`` keeps gunicorn's plain formats (handy in a terminal).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter


def log_format_is_json() -> bool:
    """JSON unless ``LOG_FORMAT=text`` (the same variable the Django settings read)."""
    return os.environ.get("LOG_FORMAT", "json").strip().lower() != "text"


def json_formatter_build() -> logging.Formatter:
    """The JSON formatter shared by gunicorn's error and access logs."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def access_record_build(*, atoms: dict[str, Any]) -> dict[str, Any]:
    """The fields of one access line, from gunicorn's atoms (``Logger.atoms``).

    Header atoms are keyed ``{name}i`` (request) and ``{name}o`` (response), lower case.
    """
    duration_us = atoms.get("D") or 0
    return {
        "request_id": atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i"),
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "query": atoms.get("q") or "",
        "protocol": atoms.get("H"),
        "status": int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
        "response_bytes": atoms.get("B"),
        "duration_ms": round(duration_us / 1000, 3),
        "remote_addr": atoms.get("h"),
        "forwarded_for": atoms.get("{x-forwarded-for}i"),
        "user_agent": atoms.get("a"),
        "referer": atoms.get("f"),
    }


class JsonLogger(Logger):
    """gunicorn's Logger with JSON formatters and a JSON access record."""

    def setup(self, cfg):
        super().setup(cfg)
        if not log_format_is_json():
            return
        formatter = json_formatter_build()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        if not log_format_is_json():
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        try:
            record = access_record_build(atoms=self.atoms(resp, req, environ, request_time))
            self.access_log.info("request", extra=record)
        except Exception:
            # A logging failure must never fail the response (gunicorn does the same).
            self.exception("access log failed")
