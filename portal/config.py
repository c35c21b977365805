"""Deployment configuration: config.toml, then environment overrides."""
from __future__ import annotations

import copy
import os
import secrets
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "config.toml"
INSTANCE = ROOT / "instance"

# Environment variables with a meaning of their own, mapped to (section, key, type).
ENV_OVERRIDES = {
    "DATABASE_URL": ("database", "url", str),
    "PORTAL_BASE_URL": ("server", "base_url", str),
    "PORT": ("server", "port", int),
    "PORTAL_MAIL_TRANSPORT": ("mail", "transport", str),
    "PORTAL_MAIL_SENDER": ("mail", "sender", str),
    "SMTP_HOST": ("mail", "smtp_host", str),
    "SMTP_PORT": ("mail", "smtp_port", int),
    "SMTP_USERNAME": ("mail", "smtp_username", str),
    "PORTAL_JOBS_BACKEND": ("jobs", "backend", str),
}


def _coerce(value: str, kind: type):
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return kind(value)


def load_config(path: Path | str | None = None, environ=None) -> dict:
    """Read config.toml and apply environment overrides; secrets are resolved from the environment."""
    environ = os.environ if environ is None else environ
    with open(path or DEFAULT_FILE, "rb") as fh:
        config = tomllib.load(fh)
    for name, (section, key, kind) in ENV_OVERRIDES.items():
        if environ.get(name):
            config.setdefault(section, {})[key] = _coerce(environ[name], kind)
    # Generic form for any other key: PORTAL__SECTION__KEY=value, typed like the file's value.
    for name, value in environ.items():
        if name.startswith("PORTAL__") and name.count("__") == 2:
            _, section, key = name.lower().split("__")
            current = config.get(section, {}).get(key)
            kind = type(current) if current is not None else str
            config.setdefault(section, {})[key] = _coerce(value, kind)
    config["database"]["url"] = absolute_sqlite_url(config["database"]["url"])
    return config


def absolute_sqlite_url(url: str) -> str:
    """Anchor a relative SQLite path at the checkout so every command finds the same file."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        return prefix + str(ROOT / url[len(prefix):])
    return url


def resolve_path(value: str) -> Path:
    """A path from the file, relative to the checkout."""
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def _secret(name: str, file_name: str, environ) -> str:
    """A secret from the named environment variable, else a random one generated once and kept in instance/."""
    environ = os.environ if environ is None else environ
    if environ.get(name):
        return environ[name]
    key_file = INSTANCE / file_name
    if not key_file.exists():
        INSTANCE.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def secret_key(config: dict, environ=None) -> str:
    """The signing key: from the named environment variable, else a generated key kept in instance/."""
    return _secret(config["security"]["secret_key_env"], "secret_key", environ)


def calendar_secret(config: dict, environ=None) -> str:
    """The key that encrypts stored calendar credentials (see calendar_sync.crypto)."""
    return _secret(config["calendar"]["secret_env"], "calendar_key", environ)


def merged(config: dict, overrides: dict) -> dict:
    """A copy of config with nested overrides applied (tests pass a partial dict)."""
    result = copy.deepcopy(config)
    for section, values in overrides.items():
        if isinstance(values, dict):
            result.setdefault(section, {}).update(values)
        else:
            result[section] = values
    return result


def secure_cookies(config: dict) -> bool:
    """Whether cookies carry Secure: `[security] secure_cookies` true/false, or "auto" (when base_url is https)."""
    value = config["security"].get("secure_cookies", "auto")
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "auto":
        return secure_base(config)
    return text in {"1", "true", "yes", "on"}


def secure_base(config: dict) -> bool:
    """Whether the configured base URL is https (an unset one follows the served address)."""
    return (config["server"].get("base_url") or "").strip().lower().startswith("https://")
