"""Configuration: the file gives defaults, the environment overrides, secrets stay out of the file."""
import os

from portal.config import ROOT, load_config, secret_key
from portal.gunicorn_conf import switch_interval, worker_count


def test_file_defaults_use_sqlite_in_the_checkout():
    config = load_config(environ={})
    assert config["database"]["url"] == f"sqlite:///{ROOT / 'instance/portal.db'}"
    assert config["mail"]["transport"] == "outbox"


def test_database_url_switches_to_postgresql():
    config = load_config(environ={"DATABASE_URL": "postgresql://portal@db.internal/portal"})
    assert config["database"]["url"] == "postgresql://portal@db.internal/portal"


def test_port_and_generic_overrides_are_typed():
    config = load_config(environ={"PORT": "6001", "PORTAL__SECURITY__LOGIN_MAX_FAILURES": "9",
                                  "PORTAL__MAIL__SMTP_STARTTLS": "true"})
    assert config["server"]["port"] == 6001
    assert config["security"]["login_max_failures"] == 9
    assert config["mail"]["smtp_starttls"] is True


def test_secret_comes_from_the_named_environment_variable():
    config = load_config(environ={})
    assert secret_key(config, environ={"PORTAL_SECRET_KEY": "from-env"}) == "from-env"


def test_no_secret_values_in_the_file():
    text = (ROOT / "config.toml").read_text().lower()
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if any(word in key for word in ("password", "secret", "token")) and "=" in line:
            assert key.endswith("_env"), f"{key} should name an environment variable, not hold a secret"


def test_web_workers_from_the_environment_the_file_or_the_cores():
    assert worker_count({"WEB_CONCURRENCY": "3"}, {"workers": 6}) == 3
    assert worker_count({}, {"workers": 6}) == 6
    assert worker_count({}, {"workers": 0}) == (os.cpu_count() or 1) + 1


def test_the_interpreter_lock_switch_interval_from_the_file():
    assert switch_interval({"switch_interval_ms": 1.0}) == 0.001
    assert switch_interval({"switch_interval_ms": 0}) is None
    assert switch_interval(load_config(environ={"PORTAL__SERVER__SWITCH_INTERVAL_MS": "0.5"})["server"]) == 0.0005
