"""An invitation as one person receives it: the wave's subject and text with their name and their own links."""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from portal.launch import invitations, plan
from portal.models import OrgPerson, Program, Wave

_ADDRESS = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def sender(wave: Wave, program: Program) -> str:
    return wave.sender_name or f"The {program.name} team"


def letter(wave: Wave, program: Program, person: OrgPerson, addresses: invitations.Addresses | None = None) -> Letter:
    """The invitation for one person; the unsubscribe link is added at the end when the text leaves it out."""
    addresses = addresses or invitations.Addresses.now()
    unsubscribe = addresses.unsubscribe_url(person)
    values = {
        "first_name": person.name.split()[0] if person.name.strip() else person.name,
        "name": person.name, "department": person.department or "your department", "programme": program.name,
        "sender": sender(wave, program), "link": addresses.invite_url(person),
        "unsubscribe": unsubscribe,
    }
    text = plan.fill(wave.body, values).rstrip() + "\n"
    if "{unsubscribe}" not in wave.body:
        text += f"\n--\nNot interested? Stop these invitations: {unsubscribe}\n"
    return Letter(subject=plan.fill(wave.subject, values), text=text, html=_html(text))


def _html(text: str) -> str:
    """The text as HTML paragraphs, its addresses as links."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        escaped = str(escape(block))
        linked = _ADDRESS.sub(lambda found: f'<a href="{found.group(0)}">{found.group(0)}</a>', escaped)
        paragraphs.append(f"<p>{linked.replace(chr(10), '<br>')}</p>")
    return str(Markup("<!doctype html><html><body>{}</body></html>").format(Markup("\n".join(paragraphs))))


def headers(wave: Wave) -> list[dict]:
    """The outbox part that puts the sender's name on the message and sends replies to the Reply-To address."""
    if not (wave.sender_name or wave.reply_to):
        return []
    return [{"kind": "headers", "from_name": wave.sender_name, "reply_to": wave.reply_to}]
