"""The fast reader: blocking occurrences straight from iCalendar text, without building an object model.

It finds each VEVENT, picks out the dozen properties busy time needs with one regular expression, reads DATE and
DATE-TIME values with `fromisoformat`, converts wall-clock times to epoch seconds with the zone's UTC offset, and
expands rules with `recurrence`. VALARMs are cut out first (their DURATION is not the event's). What it cannot
read exactly it declines with Unsupported, and `occurrences` hands that object to the full reader.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from calendar_sync import recurrence
from calendar_sync.classify import BUSY, FREE, classify
from calendar_sync.zones import resolve

_SLACK = timedelta(days=1)  # DATE and floating values shift by up to a day between zones


class Unsupported(Exception):
    """The fast reader declines this calendar object; the full reader takes it."""


# The properties busy time needs, each at the start of a line; the alternation is factored for the regex engine.
_NAMES = r"D(?:TSTART|TEND|URATION)|R(?:RULE|DATE|ECURRENCE-ID)|EXDATE|STATUS|TRANSP|UID|X-MICROSOFT-CDO-BUSYSTATUS"
# name, parameters, value; a quoted parameter may hold a colon, which the quick pattern would split at.
_PROPERTY = re.compile(r"\n(" + _NAMES + r")((?:;[^:\r\n]*)?):([^\r\n]*)")
_PROPERTY_QUOTED = re.compile(r"\n(" + _NAMES + r')((?:;(?:[^:"\r\n]|"[^"\r\n]*")*)?):([^\r\n]*)')
_LOWER_NAME = re.compile(r"\n[a-z]")  # names are case-insensitive; lower-case ones go to the full reader
_PARAMETER = re.compile(r';([A-Za-z-]+)=("[^"]*"|[^;]*)')
_FOLD = re.compile(r"\r?\n[ \t]")
_SUBCOMPONENT = re.compile(r"^BEGIN:(?!VEVENT).*?^END:[^\r\n]*", re.M | re.S)
_DURATION = re.compile(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_UTC = ZoneInfo("UTC")
_EPOCH = datetime(1970, 1, 1)
_DECLINED = object()  # a parameter set the fast reader leaves to the full one


@lru_cache(maxsize=1024)
def _parameters(params: str):
    """The zone named by a property's parameters (None: the owner's), or _DECLINED."""
    zone = None
    for key, value in _PARAMETER.findall(params):
        key = key.upper()
        if key == "TZID":
            zone = resolve(value)
            if zone is None:
                return _DECLINED
        elif key == "RANGE" or (key == "VALUE" and value.upper() not in ("DATE", "DATE-TIME")):
            return _DECLINED
    return zone


# A value is (moment, zone, all_day): a naive wall-clock datetime and the zone it is read in, or a date.
def _values(params: str, raw: str, owner: ZoneInfo) -> list[tuple]:
    """Parse a (comma-separated) DATE / DATE-TIME value with its TZID and VALUE parameters."""
    zone = owner
    if params:
        zone = _parameters(params)
        if zone is _DECLINED:
            raise Unsupported(f"parameters {params}")
        zone = zone or owner
    out = []
    for text in raw.split(",") if "," in raw else (raw,):
        n = len(text)
        try:
            if n == 8:
                out.append((date.fromisoformat(text), owner, True))
            elif n == 15 and text[8] == "T":
                out.append((datetime.fromisoformat(text), zone, False))
            elif n == 16 and text[8] == "T" and text[15] in "Zz":
                out.append((datetime.fromisoformat(text[:15]), _UTC, False))
            else:
                raise Unsupported(f"value {text!r}")
        except ValueError:
            raise Unsupported(f"value {text!r}") from None
    return out


def _instant(value: tuple, owner: ZoneInfo) -> float:
    """Epoch seconds of a value; the same as .replace(tzinfo=zone).timestamp(), five times faster."""
    moment, zone, all_day = value
    if all_day:
        moment, zone = datetime(moment.year, moment.month, moment.day), owner
    return (moment - _EPOCH).total_seconds() - zone.utcoffset(moment).total_seconds()


def _duration(text: str) -> tuple[int, int]:
    """DURATION -> (nominal days, exact seconds)."""
    match = _DURATION.match(text.strip().upper())
    if not match:
        raise Unsupported(f"DURATION {text}")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    factor = -1 if sign == "-" else 1
    day_count = int(weeks or 0) * 7 + int(days or 0)
    secs = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return factor * day_count, factor * secs


def _properties(block: str) -> dict[str, list[tuple[str, str]]]:
    """The properties of one VEVENT block that busy time needs: name -> [(parameters, value)]."""
    if "\n " in block or "\n\t" in block:
        block = _FOLD.sub("", block)
    if "BEGIN:" in block:  # VALARM and friends carry DURATION and other lookalikes
        block = _SUBCOMPONENT.sub("", block)
    if _LOWER_NAME.search(block):
        raise Unsupported("lower-case property names")
    props: dict[str, list[tuple[str, str]]] = {}
    for name, params, value in (_PROPERTY_QUOTED if '"' in block else _PROPERTY).findall(block):
        if name in props:
            props[name].append((params, value))
        else:
            props[name] = [(params, value)]
    return props


def _text(props: dict, name: str) -> str | None:
    found = props.get(name)
    return found[0][1].strip() if found else None


def read(text: str, owner: ZoneInfo, window: tuple[float, float], found: list[tuple]) -> None:
    """Append the blocking occurrences of one calendar object to `found`, or raise Unsupported."""
    begin = text.find("BEGIN:VEVENT")
    if begin < 0:
        if "begin:vevent" in text.lower():
            raise Unsupported("lower-case component names")
        return
    finish = text.find("END:VEVENT", begin)
    if finish < 0:
        raise Unsupported("unterminated VEVENT")
    props = _properties(text[begin + 12:finish])
    if "RECURRENCE-ID" not in props and text.find("BEGIN:VEVENT", finish) < 0:
        # The usual object: one event or one series without exceptions.
        _occurrences(props, _text(props, "UID") or "", owner, window, set(), found)
        return
    series: dict[str, list] = {}
    while True:
        at = finish + 10
        uid = _text(props, "UID") or f"#{begin}"
        entry = series.get(uid)
        if entry is None:
            entry = series[uid] = [None, []]
        if "RECURRENCE-ID" in props:
            entry[1].append(props)
        elif entry[0] is not None:
            raise Unsupported("two masters for one UID")
        else:
            entry[0] = props
        begin = text.find("BEGIN:VEVENT", at)
        if begin < 0:
            break
        finish = text.find("END:VEVENT", begin)
        if finish < 0:
            raise Unsupported("unterminated VEVENT")
        props = _properties(text[begin + 12:finish])
    for uid, (master, overrides) in series.items():
        replaced = set()
        for props in overrides:
            replaced.add(_instant(_values(*props["RECURRENCE-ID"][0], owner)[0], owner))
            _occurrences(props, uid, owner, window, None, found)
        if master is not None:
            _occurrences(master, uid, owner, window, replaced, found)


def _occurrences(props: dict, uid: str, owner: ZoneInfo, window: tuple[float, float],
                 replaced: set[float] | None, found: list[tuple]) -> None:
    """Append the blocking occurrences of one VEVENT (a master when `replaced` is a set) to `found`."""
    kind = BUSY
    if "STATUS" in props or "TRANSP" in props or "X-MICROSOFT-CDO-BUSYSTATUS" in props:
        kind = classify(_text(props, "STATUS"), _text(props, "TRANSP"), _text(props, "X-MICROSOFT-CDO-BUSYSTATUS"))
        if kind is None or kind == FREE:
            return
    dtstart = props.get("DTSTART")
    if dtstart is None:
        raise Unsupported("no DTSTART")  # a lower-case name, perhaps: the full reader judges
    first = _values(dtstart[0][0], dtstart[0][1], owner)[0]
    moment, zone, all_day = first
    begin = _instant(first, owner)
    days, seconds = _length(props, first, begin, owner)
    lo_w, hi_w = window
    if replaced is None or not ("RRULE" in props or "RDATE" in props):
        finish = _end(first, begin, days, seconds, owner)
        if begin < hi_w and finish > lo_w and finish > begin and (not replaced or begin not in replaced):
            found.append((begin, finish, kind, uid))
        return
    rrules, rdates = props.get("RRULE"), props.get("RDATE")
    if rrules and len(rrules) > 1:
        raise Unsupported("several RRULEs")
    # Wall-clock bounds in the event's own zone, widened by its length and a day for DATE/floating shifts.
    lo = datetime.fromtimestamp(lo_w - days * 86400 - max(seconds, 0), zone).replace(tzinfo=None) - _SLACK
    hi = datetime.fromtimestamp(hi_w, zone).replace(tzinfo=None) + _SLACK
    if all_day:
        lo, hi = lo.date(), hi.date()
    if rrules:
        starts = recurrence.expand(rrules[0][1], moment, lo, hi, None if all_day else zone)
        if starts is None:
            raise Unsupported(f"RRULE {rrules[0][1]}")
    else:
        starts = [moment]
    for params, raw in rdates or ():
        for value in _values(params, raw, owner):
            if value[2] != all_day:
                raise Unsupported("RDATE of another value type")
            # an RDATE in another zone is brought to the series' wall clock
            starts.append(value[0] if all_day or value[1] is zone else
                          datetime.fromtimestamp(_instant(value, owner), zone).replace(tzinfo=None))
    excluded = set(replaced)
    for params, raw in props.get("EXDATE", ()):
        for value in _values(params, raw, owner):
            if value[2] != all_day:
                raise Unsupported("EXDATE of another value type")
            excluded.add(_instant(value, owner))
    for start in starts:
        value = (start, zone, all_day)
        begin = _instant(value, owner)
        if begin in excluded:
            continue
        excluded.add(begin)  # an RDATE that repeats a rule's occurrence is the same occurrence
        finish = _end(value, begin, days, seconds, owner)
        if begin < hi_w and finish > lo_w and finish > begin:
            found.append((begin, finish, kind, uid))


def _end(value: tuple, begin: float, days: int, seconds: int, owner: ZoneInfo) -> float:
    """When an occurrence starting at `value` (`begin` in epoch seconds) ends: nominal days, then exact seconds."""
    if not days:
        return begin + seconds
    moment, zone, all_day = value
    later = moment + timedelta(days=days)
    return _instant((later, zone, all_day), owner) + seconds


def _length(props: dict, first: tuple, begin: float, owner: ZoneInfo) -> tuple[int, int]:
    """How long each occurrence lasts: (nominal days, exact seconds); `begin` is DTSTART in epoch seconds."""
    dtend = props.get("DTEND")
    if dtend is not None:
        end = _values(*dtend[0], owner)[0]
        if first[2] != end[2]:
            raise Unsupported("DTSTART and DTEND of different value types")
        if first[2]:
            return (end[0] - first[0]).days, 0
        return 0, int(_instant(end, owner) - begin)
    duration = props.get("DURATION")
    if duration is not None:
        return _duration(duration[0][1])
    return (1, 0) if first[2] else (0, 0)
