"""The mentoring-programme portal: application factory."""
from __future__ import annotations

import datetime as dt

from flask import Flask, g, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal import headers, ids, links, logs, outage, person_kept, redaction
from portal.config import INSTANCE, load_config, merged, secret_key, secure_base, secure_cookies
from portal.db import database, open_database
from portal.prefix import PathPrefix
from portal.queue import queue
from portal.urls import url_for_id

login_manager = LoginManager()


class BoundedInt(IntegerConverter):
    """URL integers that fit the database's 32-bit ids, written in ASCII digits ("١٢" is no id)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ids.MAX_ID)
        super().__init__(map, *args, **kwargs)
csrf = CSRFProtect()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from config.toml (plus environment), or from it merged with a test dict."""
    config = load_config()
    if test_config:
        config = merged(config, test_config)
    app = Flask(__name__, instance_path=str(INSTANCE))
    # Ids beyond a database integer are no id at all: 404, not an overflow deeper down.
    app.url_map.converters["int"] = BoundedInt
    app.config["PORTAL"] = config
    hops = int(config["server"].get("proxy_hops", 0))
    if hops:
        # Trust exactly the proxies we run: the client address is `hops` entries from the right of X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    prefix = links.base_path(config["server"].get("base_url") or "")
    if prefix:
        app.wsgi_app = PathPrefix(app.wsgi_app, prefix)
    secure = secure_cookies(config)
    app.config.update(
        SECRET_KEY=config.get("flask", {}).get("SECRET_KEY") or secret_key(config),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_DURATION=dt.timedelta(days=int(config["security"].get("remember_days", 14))),
        # A form left open all day still submits; the token is bound to the session instead.
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        PREFERRED_URL_SCHEME="https" if secure_base(config) else "http",
    )
    app.config.update({k: v for k, v in config.get("flask", {}).items() if k != "SECRET_KEY"})

    open_database(**database_options(config["database"]))
    queue.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    Htmx(app)

    _register_database_hooks(app)
    _connect_receivers()
    _define_figures()
    _register_settings()
    _register_blueprints(app)
    _register_templates(app)
    _register_errors(app)
    headers.init_app(app)
    # Built from the URL rules, so every address with a <token> or <secret> is covered, now and when added.
    logs.install(redaction.for_app(app), *logs.ADDRESS_LOGGERS, app.logger.name)

    from portal import cli

    cli.register(app)
    return app


def database_options(section: dict) -> dict:
    """`open_database`'s arguments from the `[database]` section."""
    return {
        "url": section["url"],
        "pool_size": int(section.get("pool_size", 0)),
        "recycle_seconds": int(section.get("pool_recycle_seconds", 0)) or None,
        "wait_seconds": float(section.get("pool_wait_seconds", 10)),
    }


def _register_database_hooks(app: Flask) -> None:
    @app.before_request
    def connect_db():
        # The health check connects by itself, so it can answer 503 instead of failing here.
        if request.endpoint != "health.healthz":
            database.connect(reuse_if_open=True)

    app.before_request(links.note_served_address)
    app.before_request(person_kept.note_viewer)

    @app.teardown_request
    def close_db(exc):
        # A job run inside its caller's connection (a test, a CLI command) leaves that connection open.
        if not g.get("borrowed_database"):
            outage.close_after_request()


def _connect_receivers() -> None:
    """Features that react to events (portal/events.py) connect their receivers when their module is imported."""
    from portal import followups  # noqa: F401
    from portal.dashboard import receivers as dashboard  # noqa: F401
    from portal.leaving import receivers as leaving  # noqa: F401
    from portal.meetings import receivers as meetings  # noqa: F401
    from portal.pairing import receivers as pairing  # noqa: F401


def _define_figures() -> None:
    """Features name the reporting figures a job counts ahead of their pages (portal/kept) in their own modules."""
    from portal.dashboard import panels  # noqa: F401  (the dashboard's figures and charts)
    from portal.launch import funnel  # noqa: F401  (the launch funnel)


def _register_settings() -> None:
    """Each feature declares its settings and its settings-page section in its own settings module."""
    from portal.admin import settings as core  # noqa: F401  (the programme, its phases, the home page message)
    from portal.agendas import settings as agendas  # noqa: F401
    from portal.calendars import settings as calendars  # noqa: F401
    from portal.chat import settings as chat  # noqa: F401
    from portal.console import settings as console  # noqa: F401
    from portal.meetings import settings as meetings  # noqa: F401
    from portal.pairing import settings as pairing  # noqa: F401
    from portal.questionnaire import settings as questionnaire  # noqa: F401
    from portal.reminders import settings as reminders  # noqa: F401
    from portal.surveys import settings as surveys  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.routes import blueprint as accounts
    from portal.admin.jobs import blueprint as jobs
    from portal.admin.routes import blueprint as admin
    from portal.agendas.routes import blueprint as agendas
    from portal.calendars.routes import blueprint as calendars
    from portal.chat.routes import blueprint as chat
    from portal.dashboard.routes import blueprint as dashboard
    from portal.exports.routes import blueprint as exports
    from portal.console.routes import blueprint as console
    from portal.health import blueprint as health
    from portal.home import blueprint as home
    from portal.launch.routes import blueprint as launch
    from portal.leaving.routes import blueprint as leaving
    from portal.meetings.routes import blueprint as meetings
    from portal.organisation.routes import blueprint as organisation
    from portal.pairing.routes import blueprint as pairing
    from portal.people.routes import blueprint as people
    from portal.privacy.routes import blueprint as privacy
    from portal.promotion.routes import blueprint as promotion
    from portal.questionnaire.routes import blueprint as questionnaire
    from portal.reminders.routes import blueprint as reminders
    from portal.resources.routes import blueprint as resources
    from portal.surveys.routes import blueprint as surveys
    from portal.vendor import blueprint as vendor

    for blueprint in (accounts, admin, agendas, calendars, chat, console, dashboard, exports, health, home, jobs,
                      launch, leaving, meetings, organisation, pairing, people, privacy, promotion, questionnaire,
                      reminders, resources, surveys, vendor):
        app.register_blueprint(blueprint)


def local_time(moment, zone: str = "UTC", with_zone: bool = True) -> str:
    """A stored (UTC) or aware time in a person's zone: "Tue 1 Dec 2026, 14:00 (Europe/London)"."""
    import datetime as dt
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not moment:
        return ""
    try:
        place = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        place, zone = ZoneInfo("UTC"), "UTC"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    text = aware.astimezone(place).strftime("%a %-d %b %Y, %H:%M")
    return f"{text} ({zone})" if with_zone else text


def _register_templates(app: Flask) -> None:
    from portal import access
    from portal.models import Program
    from portal.programme import operations as programme
    from portal.programme.phases import LABELS

    @app.context_processor
    def programme_context():
        if "program" not in g:
            g.program = Program.current() if not database.is_closed() else None
        phase = programme.current_phase(g.program) if g.program else None
        return {"program": g.program, "phase": phase, "phase_label": LABELS.get(phase, "Not yet open")}

    @app.context_processor
    def navigation():
        def nav_roles() -> list[str]:
            from flask_login import current_user

            if not current_user.is_authenticated or database.is_closed():
                return []
            return access.roles_in(g.get("program") or Program.current(), current_user)

        return {"nav_roles": nav_roles}

    app.jinja_env.globals["url_for_id"] = url_for_id
    app.jinja_env.filters["date"] = lambda d: d.strftime("%-d %b %Y") if d else ""
    app.jinja_env.filters["datetime"] = lambda d: d.strftime("%-d %b %Y, %H:%M UTC") if d else ""
    app.jinja_env.filters["local_time"] = local_time
    # A flashed (category, message) for one section of the settings page, which shows it next to that section.
    app.jinja_env.tests["section_message"] = lambda flashed: flashed[0].startswith("section:")


def _register_errors(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        if request.headers.get("HX-Request"):
            return render_template("errors/_message.html", title=title, message=message), code
        return render_template("errors/error.html", code=code, title=title, message=message), code

    app.register_error_handler(400, lambda e: page(400, "Something was wrong with that request", str(e.description)))
    app.register_error_handler(403, lambda e: page(403, "Not for you", "You do not have access to this page."))
    app.register_error_handler(404, lambda e: page(404, "Page not found", "That page does not exist or has moved."))
    app.register_error_handler(405, lambda e: page(405, "Not allowed", "That page cannot be used this way."))
    app.register_error_handler(413, lambda e: page(413, "Too large", "What you sent is too large."))
    app.register_error_handler(
        CSRFError,
        lambda e: page(
            400,
            "Please try again",
            "Your session changed since the form was opened (perhaps you logged in or out in another tab). "
            "Go back, reload the page and send the form again.",
        ),
    )
    app.register_error_handler(
        500, lambda e: page(500, "Something went wrong", "The error was logged; please try again in a moment.")
    )
    outage.register(app, page)
