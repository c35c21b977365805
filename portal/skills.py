"""The skill vocabulary: canonical names and their aliases, and normalising what people type."""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from portal import audit, events, steady
from portal.db import database
from portal.models import Skill, SkillAlias

# name -> (category, aliases); admins extend it later, this is the starting vocabulary.
DEFAULT_VOCABULARY: dict[str, tuple[str, list[str]]] = {
    "Python": ("Technical", ["py", "python3"]),
    "JavaScript": ("Technical", ["js", "ecmascript", "typescript", "ts"]),
    "Java": ("Technical", ["jvm", "kotlin"]),
    "Go": ("Technical", ["golang"]),
    "SQL": ("Technical", ["databases", "postgres", "postgresql", "mysql"]),
    "Cloud architecture": ("Technical", ["aws", "azure", "gcp", "cloud"]),
    "System design": ("Technical", ["architecture", "software architecture", "distributed systems"]),
    "Machine learning": ("Technical", ["ml", "ai", "artificial intelligence", "deep learning"]),
    "Data analysis": ("Technical", ["analytics", "data analytics", "excel", "bi", "business intelligence"]),
    "Data engineering": ("Technical", ["etl", "data pipelines"]),
    "DevOps": ("Technical", ["ci/cd", "sre", "site reliability", "infrastructure"]),
    "Cybersecurity": ("Technical", ["security", "infosec", "appsec"]),
    "Testing and quality": ("Technical", ["qa", "quality assurance", "test automation"]),
    "Code review": ("Technical", ["reviewing code"]),
    "Technical writing": ("Technical", ["documentation", "docs"]),
    "Product management": ("Product", ["pm", "product owner", "product strategy"]),
    "Roadmapping": ("Product", ["roadmap", "prioritisation", "prioritization"]),
    "User research": ("Product", ["ux research", "customer research", "user interviews"]),
    "UX design": ("Product", ["ux", "user experience", "interaction design"]),
    "Visual design": ("Product", ["ui design", "graphic design"]),
    "Experimentation": ("Product", ["a/b testing", "ab testing"]),
    "Leadership": ("Leadership", ["leading", "leader"]),
    "People management": ("Leadership", ["managing people", "line management", "team management", "management"]),
    "Giving feedback": ("Leadership", ["feedback", "difficult feedback", "constructive feedback"]),
    "Coaching": ("Leadership", ["coaching others", "mentoring"]),
    "Hiring and interviewing": ("Leadership", ["hiring", "recruiting", "interviewing", "recruitment"]),
    "Delegation": ("Leadership", ["delegating"]),
    "Building teams": ("Leadership", ["team building", "scaling teams"]),
    "Change management": ("Leadership", ["leading change", "transformation", "reorganisation", "reorg"]),
    "Strategic thinking": ("Leadership", ["strategy", "strategic planning", "vision"]),
    "Decision making": ("Leadership", ["decisions", "judgement", "judgment"]),
    "Executive presence": ("Leadership", ["gravitas", "presence"]),
    "Stakeholder management": ("Collaboration", ["stakeholders", "managing stakeholders", "stakeholder mgmt", "managing up"]),
    "Negotiation": ("Collaboration", ["negotiating", "deal making"]),
    "Conflict resolution": ("Collaboration", ["conflict", "difficult conversations", "resolving conflict"]),
    "Cross-functional collaboration": ("Collaboration", ["collaboration", "cross-team work", "teamwork"]),
    "Influencing without authority": ("Collaboration", ["influence", "influencing", "persuasion"]),
    "Networking": ("Collaboration", ["building a network", "relationship building"]),
    "Public speaking": ("Communication", ["presenting", "presentations", "speaking", "keynotes", "talks"]),
    "Business writing": ("Communication", ["writing", "written communication", "email writing"]),
    "Storytelling": ("Communication", ["narrative", "storytelling with data"]),
    "Active listening": ("Communication", ["listening"]),
    "Facilitation": ("Communication", ["running workshops", "workshops", "running meetings"]),
    "Project management": ("Delivery", ["project delivery", "pmp", "programme management", "program management"]),
    "Agile practices": ("Delivery", ["agile", "scrum", "kanban"]),
    "Process improvement": ("Delivery", ["lean", "six sigma", "operational excellence"]),
    "Time management": ("Personal effectiveness", ["prioritising time", "productivity", "focus"]),
    "Career planning": ("Personal effectiveness", ["career development", "career growth", "promotion"]),
    "Work-life balance": ("Personal effectiveness", ["wellbeing", "well-being", "avoiding burnout", "burnout"]),
    "Resilience": ("Personal effectiveness", ["handling setbacks", "grit"]),
    "Confidence": ("Personal effectiveness", ["self-confidence", "impostor syndrome", "imposter syndrome"]),
    "Emotional intelligence": ("Personal effectiveness", ["eq", "empathy", "self-awareness"]),
    "Personal branding": ("Personal effectiveness", ["visibility", "self-promotion"]),
    "Financial acumen": ("Business", ["finance for non-finance", "budgeting", "p&l", "business finance"]),
    "Business strategy": ("Business", ["corporate strategy", "business planning"]),
    "Sales": ("Business", ["selling", "closing deals", "account management"]),
    "Marketing": ("Business", ["brand", "growth marketing", "go-to-market", "gtm"]),
    "Customer focus": ("Business", ["customer success", "customer experience", "cx"]),
    "Entrepreneurship": ("Business", ["intrapreneurship", "starting a business", "startups"]),
    "Data-driven decisions": ("Business", ["metrics", "kpis", "okrs"]),
    "Diversity, equity and inclusion": ("Culture", ["dei", "d&i", "inclusion", "diversity", "inclusive leadership"]),
    "Remote work": ("Culture", ["remote teams", "distributed teams", "hybrid work"]),
    "Onboarding": ("Culture", ["new hires", "getting started"]),
    "Returning to work": ("Culture", ["career break", "parental leave return"]),
}


def seed_vocabulary() -> int:
    """Add the default vocabulary where missing; returns how many skills were added."""
    existing = {s.name for s in Skill.select(Skill.name)}
    taken = {a.alias for a in SkillAlias.select(SkillAlias.alias)}
    added = 0
    with database.atomic():
        for name, (category, aliases) in DEFAULT_VOCABULARY.items():
            if name in existing:
                continue
            skill = Skill.create(name=name, category=category)
            added += 1
            for alias in aliases:
                if alias.lower() not in taken:
                    SkillAlias.create(skill=skill, alias=alias.lower())
                    taken.add(alias.lower())
    return added


def lookup() -> dict[str, str]:
    """Lower-case name or alias -> canonical skill name (kept per process until the vocabulary changes)."""
    return steady.kept("skill_lookup", _read_lookup, dict)


def _read_lookup() -> dict[str, str]:
    table = {s.name.lower(): s.name for s in Skill.select(Skill.name)}
    query = SkillAlias.select(SkillAlias.alias, Skill.name).join(Skill)
    for alias, name in query.tuples():
        table.setdefault(alias, name)
    return table


@dataclass(frozen=True)
class Reading:
    """How one typed skill was read: the vocabulary's name for it, or the text kept as typed (known=False)."""

    typed: str
    name: str
    known: bool

    @property
    def changed(self) -> bool:
        """Whether the person would see a different word than they typed (not just other capitals)."""
        return self.known and self.name.lower() != self.typed.lower()


def _allowed_typos(text: str) -> int:
    # Short words have near neighbours everywhere ("java"/"jav", "ux"/"ui"): only longer ones are corrected,
    # and by more edits the longer they are.
    length = len(text)
    if length < 4:
        return 0
    return 1 if length < 9 else 2 if length < 16 else 3


def read(entry: str, table: dict[str, str]) -> Reading | None:
    """The vocabulary skill someone meant by `entry`: exact name or alias, else one typo or transposition away
    (more for long entries), else a name of two words or more cut short, provided exactly one skill fits. None for an
    empty entry."""
    text = " ".join(entry.split())
    if not text:
        return None
    key = text.lower()
    if key in table:
        return Reading(text, table[key], True)
    allowed = _allowed_typos(key)
    if allowed:
        hits = process.extract(key, list(table), scorer=OSA.distance, score_cutoff=allowed, limit=None)
        if hits:
            nearest = min(distance for _, distance, _ in hits)
            meant = {table[alias] for alias, distance, _ in hits if distance == nearest}
            if len(meant) == 1:
                return Reading(text, meant.pop(), True)
    if len(key.split()) >= 2 and len(key) >= 8:
        # A name cut short ("public speak"): only when a single skill's names begin that way.
        meant = {name for alias, name in table.items() if alias.startswith(key)}
        if len(meant) == 1:
            return Reading(text, meant.pop(), True)
    return Reading(text, text, False)


def readings(entries: list[str], table: dict[str, str] | None = None) -> list[Reading]:
    """How each typed skill was read, in order, duplicates (after reading) dropped."""
    table = lookup() if table is None else table
    result, seen = [], set()
    for entry in entries:
        reading = read(entry, table)
        if reading is not None and reading.name.lower() not in seen:
            seen.add(reading.name.lower())
            result.append(reading)
    return result


def normalise(entries: list[str], table: dict[str, str] | None = None) -> list[str]:
    """Canonical names for known skills (typos corrected), tidied free text for the rest; duplicates dropped."""
    return [reading.name for reading in readings(entries, table)]


def describe(read: list[Reading]) -> str | None:
    """What became of the typed skills, for the person who typed them; None when every word stayed as typed."""
    changed = [f"“{r.typed}” → {r.name}" for r in read if r.changed]
    unknown = [f"“{r.typed}”" for r in read if not r.known]
    parts = []
    if changed:
        parts.append("We read your skills as the programme names them: " + ", ".join(changed) + ".")
    if unknown:
        parts.append("Kept as you typed " + ("them" if len(unknown) > 1 else "it") + ", as the vocabulary does not know "
                     + ("them" if len(unknown) > 1 else "it") + ": " + ", ".join(unknown)
                     + ". Searches find these words, but matching only counts skills from the vocabulary.")
    return " ".join(parts) or None


def names() -> list[str]:
    return [s.name for s in Skill.select(Skill.name).order_by(Skill.name)]


class VocabularyError(Exception):
    pass


MAX_ALIAS = 60  # as long as a skill's own name may be


def add_skill(name: str, aliases: list[str], category: str, actor) -> Skill:
    """A new vocabulary skill with its aliases; names and aliases stay unique, case-insensitively."""
    name = " ".join(name.split())
    table = lookup()
    if name.lower() in table:
        raise VocabularyError(f"“{name}” is already in the vocabulary (as {table[name.lower()]}).")
    with database.atomic():
        skill = Skill.create(name=name, category=" ".join(category.split()))
        _add_aliases(skill, aliases, table)
        audit.record(actor, "skill.add", f"skill:{skill.id}", name=name, aliases=aliases)
    events.vocabulary_changed.send(skill, aliases=aliases, actor=actor)
    return skill


def add_aliases(skill: Skill, aliases: list[str], actor) -> list[str]:
    """More words that mean this skill; returns the ones added."""
    if not any(a.strip() for a in aliases):
        raise VocabularyError("Type at least one word, separated by commas.")
    with database.atomic():
        added = _add_aliases(skill, aliases, lookup())
        if added:
            audit.record(actor, "skill.alias", f"skill:{skill.id}", aliases=added)
    if added:
        events.vocabulary_changed.send(skill, aliases=added, actor=actor)
    return added


def _add_aliases(skill: Skill, aliases: list[str], table: dict[str, str]) -> list[str]:
    added = []
    for alias in dict.fromkeys(" ".join(a.lower().split()) for a in aliases):
        if not alias:
            continue
        if len(alias) > MAX_ALIAS:
            raise VocabularyError(f"Keep each word under {MAX_ALIAS} characters (“{alias[:20]}…”).")
        if alias in table:
            raise VocabularyError(f"“{alias}” already means {table[alias]}.")
        SkillAlias.create(skill=skill, alias=alias)
        table[alias] = skill.name
        added.append(alias)
    return added

