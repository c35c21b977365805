"""A web worker loads what serving pages needs: the libraries behind the poster, the charts and calendar servers are
imported by the code that uses them, so they take no memory in every worker."""
from __future__ import annotations

import json
import subprocess
import sys

from portal.config import ROOT

HEAVY = ("fpdf", "segno", "pygal", "lxml", "caldav", "niquests", "msal", "scipy.optimize")


def test_the_app_starts_without_the_heavy_libraries_only_some_pages_use(tmp_path):
    probe = (
        "import json, sys\n"
        "from portal import create_app\n"
        "create_app()\n"
        f"print(json.dumps(sorted(name for name in {list(HEAVY)!r} if name in sys.modules)))\n"
    )
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_poster_and_a_chart_still_draw(tmp_path):
    probe = (
        "from portal.dashboard.charts import Chart\n"
        "svg = Chart('k', 'Pairs', 'Two pairs', ['Mon'], [('pairs', [2])]).svg()\n"
        "assert '<svg' in svg and 'svg-k-title' in svg, svg[:200]\n"
        "from portal.promotion import poster\n"
        "assert poster.qr_png('https://example.org/register').startswith(b'\\x89PNG')\n"
        "print('drawn')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0 and done.stdout.strip() == "drawn", done.stderr[-2000:]
