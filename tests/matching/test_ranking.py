"""Ranking by fit for the mentee who is looking, with reasons; room, popular mentors and alternatives."""
from __future__ import annotations

import random
import re

from matching import FitWeights
from tests.matching.conftest import mentee, mentor


def order(ranking):
    return [r.id for r in ranking.results]


def test_a_mentor_on_what_the_mentee_wants_to_grow_comes_first_and_says_so(build):
    directory = build([mentor(1, "Alex Doe", skills=("Python",)), mentor(2, "Sam Okafor", skills=("Giving feedback",))])
    ranking = directory.rank(mentee(grow=("Giving feedback",)))
    assert order(ranking) == [2, 1]
    assert ranking.results[0].reasons[0] == "You want to grow Giving feedback; Sam mentors on it"
    assert ranking.results[0].common[0] == "Giving feedback"
    assert not any("grow" in reason for reason in ranking.results[1].reasons)


def test_grow_skills_match_through_aliases(build):
    directory = build([mentor(1, skills=("Python",)), mentor(2, "Sam Okafor", skills=("Public speaking",))])
    ranking = directory.rank(mentee(grow=("presenting", "feedback")))
    assert order(ranking)[0] == 2
    assert ranking.results[0].reasons[0] == "You want to grow Public speaking; Sam mentors on it"


def test_reasons_cover_hours_meeting_seniority_and_goals(build):
    directory = build([mentor(1, "Sam Okafor", seniority=3, location="Virtual", skills=("Stakeholder management",),
                              advises_on="Rebuilt a billing platform and its team after an outage.")])
    looking = mentee(seniority=1, goals="Get better at stakeholder management; lead our billing rebuild.")
    reasons = directory.fit(looking, 1).reasons
    assert "Your goals mention Stakeholder management; Sam mentors on it" in reasons
    assert "8 h of shared working hours" in reasons
    assert "Both prefer virtual meetings" in reasons
    assert "Two steps ahead of you in seniority" in reasons
    looking = mentee(goals="Lead our billing rebuild.")
    assert "Sam’s experience, close to your goals: “Rebuilt a billing platform and its team after an outage”" in (
        directory.fit(looking, 1).reasons)


def test_goal_words_are_never_listed_bare(build):
    """Matched words alone ("goals: engineer, step") read as gibberish: a reason quotes a sentence or is left out."""
    directory = build([mentor(1, "Sam Okafor", advises_on="Engineer. Step"),
                       mentor(2, "Ana Lima", advises_on="Took the step from engineer to engineering manager; "
                                                        "hired a team of eight.")])
    looking = mentee(goals="Take the next step as an engineer.")

    bare = directory.fit(looking, 1).reasons
    quoted = directory.fit(looking, 2).reasons

    assert not any("engineer" in reason.lower() or "step" in reason.lower() for reason in bare)
    assert "Ana’s experience, close to your goals: “Took the step from engineer to engineering manager”" in quoted
    assert not any(re.search(r"goals: \w+, \w+", reason) for reason in bare + quoted)


def test_cards_show_the_search_match_then_at_most_two_more(build):
    directory = build([mentor(1, "Sam Okafor", skills=("Python", "Giving feedback"), location="Virtual")])
    result = directory.rank(mentee(grow=("Giving feedback",)), query="pyhton").results[0]
    assert result.reasons == ["Matches “pyhton”: Python", "You want to grow Giving feedback; Sam mentors on it",
                              "8 h of shared working hours"]


def test_full_mentors_come_after_those_with_room_and_are_marked(build):
    directory = build([mentor(1, skills=("Python",), capacity=2, matched=2), mentor(2), mentor(3, matched=0)])
    ranking = directory.rank(mentee(grow=("Python",)))
    assert order(ranking) == [2, 3, 1]
    full = ranking.results[-1]
    assert full.full and full.room == 0 and not full.popular
    assert ranking.results[0].room == 1 and not ranking.results[0].full


def test_admin_browsing_ranks_by_relevance_then_room(build):
    directory = build([mentor(1, capacity=1), mentor(2, capacity=3, matched=1), mentor(3, capacity=3, matched=0),
                       mentor(4, capacity=2, matched=2)])
    assert order(directory.rank(None)) == [3, 2, 1, 4]
    directory = build([mentor(1, skills=("Python",), capacity=1, matched=1), mentor(2, capacity=3)])
    assert order(directory.rank(None, query="python")) == [1]  # full, but it is what was asked for


def test_popular_mentors_are_marked_and_sink_a_little(build):
    directory = build([mentor(1, skills=("Python",), capacity=2, matched=1, pending=1),
                       mentor(2, skills=("Python",), capacity=2, matched=1, pending=0)])
    ranking = directory.rank(mentee(grow=("Python",)))
    assert order(ranking) == [2, 1]
    assert ranking.results[1].popular and not ranking.results[1].full
    assert not ranking.results[0].popular


def test_alternatives_are_the_three_best_with_room(build):
    people = [mentor(1, "Priya Raman", skills=("Leadership", "Coaching"), capacity=1, matched=0, pending=2)]
    people += [mentor(n, skills=("Leadership",)) for n in range(2, 8)]
    people += [mentor(8, skills=("Leadership", "Coaching"), capacity=1, matched=1),  # full
               mentor(9, skills=("Leadership", "Coaching"), capacity=2, matched=1, pending=1)]  # popular
    directory = build(people)
    looking = mentee(grow=("Leadership",))
    offered = directory.alternatives(looking, exclude=[2])
    assert [r.id for r in offered] == [3, 4, 5]
    assert all(r.room > 0 and not r.full and not r.popular for r in offered)
    assert len(directory.alternatives(looking, count=10)) == 6


def test_alternatives_like_a_mentor_in_demand(build):
    people = [mentor(1, "Priya Raman", skills=("Leadership", "Coaching"), pending=1), mentor(2, skills=("Python",)),
              mentor(3, skills=("Coaching",)), mentor(4, skills=("Leadership", "Coaching"))]
    directory = build(people)
    offered = directory.alternatives(mentee(), like=1)
    assert [r.id for r in offered] == [4, 3, 2]
    assert offered[0].reasons[0] == "Also mentors on Leadership and Coaching, like Priya"


def test_fit_for_the_profile_page_keeps_every_reason(build):
    directory = build([mentor(1, "Sam Okafor", seniority=2, location="Virtual", skills=("Python", "Coaching"),
                              department="Engineering")])
    weights = FitWeights(department=1.0, department_mode="same")
    result = directory.fit(mentee(grow=("Python", "Coaching"), seniority=1), 1, weights)
    assert len(result.reasons) == 5 and "Also in Engineering" in result.reasons
    assert result.common[:3] == ["Python", "Coaching", "Engineering"]
    assert 0 < result.score == result.fit <= 1
    assert result.shared_minutes == 8 * 60
    assert directory.fit(None, 1).reasons == []
    assert directory.fit(mentee(), 404) is None


def test_department_mode_different_prefers_another_department(build):
    directory = build([mentor(1, department="Engineering"), mentor(2, department="Product")])
    different = FitWeights(department=2.0, department_mode="different")
    assert order(directory.rank(mentee(), weights=different)) == [2, 1]
    assert order(directory.rank(mentee(), weights=FitWeights(department=2.0, department_mode="same"))) == [1, 2]


def test_empty_query_ranks_everyone_by_fit(build):
    people = [mentor(n, skills=("Python",) if n % 3 == 0 else ()) for n in range(1, 13)]
    ranking = build(people).rank(mentee(grow=("Python",)), limit=20)
    assert ranking.total == 12 and len(ranking.results) == 12
    assert order(ranking)[:4] == [3, 6, 9, 12]
    scores = [r.score for r in ranking.results]
    assert scores == sorted(scores, reverse=True)


def test_ranking_is_deterministic_with_ties_by_id(build):
    people = [mentor(n, skills=("Python",)) for n in (7, 3, 11, 5)]
    directory = build(people)
    first = order(directory.rank(mentee(), query="python"))
    assert first == [3, 5, 7, 11]
    assert order(build(list(reversed(people))).rank(mentee(), query="python")) == first


def test_pages_follow_on(build):
    rng = random.Random(1)
    people = [mentor(n, skills=tuple(rng.sample(["Python", "Coaching", "Leadership", "Giving feedback"], 2)),
                     seniority=rng.randrange(7), capacity=3, matched=rng.randrange(4)) for n in range(1, 60)]
    directory = build(people)
    looking = mentee(grow=("Coaching",), seniority=1)
    whole = order(directory.rank(looking, query="leadrship", limit=100))
    pages = [order(directory.rank(looking, query="leadrship", limit=7, offset=start)) for start in range(0, 70, 7)]
    assert [mentor_id for page in pages for mentor_id in page] == whole
