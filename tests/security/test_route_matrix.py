"""Every route and method of the app's URL map, asked as each kind of caller, answers exactly as the table says; and
no one outside a pair ever sees the pair's notes, feedback, action items or answers on any page.

The callers: an anonymous visitor, Leo (mentee) and Mia (mentor) who are paired, Sam (a mentee) and Noor (a mentor)
outside the pair, and an admin. Addresses carry real ids from the world in `world.py`, and token addresses carry Leo's
own links. Each role asks in a fresh world, every GET first and then the POSTs in the table's order (an empty form
with a valid CSRF token), so an action that changes things (cancel, publish, discard, log out) comes after the rows
that need what it changes.

Answers: a status code, `login` (302 to the login page), or `302` (a redirect anywhere else).
"""
from __future__ import annotations

import pytest

from tests.meetings.conftest import calendar_secret, frozen  # noqa: F401
from tests.pairing.conftest import _fresh_directory_cache, within  # noqa: F401
from tests.security.world import PRIVATE, ROLES, world  # noqa: F401

# Files, and the health check that answers before any session is read.
UNCLASSIFIED_BY_DESIGN = {"static", "vendor.asset", "health.healthz"}

MATRIX = """
endpoint                           method anonymous mentee mentor other_mentee other_mentor admin
home.index                         GET    200       200    200    200          200          200
accounts.login                     GET    200       302    302    302          302          302
accounts.login                     POST   400       302    302    302          302          302
accounts.register                  GET    200       302    302    302          302          302
accounts.register                  POST   400       302    302    302          302          302
accounts.confirm_email             GET    302       302    404    404          404          404
accounts.forgot_password           GET    200       200    200    200          200          200
accounts.forgot_password           POST   400       400    400    400          400          400
accounts.reset_password            GET    200       200    404    404          404          404
accounts.reset_password            POST   400       400    404    404          404          404
accounts.microsoft_login           GET    404       302    302    302          302          302
accounts.microsoft_login_callback  GET    400       302    302    302          302          302
people.profile                     GET    login     302    302    302          302          302
people.show                        GET    login     200    200    404          404          200
questionnaire.join                 GET    login     200    200    200          200          200
questionnaire.join                 POST   login     400    400    400          400          400
questionnaire.edit                 GET    login     200    200    200          200          302
questionnaire.edit                 POST   login     400    400    400          400          302
questionnaire.suggest_skills       GET    login     200    200    200          200          200
resources.index                    GET    login     200    200    200          200          200
resources.agenda                   GET    login     200    200    200          200          200
resources.handbook                 GET    login     200    200    200          200          200
pairing.directory                  GET    login     200    200    200          200          200
pairing.mentor                     GET    login     200    200    200          200          200
pairing.shortlist                  GET    login     200    403    200          403          403
pairing.change_shortlist           POST   login     400    403    400          403          403
pairing.send_request               POST   login     302    403    302          403          403
pairing.inbox                      GET    login     403    200    403          200          403
pairing.approve                    POST   login     404    302    404          404          404
pairing.decline                    POST   login     404    302    404          404          404
pairing.withdraw                   POST   login     404    403    302          403          403
pairing.match                      GET    login     200    200    404          404          200
meetings.sessions                  GET    login     200    200    404          404          200
meetings.book                      POST   login     403    400    404          404          403
meetings.tick_item                 POST   login     302    302    404          404          403
meetings.reschedule                GET    login     403    200    404          404          403
meetings.reschedule                POST   login     403    400    404          404          403
meetings.cancel                    POST   login     403    200    404          404          403
meetings.agenda                    GET    200       200    404    404          404          404
meetings.add_linked_item           POST   400       400    404    404          404          404
meetings.tick_linked_item          POST   302       302    404    404          404          404
meetings.save_linked_note          POST   302       302    404    404          404          404
meetings.feedback                  GET    200       200    404    404          404          404
meetings.feedback                  POST   400       400    404    404          404          404
meetings.feed                      GET    200       200    200    200          200          200
meetings.feed_settings             GET    login     200    200    200          200          200
meetings.renew_feed                POST   login     200    302    302          302          302
meetings.revoke_feed               POST   login     200    200    200          200          200
calendars.connect                  GET    login     200    200    200          200          200
calendars.connect                  POST   login     400    400    400          400          400
calendars.microsoft_start          GET    login     404    404    404          404          404
calendars.microsoft_callback       GET    login     400    400    400          400          400
calendars.choose_calendars         POST   login     400    400    400          400          400
calendars.refresh_calendars        POST   login     302    302    302          302          302
calendars.disconnect               POST   login     302    302    302          302          302
surveys.mine                       GET    login     200    200    200          200          200
surveys.answer                     GET    login     200    200    404          404          404
surveys.answer                     POST   login     400    400    404          404          404
surveys.answer_link                GET    200       200    404    404          404          404
surveys.answer_link                POST   400       400    404    404          404          404
privacy.download_json              GET    login     200    200    200          200          200
privacy.download_csv               GET    login     200    200    200          200          200
leaving.leave                      GET    login     200    200    200          200          200
leaving.leave                      POST   login     400    400    400          400          200
admin.index                        GET    login     403    403    403          403          302
admin.people                       GET    login     403    403    403          403          200
admin.audit_log                    GET    login     403    403    403          403          200
admin.outbox                       GET    login     403    403    403          403          200
admin.outbox_email                 GET    login     403    403    403          403          200
admin.outbox_email_html            GET    login     403    403    403          403          200
admin.confirm_retry_failed         GET    login     403    403    403          403          200
admin.retry_email                  POST   login     403    403    403          403          302
admin.retry_failed                 POST   login     403    403    403          403          302
admin.settings                     GET    login     403    403    403          403          200
admin.save_programme               POST   login     403    403    403          403          400
admin.set_phase                    POST   login     403    403    403          403          400
admin.save_welcome                 POST   login     403    403    403          403          302
exports.index                      GET    login     403    403    403          403          200
exports.download                   GET    login     403    403    403          403          200
calendars.save_settings            POST   login     403    403    403          403          302
chat.save_settings                 POST   login     403    403    403          403          302
chat.send_test                     POST   login     403    403    403          403          302
promotion.index                    GET    login     403    403    403          403          200
promotion.poster                   GET    login     403    403    403          403          200
console.save_weights               POST   login     403    403    403          403          400
pairing.save_settings              POST   login     403    403    403          403          400
reminders.save_settings            POST   login     403    403    403          403          400
meetings.save_settings             POST   login     403    403    403          403          400
surveys.save_settings              POST   login     403    403    403          403          400
organisation.index                 GET    login     403    403    403          403          200
organisation.show                  GET    login     403    403    403          403          200
organisation.check                 POST   login     403    403    403          403          400
organisation.confirm               POST   login     403    403    403          403          302
launch.index                       GET    login     403    403    403          403          200
launch.edit                        GET    login     403    403    403          403          200
launch.save                        POST   login     403    403    403          403          400
launch.preview                     GET    login     403    403    403          403          200
launch.send                        POST   login     403    403    403          403          302
launch.schedule                    POST   login     403    403    403          403          302
launch.unsubscribe                 GET    200       200    200    200          200          200
launch.confirm_unsubscribe         POST   200       200    200    200          200          200
dashboard.index                    GET    login     403    403    403          403          200
dashboard.follow_ups               GET    login     403    403    403          403          200
dashboard.newer_figures            GET    login     403    403    403          403          400
dashboard.resolve                  POST   login     403    403    403          403          302
dashboard.reopen                   POST   login     403    403    403          403          302
privacy.erase                      GET    login     403    403    403          403          200
privacy.erase                      POST   login     403    403    403          403          400
leaving.leave_for                  GET    login     403    403    403          403          200
leaving.leave_for                  POST   login     403    403    403          403          400
pairing.unpaired                   GET    login     403    403    403          403          200
agendas.index                      GET    login     403    403    403          403          200
agendas.new                        GET    login     403    403    403          403          200
agendas.new                        POST   login     403    403    403          403          400
agendas.edit                       GET    login     403    403    403          403          200
agendas.edit                       POST   login     403    403    403          403          400
agendas.set_active                 POST   login     403    403    403          403          302
agendas.move                       POST   login     403    403    403          403          302
agendas.customise                  POST   login     403    403    403          403          302
agendas.reset                      POST   login     403    403    403          403          200
questionnaire.editor               GET    login     403    403    403          403          200
questionnaire.new_question         GET    login     403    403    403          403          200
questionnaire.new_question         POST   login     403    403    403          403          400
questionnaire.edit_question        GET    login     403    403    403          403          200
questionnaire.edit_question        POST   login     403    403    403          403          400
questionnaire.set_question_active  POST   login     403    403    403          403          302
questionnaire.move_question        POST   login     403    403    403          403          302
questionnaire.skill_vocabulary     GET    login     403    403    403          403          200
questionnaire.add_skill            POST   login     403    403    403          403          400
questionnaire.add_skill_aliases    POST   login     403    403    403          403          400
surveys.admin_index                GET    login     403    403    403          403          200
surveys.edit_questions             GET    login     403    403    403          403          200
surveys.edit_questions             POST   login     403    403    403          403          400
surveys.survey_results             GET    login     403    403    403          403          200
surveys.send_now                   POST   login     403    403    403          403          302
meetings.sync_status               GET    login     403    403    403          403          200
meetings.retry                     POST   login     403    403    403          403          302
console.console                    GET    login     403    403    403          403          200
console.weights_preview            GET    login     403    403    403          403          200
jobs.show                          GET    login     403    403    403          403          200
console.mentee                     GET    login     403    403    403          403          200
console.fit                        GET    login     403    403    403          403          200
console.pin                        POST   login     403    403    403          403          302
console.remove                     POST   login     403    403    403          403          302
console.swap                       POST   login     403    403    403          403          302
console.add_to_draft               POST   login     403    403    403          403          400
console.exclude                    POST   login     403    403    403          403          400
console.delete_exclusion           POST   login     403    403    403          403          302
console.match_now                  POST   login     403    403    403          403          400
console.end_match                  POST   login     403    403    403          403          400
console.run                        POST   login     403    403    403          403          302
console.publish                    POST   login     403    403    403          403          200
console.discard                    POST   login     403    403    403          403          200
accounts.logout                    POST   login     302    302    302          302          302
"""


def _table() -> list[tuple[str, str, dict[str, str]]]:
    lines = [line.split() for line in MATRIX.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[2:] == list(ROLES), header
    return [(row[0], row[1], dict(zip(ROLES, row[2:], strict=True))) for row in rows]


TABLE = _table()
EXPECTED = {(endpoint, method): answers for endpoint, method, answers in TABLE}
# The pair's private words, and who besides the pair's mentee may read each (admins read the rest on their pages).
MAY_READ = {"note": {"mentee"}, "went_well": {"mentee", "admin"}, "item": {"mentee", "mentor", "admin"},
            "answer": {"mentee", "mentor", "admin"}}
# Leo's own links, which open as Leo without a login: the link is the key.
LINKED = {"meetings.agenda", "meetings.feedback", "meetings.add_linked_item", "meetings.tick_linked_item",
          "meetings.save_linked_note", "surveys.answer_link", "meetings.feed", "accounts.reset_password"}


def answer_of(response) -> str:
    """A response as the table writes it."""
    if response.status_code == 302:
        return "login" if response.headers["Location"].startswith("/login?next=") else "302"
    return str(response.status_code)


def asked(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) for every rule and method the app serves, in the order the table asks them."""
    found = [(rule.endpoint, method, rule) for rule in app.url_map.iter_rules()
             if rule.endpoint not in UNCLASSIFIED_BY_DESIGN for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    order = {key: number for number, key in enumerate(EXPECTED)}
    return sorted(found, key=lambda found: (found[1] != "GET", order.get(found[:2], -1)))


def test_every_route_of_the_url_map_is_in_the_table(app):
    """A new route (or method) must be classified for every role before the suite passes."""
    served = {(endpoint, method) for endpoint, method, _ in asked(app)}

    unclassified = sorted(served - EXPECTED.keys())
    assert unclassified == [], f"routes missing from MATRIX in {__file__}: {unclassified}"
    assert sorted(EXPECTED.keys() - served) == [], "MATRIX rows for routes the app no longer serves"
    assert len(TABLE) == len(EXPECTED), "a route is in MATRIX twice"


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_each_role_as_the_table_says(world, role):
    client = world.client(role)
    wrong, leaked, seen = [], [], set()

    for endpoint, method, rule in asked(world.app):
        url = world.url(rule)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": client.token("/")})
        expected = EXPECTED[(endpoint, method)][role]
        if answer_of(response) != expected:
            wrong.append(f"{method} {url} ({endpoint}): {answer_of(response)}, table says {expected}")
        if role == "anonymous" and endpoint in LINKED:
            continue
        body = response.get_data().decode("utf-8", "replace")  # the data export's zip is not text
        seen |= {what for what, text in PRIVATE.items() if text in body}
        leaked += [f"{method} {url}: {what}" for what, text in PRIVATE.items()
                   if text in body and role not in MAY_READ[what]]

    assert not wrong, "\n".join(wrong)
    assert not leaked, "private words on a page for someone else:\n" + "\n".join(leaked)
    if role == "mentee":
        assert seen == PRIVATE.keys()  # the words are on Leo's own pages, so not finding them elsewhere means something
