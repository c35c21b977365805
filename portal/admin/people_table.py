"""The admin's people table: search, filters, sort and one page of participants in a fixed handful of queries."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from peewee import JOIN, fn

from portal.models import Answer, Match, Participant, Program, Question, User

PAGE_SIZE = 50
STATUSES = {"active": "Taking part", "left": "Left", "deleted": "Deleted"}
CHOICES = ("yes", "no")
SORTS = {
    "name": (User.name, User.id, Participant.role),
    "email": (User.email, Participant.role),
    "role": (Participant.role, User.name, User.id),
    "status": (Participant.status, User.name, User.id),
    "questionnaire": (Participant.questionnaire_completed_at, User.name, User.id),
    "joined": (Participant.joined_at, Participant.id),
}


@dataclass(frozen=True)
class Filters:
    """What the table shows; a value it does not know is dropped, so a hand-typed address never fails."""

    q: str = ""
    role: str = ""
    status: str = ""
    department: str = ""
    finished: str = ""
    paired: str = ""
    sort: str = "name"
    order: str = "asc"

    @classmethod
    def from_args(cls, args, departments: list[str]) -> "Filters":
        """The filters from a query string."""
        def pick(name: str, allowed) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            q=(args.get("q") or "").replace("\x00", "").strip()[:200], role=pick("role", Participant.ROLES),
            status=pick("status", STATUSES), department=pick("department", departments),
            finished=pick("finished", CHOICES), paired=pick("paired", CHOICES),
            sort=pick("sort", SORTS) or "name", order=pick("order", ("asc", "desc")) or "asc",
        )

    def args(self, **changes) -> dict:
        """The query string of this view (with `changes`), without empty values, for links that keep it."""
        values = {**asdict(self), **changes}
        return {k: v for k, v in values.items() if v and not (k == "sort" and v == "name")
                and not (k == "order" and v == "asc")}


def department_question(program: Program) -> Question | None:
    """The questionnaire's department question, if the programme asks one."""
    return Question.get_or_none(Question.program == program, Question.key == "department",
                                Question.active == True)  # noqa: E712


def departments(question: Question | None) -> list[str]:
    """The departments a person may choose, in the questionnaire's order."""
    return [str(option) for option in (question.options or [])] if question else []


def _paired(program: Program):
    """Whether the participant has a match that has not ended, in their role."""
    def matched_as(column):
        return fn.EXISTS(Match.select(Match.id).where(column == Participant.user, Match.program == program,
                                                      Match.ended_at.is_null()))

    # One EXISTS per role, each an index look-up on its own column: a single EXISTS with an OR of the two sides
    # reads every match for every row (a minute at 15,000 participants).
    return (((Participant.role == "mentor") & matched_as(Match.mentor))
            | ((Participant.role == "mentee") & matched_as(Match.mentee)))


def query(program: Program, filters: Filters, question: Question | None):
    """Participants with their user, department answer and whether they are paired, filtered and sorted."""
    paired = _paired(program)
    department = Answer.alias("department")
    selected = [Participant, User, paired.alias("is_paired")]
    rows = Participant.select(*selected).join(User).switch(Participant)
    if question is not None:
        rows = rows.select_extend(department).join(
            department, JOIN.LEFT_OUTER, attr="department_answer",
            on=(department.user == Participant.user) & (department.question == question.id),
        )
    rows = rows.where(Participant.program == program)
    if filters.q:
        rows = rows.where(User.name.contains(filters.q) | User.email.contains(filters.q))
    if filters.role:
        rows = rows.where(Participant.role == filters.role)
    erased = User.email.endswith("@" + User.ERASED_DOMAIN)
    if filters.status == "active":
        rows = rows.where(Participant.status != "exited")
    elif filters.status == "left":
        rows = rows.where(Participant.status == "exited", ~erased)
    elif filters.status == "deleted":
        rows = rows.where(erased)
    if filters.department and question is not None:
        rows = rows.where(department.value == filters.department)
    if filters.finished:
        done = Participant.questionnaire_completed_at.is_null(False)
        rows = rows.where(done if filters.finished == "yes" else ~done)
    if filters.paired:
        rows = rows.where(paired if filters.paired == "yes" else ~paired)
    columns = SORTS[filters.sort]
    return rows.order_by(*[c.desc() if filters.order == "desc" else c.asc() for c in columns])


@dataclass(frozen=True)
class TablePage:
    """One page of the table and what its links need."""

    participants: list
    page: int
    pages: int
    total: int


def page_of(program: Program, filters: Filters, question: Question | None, page: int) -> TablePage:
    """One page: a count and the page's rows, two queries whatever the page size."""
    rows = query(program, filters, question)
    total = rows.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    return TablePage(list(rows.paginate(page, PAGE_SIZE)), page, pages, total)
