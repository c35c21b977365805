"""The participant mix bench/load.py drives with locust: who does what, how often, and under which name it counts.

Accounts come from the JSON file named by BENCH_ACCOUNTS (written by bench/load.py from the loaded database). Every
request is named by its kind, so locust's statistics come out per kind. BENCH_HEALTHZ=1 swaps the mix for one user
class that only asks /healthz, for the server's ceiling. BENCH_FLOOR=1 asks the signed-in home page in place of the
pages the mix browses (searches, profiles, match pages, session offers), under the same names; sign-ins, the inbox,
the questionnaire and every write stay as they are.
"""
from __future__ import annotations

import html
import json
import os
import random
import re
from html.parser import HTMLParser
from itertools import count
from urllib.parse import urlencode

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpSession, FastHttpUser

ACCOUNTS = json.load(open(os.environ["BENCH_ACCOUNTS"])) if os.environ.get("BENCH_ACCOUNTS") else {}
PASSWORD = ACCOUNTS.get("password", "demo-password")
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
APPROVE = re.compile(r'/requests/(\d+)/approve')
RESULTS = {"HX-Request": "true", "HX-Target": "results", "HX-Current-URL": "/mentors"}
_fresh_mentees = iter(ACCOUNTS.get("fresh_mentees", []))
_mentor_ids = ACCOUNTS.get("mentor_ids", [])
_saves = count(1)
# Seconds a simulated person waits between requests: none by default, so the run measures what the server can take.
THINK = float(os.environ.get("BENCH_THINK_SECONDS", "0"))
FLOOR = os.environ.get("BENCH_FLOOR") == "1"


def _typo(word: str, rng: random.Random) -> str:
    """A dropped or swapped letter, as people type in a hurry."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _read(client, path: str, name: str, **kwargs):
    """A page the mix browses, or the home page in its place in a floor run."""
    return client.get("/", name=name) if FLOOR else client.get(path, name=name, **kwargs)


def _login(session, email: str) -> str:
    """Sign in on this session; the CSRF token its forms use."""
    page = session.get("/login", name="login").text
    session.post("/login", data={"csrf_token": TOKEN.search(page).group(1), "email": email, "password": PASSWORD},
                 name="login", allow_redirects=False)
    return TOKEN.search(session.get("/", name="home").text).group(1)


class Mentee(FastHttpUser):
    """A mentee browsing: searches (with and without typos, page and htmx), profiles, shortlist changes."""

    weight = 8
    wait_time = between(0, THINK)

    def on_start(self):
        self.rng = random.Random()
        self.token = _login(self.client, self.rng.choice(ACCOUNTS["mentees"]))

    def _query(self) -> str:
        return self.rng.choice(ACCOUNTS["words"])

    @task(3)
    def search_page(self):
        _read(self.client, "/mentors", "search_page", params={"q": self._query()})

    @task(4)
    def search_htmx(self):
        _read(self.client, "/mentors", "search_htmx", params={"q": self._query()}, headers=RESULTS)

    @task(2)
    def search_typo(self):
        kind = self.rng.choice(["page", "htmx"])
        _read(self.client, "/mentors", f"search_typo_{kind}", params={"q": _typo(self._query(), self.rng)},
              headers=RESULTS if kind == "htmx" else {})

    @task(4)
    def profile(self):
        _read(self.client, f"/mentors/{self.rng.choice(_mentor_ids)}", "profile")

    @task(2)
    def shortlist(self):
        mentor = self.rng.choice(_mentor_ids)
        for action in ("add", "remove"):
            self.client.post(f"/shortlist/{mentor}", data={"csrf_token": self.token, "action": action},
                             headers={"HX-Request": "true"}, name="shortlist")


class Pair(FastHttpUser):
    """A matched mentor or mentee on their match page and its session offers."""

    weight = 3
    wait_time = between(0, THINK)

    def on_start(self):
        self.match = random.choice(ACCOUNTS["matches"])
        _login(self.client, random.choice(self.match["members"]))

    @task(2)
    def match_page(self):
        _read(self.client, f"/matches/{self.match['id']}", "match")

    @task(2)
    def session_offers(self):
        _read(self.client, f"/matches/{self.match['id']}/sessions", "session_offers", headers={"HX-Request": "true"})


class Asking(FastHttpUser):
    """A new mentee shortlists a mentor with room and asks; the mentor opens their inbox and approves."""

    weight = 2
    wait_time = between(0, THINK)

    @task
    def ask_and_approve(self):
        person = next(_fresh_mentees, None)
        if person is None:
            return
        mentee = FastHttpSession(self.host, self.environment.events.request, self)
        token = _login(mentee, person["mentee"])
        mentee.post(f"/shortlist/{person['mentor_id']}", data={"csrf_token": token, "action": "add"},
                    name="shortlist", allow_redirects=False)
        mentee.post("/requests", data={"csrf_token": token, "message": "I would like to learn from you."},
                    name="request", allow_redirects=False)
        mentor = FastHttpSession(self.host, self.environment.events.request, self)
        token = _login(mentor, person["mentor"])
        found = APPROVE.search(mentor.get("/inbox", name="inbox").text)
        if found:
            mentor.post(f"/requests/{found.group(1)}/approve", data={"csrf_token": token}, name="approve",
                        allow_redirects=False)


class _Form(HTMLParser):
    """The fields of the questionnaire form as a browser would send them back."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self._textarea = self._select = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""
            self.texts.append(a.get("name"))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, html.unescape(self._text)))
            self._textarea = None
        elif tag == "select":
            self._select = None


class AnswerSaver(FastHttpUser):
    """One mentor saves their answers every 10 s (their profile changes, so the directory index must follow)."""

    fixed_count = 1
    wait_time = constant(10)

    def on_start(self):
        _login(self.client, ACCOUNTS["saver"])

    @task
    def save_answers(self):
        form = _Form()
        form.feed(self.client.get("/questionnaire", name="questionnaire").text)
        # The last free-text answer changes, so each save is a real change to the profile.
        changed = form.texts[-1] if form.texts else None
        fields = [(name, re.sub(r"( Revision \d+\.)?$", f" Revision {next(_saves)}.", value, count=1)
                   if name == changed else value) for name, value in form.fields]
        self.client.post("/questionnaire", data=urlencode(fields), name="save_answers", allow_redirects=False,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})


class Healthz(FastHttpUser):
    """The ceiling: the same server answering its cheapest page."""

    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


if os.environ.get("BENCH_HEALTHZ") == "1":
    del Mentee, Pair, Asking, AnswerSaver
else:
    del Healthz
