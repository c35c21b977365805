"""What features add to the admin area: sections of the settings page and pages in the admin navigation."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from portal import settings
from portal.models import Program


@dataclass(frozen=True)
class Section:
    """One section of /admin/settings, rendered by its feature's partial and saved by its feature's handler."""

    anchor: str  # the section's id on the page: /admin/settings#anchor
    title: str
    template: str  # the partial that renders the section's body; it gets `section`, `form` and `context`'s values
    order: int  # place on the page, smallest first
    form: type | None = None  # the form class, filled from `initial` (default: the stored settings)
    endpoint: str | None = None  # the handler the form posts to, in the owning feature's blueprint
    keys: tuple[str, ...] = ()  # the settings the form saves together
    saved: str = "Settings saved."  # the flash message when something changed
    initial: Callable[[Program], dict] | None = None
    context: Callable[[Program], dict] | None = None  # anything else the partial shows

    def new_form(self, program: Program):
        """The section's form as stored now; never bound to the request, which belongs to another section."""
        data = self.initial(program) if self.initial else settings.get_all(program)
        return self.form(formdata=None, data=data)


@dataclass(frozen=True)
class Page:
    """One link in the admin navigation."""

    label: str
    endpoint: str
    order: int  # place in the navigation, smallest first
    # Endpoints (or prefixes of them) on which the link shows as the current page, besides its own.
    current: tuple[str, ...] = field(default=())

    def is_current(self, endpoint: str | None) -> bool:
        return bool(endpoint) and endpoint.startswith((self.endpoint, *self.current))


SECTIONS: dict[str, Section] = {}
PAGES: dict[str, Page] = {}


def section(**kwargs) -> Section:
    """Add a section to the settings page."""
    return _register(SECTIONS, Section(**kwargs), kwargs["anchor"])


def page(label: str, endpoint: str, order: int, current: tuple[str, ...] = ()) -> Page:
    """Add a page to the admin navigation."""
    return _register(PAGES, Page(label, endpoint, order, current), endpoint)


def _register(registry: dict, item, name: str):
    if name in registry and registry[name] != item:
        raise ValueError(f"{name!r} is registered twice, differently.")
    registry[name] = item
    return item


def sections() -> list[Section]:
    return sorted(SECTIONS.values(), key=lambda s: s.order)


def pages() -> list[Page]:
    return sorted(PAGES.values(), key=lambda p: p.order)
