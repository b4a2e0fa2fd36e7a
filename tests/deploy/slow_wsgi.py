"""A WSGI app whose one request holds until the test lets it go.

Lets a test send SIGTERM to gunicorn (run with the project's config) while a request is
in flight, without timing guesses: the app marks that it started, then waits for a file.
"""

import os
import time
from pathlib import Path

STARTED = Path(os.environ["SLOW_WSGI_STARTED"])
RELEASE = Path(os.environ["SLOW_WSGI_RELEASE"])


def application(environ, start_response):
    STARTED.touch()
    for _ in range(600):  # bounded: at most about 60 s
        if RELEASE.exists():
            break
        time.sleep(0.1)
    body = b"finished\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
