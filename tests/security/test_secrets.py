"""No secret is committed: every tracked file is scanned for credentials' shapes."""

import re
import subprocess

from tests.paths import REPO

# Shapes of real credentials (gitleaks' and AWS's documented formats).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
SECRET_PATTERNS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "private key": re.compile(r"-----BEGIN (RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    # A password inside a URL, unless it is an obvious placeholder.
    "password in a URL": re.compile(
        r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:"
        r"(?!(?i:pass|password|secret|changeme|example)\b|\$|\{|<|\*)[^/\s@'\"]{4,}@"
    ),
}

# Tests and the chart's CI values feed throwaway URLs with made-up passwords to what they
# test; the shapes that are unmistakably real credentials are still searched there.
FIXTURE_PATHS = ("tests/", "charts/blog/ci/")
FIXTURE_TOLERATED = {"password in a URL"}


def test_no_credentials_in_tracked_files():
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    found = []
    for name in filter(None, files):
        path = REPO / name.decode()
        if not path.is_file() or path.suffix in {".png", ".jpg", ".ico", ".woff2", ".lock"}:
            continue
        text = path.read_text(errors="ignore")
        for kind, pattern in SECRET_PATTERNS.items():
            if kind in FIXTURE_TOLERATED and name.decode().startswith(FIXTURE_PATHS):
                continue
            found += [f"{name.decode()}: {kind}: {m.group(0)[:40]}" for m in pattern.finditer(text)]
    assert found == []


def test_the_scan_recognises_what_it_looks_for():
    # Assembled at run time so this file does not match its own scan.
    samples = {
        "AWS access key id": "AKIA" + "IOSFODNN7EXAMPLE",
        "private key": "-----BEGIN RSA " + "PRIVATE KEY-----",
        "GitHub token": "ghp_" + "a" * 36,
        "password in a URL": "postgres://blog:" + "hunter2-real@db.internal:5432/blog",
    }
    for kind, sample in samples.items():
        assert SECRET_PATTERNS[kind].search(sample), kind
    assert not SECRET_PATTERNS["password in a URL"].search("postgres://user:pass@host:5432/db")
