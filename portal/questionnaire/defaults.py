"""The questions a new programme starts with, drawn from how real programmes ask."""
from __future__ import annotations

DEPARTMENTS = [
    "Engineering",
    "Product",
    "Design",
    "Data & Analytics",
    "Sales",
    "Marketing",
    "Customer Success",
    "Finance",
    "People & HR",
    "Operations",
    "Legal",
    "IT & Security",
]

SENIORITY = [
    "Individual contributor",
    "Senior individual contributor",
    "Team lead",
    "Manager",
    "Senior manager",
    "Director",
    "Executive",
]

LOCATION = ["Virtual", "In person", "Either"]

# The built-in questions whose weight matching reads (portal/pairing/directory.py, weights): only these offer one.
# Matching compares answers it understands (skills, goals, hours, place, seniority, department); any other answer,
# custom questions' included, is shown to people but never scored, so a weight there would change nothing.
MATCHED_KEYS = frozenset({"grow", "strengths", "goals_6m", "goals_achieved", "working_hours", "location", "seniority",
                          "department"})

# key, prompt, help text, kind, audience, required, options, matching weight, shown to mentees browsing mentors
DEFAULT_QUESTIONS = [
    ("role_title", "What is your job title?", "", "text", "both", True, [], 0.0, True),
    ("department", "Which department are you in?", "", "choice", "both", True, DEPARTMENTS, 1.0, True),
    ("seniority", "How senior is your role?", "Helps pair mentees with mentors a step or two ahead.",
     "choice", "both", False, SENIORITY, 0.5, True),
    ("goals_6m", "What do you want to achieve in the next 6 months?",
     "Be concrete: a skill, a project, a step in your career.", "paragraph", "mentee", True, [], 2.0, False),
    ("goals_long", "What are your longer-term goals?", "Where would you like to be in two or three years?",
     "paragraph", "mentee", False, [], 1.0, False),
    ("goals_achieved", "Which goals have you achieved that you could advise someone on?",
     "For example: moved from engineering into product, led a team through a reorganisation, got promoted twice.",
     "paragraph", "mentor", True, [], 2.0, True),
    ("strengths", "Which strengths could you mentor someone on?",
     "Pick from the list or type your own, separated by commas.", "skills", "mentor", True, [], 3.0, True),
    ("grow", "Which skills do you want to grow?",
     "Pick from the list or type your own, separated by commas.", "skills", "mentee", True, [], 3.0, False),
    ("location", "How would you like to meet?", "", "choice", "both", True, LOCATION, 1.0, True),
    ("timezone", "Which time zone do you work in?", "", "timezone", "both", True, [], 0.0, True),
    ("working_hours", "What are your usual working hours?", "In your own time zone; used to suggest meeting times.",
     "working_hours", "both", True, [], 1.0, False),
    ("capacity", "How many mentees can you take?",
     "Two or three mentees double or triple what the programme can offer, and count toward accreditation hours.",
     "choice", "mentor", True, ["1", "2", "3"], 0.0, True),
]
