"""Importing any portal module writes no file and makes no secret: configuring happens in create_app."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a fresh interpreter inside a copy of the checkout. portal.config._secret is what makes the Flask secret
# key and the calendar key (and writes them to instance/ when the environment has none): it is replaced by a spy
# before anything else is imported, so a module that asks for a secret at import time is named.
IMPORT_EVERYTHING = """
import importlib, json, pkgutil, sys, traceback
import portal.config

asked = []
real_secret = portal.config._secret

def spy(name, file_name, environ):
    asked.append(file_name)
    return real_secret(name, file_name, environ)

portal.config._secret = spy
import portal

failed = {}
def note(name):
    failed[name] = traceback.format_exc()

names = [info.name for info in pkgutil.walk_packages(portal.__path__, "portal.", onerror=note)]
for name in names:
    try:
        importlib.import_module(name)
    except Exception:
        note(name)
print(json.dumps({"imported": sorted(n for n in sys.modules if n.startswith("portal")), "failed": failed,
                  "asked": asked}))
"""


def _files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def _import_everything(checkout: Path, cwd: Path) -> dict:
    # No secrets and no deployment settings from the environment: a secret asked for would have to be generated.
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(PYTHONPATH=str(checkout), PYTHONDONTWRITEBYTECODE="1", HOME=str(cwd))
    done = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING], check=False, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_every_portal_module_writes_no_file(tmp_path):
    checkout, cwd = tmp_path / "checkout", tmp_path / "cwd"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "instance")
    for package in ("portal", "matching", "calendar_sync"):
        shutil.copytree(ROOT / package, checkout / package, ignore=ignore)
    shutil.copy(ROOT / "config.toml", checkout / "config.toml")
    cwd.mkdir()
    before_checkout, before_cwd = _files(checkout), _files(cwd)

    found = _import_everything(checkout, cwd)

    assert not found["failed"], found["failed"]
    modules = {path.relative_to(checkout).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
               for path in (checkout / "portal").rglob("*.py")}
    assert modules - set(found["imported"]) == set(), "some modules were not imported"
    assert found["asked"] == [], f"a secret was made at import time: {found['asked']}"
    assert _files(checkout) - before_checkout == set(), "importing wrote into the checkout"
    assert _files(cwd) - before_cwd == set(), "importing wrote into the working directory"
