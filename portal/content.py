"""Loading Markdown documents with front matter from content/, rendered safely."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
from markdown_it import MarkdownIt
from markupsafe import Markup

from portal.config import ROOT
from portal.per_request import read_once

CONTENT = ROOT / "content"
AUDIENCES = {"mentors": "For mentors", "mentees": "For mentees", "everyone": "For everyone", "admins": "For admins"}

# Raw HTML in the files is not passed through: the content is ours, but admins will edit copies of it.
_markdown = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(["table", "replacements", "smartquotes"])
_cache: dict[Path, tuple[float, "Document"]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Document:
    slug: str
    title: str
    summary: str
    order: int
    body: str
    meta: dict = field(default_factory=dict)

    @property
    def html(self) -> Markup:
        return Markup(_markdown.render(self.body))


def _read(path: Path) -> Document:
    post = frontmatter.load(path)
    meta = dict(post.metadata)
    return Document(
        slug=str(meta.get("slug") or path.stem), title=str(meta["title"]), summary=str(meta.get("summary", "")),
        order=int(meta.get("order", 0)), body=post.content, meta=meta,
    )


def load(path: Path) -> Document:
    """One document, re-read only when its file changed."""
    stamp = path.stat().st_mtime
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
    document = _read(path)
    with _lock:
        _cache[path] = (stamp, document)
    return document


def collection(name: str) -> list[Document]:
    """Every document of a folder under content/, in their order; the folder is listed once per request or job."""
    return list(read_once("content", name, lambda: _listed(name)))


def _listed(name: str) -> tuple[Document, ...]:
    folder = CONTENT / name
    return tuple(sorted((load(p) for p in folder.glob("*.md")), key=lambda d: (d.order, d.title)))


def find(name: str, slug: str) -> Document | None:
    return next((d for d in collection(name) if d.slug == slug), None)


def handbooks() -> list[Document]:
    return collection("handbooks")


def agendas() -> list[Document]:
    return collection("agendas")
