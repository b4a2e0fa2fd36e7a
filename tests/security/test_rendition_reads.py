"""A 40 Mpx image read anonymously from gunicorn: the read never decodes the original, so
it answers at once and the worker's memory does not grow; the renditions come from
``manage.py image_renditions`` (the worker's job), after which reads serve them.

Timings are printed (``-s``) for loadtests/RESULTS.md, never asserted."""

import json
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.paths import REPO
from tests.servers import app_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

WIDTH, HEIGHT = 7700, 5150  # 39.7 Mpx, just under WAGTAILIMAGES_MAX_IMAGE_PIXELS
# Decoding it takes about 119 MB (RGB); a read that decoded it would grow by that much.
RSS_GROWTH_LIMIT_KB = 40 * 1024

MAKE_IMAGE = f"""
import io
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from wagtail.images import get_image_model
picture = Image.new("RGB", ({WIDTH}, {HEIGHT}), (30, 60, 90))
ImageDraw.Draw(picture).ellipse((1000, 1000, 6000, 4000), fill=(200, 120, 40))
buffer = io.BytesIO()
picture.save(buffer, format="JPEG", quality=85)
image = get_image_model()(title="Forty megapixels")
image.file = ImageFile(io.BytesIO(buffer.getvalue()), name="forty.jpg")
image.save()
print(image.pk)
"""


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _get(port: int, path: str) -> tuple[float, dict]:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as response:
        body = json.loads(response.read())
    return time.perf_counter() - started, body


@pytest.fixture(scope="module")
def big_image_server(live_server_env):
    env = {**live_server_env, "IMAGE_RENDITIONS_ON_SAVE": "0"}
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", MAKE_IMAGE],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    image_id = int(made.stdout.strip().splitlines()[-1])
    with app_server(
        env=env, log_dir=Path(env["LIVE_LOG_DIR"]), workers=1, threads=4, name="gunicorn-images"
    ) as server:
        yield server.port, server.process, image_id, env


def test_a_40_megapixel_image_read_anonymously_never_decodes_it(big_image_server):
    port, process, image_id, env = big_image_server
    worker = _worker_pid(process.pid)
    for _ in range(3):  # the worker's imports and first-request work, before measuring
        _get(port, "/api/v2/images/?limit=1")
        _get(port, "/api/v2/pages/?type=blog.BlogPostPage&limit=1")
    before = _rss_kb(worker)

    first, data = _get(port, f"/api/v2/images/{image_id}/")
    # Six readers at once, as in the report that found renditions made inside reads.
    with ThreadPoolExecutor(max_workers=6) as pool:
        concurrent = list(
            pool.map(lambda _: _get(port, f"/api/v2/images/{image_id}/?fields=*"), range(6))
        )
    after = _rss_kb(worker)

    original = data["meta"]["download_url"]
    assert data["srcset"] == [{"url": original, "width": WIDTH, "height": HEIGHT, "format": "jpeg"}]
    assert data["placeholder"] is None
    assert all(body["srcset"][0]["url"] == original for _, body in concurrent)
    assert after - before < RSS_GROWTH_LIMIT_KB, (before, after)

    started = time.perf_counter()
    made = subprocess.run(
        [sys.executable, "manage.py", "image_renditions"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    generation = time.perf_counter() - started
    assert "renditions made, 0 images failed" in made.stdout, made.stdout + made.stderr

    # A URL the response cache has not seen: with the embedded (per-process) cache the
    # command's invalidation cannot reach this server; with Redis it would.
    later = [_get(port, f"/api/v2/images/{image_id}/?fields=srcset,placeholder") for _ in range(5)]
    final = later[-1][1]
    assert [entry["width"] for entry in final["srcset"]][::3] == [320, 640, 960, 1280, 1920]
    assert final["placeholder"]["blurhash"]
    assert _rss_kb(worker) - before < RSS_GROWTH_LIMIT_KB

    print(
        f"\n40Mpx read: first {first * 1000:.0f} ms, 6 concurrent max "
        f"{max(t for t, _ in concurrent) * 1000:.0f} ms, worker RSS {before} -> {after} kB; "
        f"image_renditions {generation:.1f} s; later reads "
        f"{', '.join(f'{t * 1000:.0f}' for t, _ in later)} ms"
    )
