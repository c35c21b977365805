"""Take the README's screenshots from the demo data: the dashboard, the mentor directory and a match page.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

Loads the demo (`flask demo-data`'s people and story) into a temporary SQLite database, serves the portal on a free
loopback port and photographs each page at 1280 px wide with Debian's Chromium (`/usr/bin/chromium`).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WIDTH = 1280
PASSWORD = "demo-password"
# (file, who looks, the address or how to get there, how tall the picture is at most)
SHOTS = [
    ("dashboard.png", "admin@example.org", "/admin/dashboard", 2000),
    ("directory.png", "mentee@example.org", "/mentors", 1200),
    ("match.png", "mentor@example.org", "match", 1400),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(folder: str) -> tuple[subprocess.Popen, str]:
    """The portal with the demo loaded, served on a free port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.db"}
    flask = [str(BIN / "flask"), "--app", "portal"]
    subprocess.run([*flask, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "demo-data"], env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen([*flask, "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):  # a minute at most: a busy machine starts it slowly
        try:
            if requests.get(url + "/healthz", timeout=1).ok:
                return server, url
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("the portal did not start")


def photograph(url: str, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, email, address, tallest in SHOTS:
            context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="en-GB",
                                          timezone_id="Europe/London")
            page = context.new_page()
            page.goto(url + "/login")
            page.get_by_label("Email").fill(email)
            page.get_by_role("textbox", name="Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.get_by_role("button", name="Log out").wait_for()
            if address == "match":
                page.goto(url + "/inbox")  # the demo mentor's pairs, each linking to its match page
                page.locator("main a[href^='/matches/']").first.click()
            else:
                page.goto(url + address)
            page.wait_for_load_state("networkidle")
            height = min(tallest, page.evaluate("document.documentElement.scrollHeight"))
            page.set_viewport_size({"width": WIDTH, "height": height})
            path = out / name
            page.screenshot(path=str(path), type="png")
            print(f"{path}: {path.stat().st_size // 1024} KB, {WIDTH}x{height}")
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, url = serve(folder)
        try:
            photograph(url, out)
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
