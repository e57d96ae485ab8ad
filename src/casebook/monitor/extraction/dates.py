"""Dates in news text: the publication date, and when the reported action happened.

The labelling rules decide what may be filled:

- a date written with its year is taken as it stands;
- a relative expression ("on Saturday", "yesterday", "last night", "Tuesday night",
  "Remembrance Sunday") is resolved against the publication date, and only when that is known;
- a day and month without a year anywhere gives no date; nor does an overnight action that
  spans two dates, or "this weekend".

An expression that cannot be resolved still has a *key* ("?sat", "?last-sat"), so that actions
"on Saturday" and "last Saturday" stay apart even when neither date can be known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = [
    "DateMention",
    "dateline_span",
    "find_dates",
    "full_dates_in",
    "infer_published",
    "parse_published",
    "resolve_chains",
    "url_year",
]

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_DAY_MONTH = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?(?!\w)", re.IGNORECASE)
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s+{_DAY}(?!\d)(?:(?:,\s*|\s+){_YEAR})?(?![\w:])", re.IGNORECASE
)
# "2024-08-05", also as a time stamp's date ("2024-08-05T14:02:00Z")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?:\b|(?=T\d))")
# "05/08/2024", "05.08.2024"; "08/05/2024" may be American (see _numeric_order)
_NUMERIC = re.compile(
    r"(?<![\d/.])(?P<day>[0-3]?\d)(?P<sep>[/.])(?P<month>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)\d\d)\b"
)
_WEEKDAY_ABBREVIATION = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*$", re.IGNORECASE)


def _numeric_order(text: str, start: int, year: int, first: int, second: int) -> tuple[int, int]:
    """(month, day) of a numeric date: day first as in Britain, unless only the other order
    can be a date ("12/25/2024") or a weekday written before it says so ("Mon, 08/05/2024")."""
    if first > 12 >= second:
        return second, first
    if second > 12 >= first:
        return first, second
    told = _WEEKDAY_ABBREVIATION.search(text, max(0, start - 12), start)
    if told:
        weekday = [w[:3] for w in _WEEKDAYS].index(told.group(1).lower())
        british, american = _make(year, second, first), _make(year, first, second)
        if british and british.weekday() != weekday and american and american.weekday() == weekday:
            return first, second
    return second, first


_RELATIVE = re.compile(
    r"\b(?P<overnight>overnight\s+(?:on\s+|into\s+)?)?"
    r"(?:(?P<which>last|this|on|past|next|this\s+coming)\s+)?"
    rf"{_WEEKDAY}(?P<poss>['’]s)?"
    r"(?:\s+(?P<part>night|afternoon|morning|evening|lunchtime))?"
    r"(?P<into>\s+(?:night\s+)?into\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday))?"
    r"|\b(?P<word>yesterday|today|tonight|last\s+night|this\s+(?:morning|afternoon|evening)|"
    r"earlier\s+today)(?P<wposs>['’]s)?"
    r"|\b(?P<weekend>(?:this|last|over\s+the|the|at\s+the)\s+weekend)"
    r"|\b(?P<chain>(?:the|a)\s+day\s+(?:before|earlier|later|after)|the\s+(?:previous|next|"
    r"following)\s+day|(?P<days>two|three|four|five|six|2|3|4|5|6)\s+days\s+(?:later|earlier|"
    r"before|after))\b"
    r"|\b(?P<period>last\s+(?:week|month|year)|earlier\s+this\s+(?:month|year)|"
    r"(?:a|one)\s+(?:week|month|year)\s+(?:ago|earlier|before)|the\s+previous\s+(?:week|month|"
    r"year)|(?-i:[Ii]n)\s+(?:early\s+|late\s+|mid-)?(?-i:January|February|March|April|May|June|"
    r"July|August|September|October|November|December)(?!\s+\d))\b"
    r"|\b(?P<named>Armistice\s+Day|Remembrance\s+(?:Sunday|Day)|Christmas\s+(?:Day|Eve)|"
    r"Boxing\s+Day|New\s+Year['’]s\s+(?:Day|Eve)|Bonfire\s+Night|Guy\s+Fawkes\s+Night|"
    r"May\s+Day|Valentine['’]s\s+Day|Hallowe['’]?en|Good\s+Friday|Easter\s+(?:Sunday|Monday))"
    r"(?:\s+(?P<named_year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
_WEEKDAY_BEFORE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?,?\s{1,3}(?:the\s+)?$",
    re.IGNORECASE,
)
_URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?:/|-|$)")


def url_year(url: str) -> int | None:
    """The year an article's address carries as a path segment ("/2023/05/story"), else None.

    >>> url_year("https://example.org/news/2023/05/story"), url_year("https://example.org/a")
    (2023, None)
    """
    m = _URL_YEAR.search(url or "")
    return int(m.group(1)) if m else None


# Between a weekday and the calendar date it names: "Saturday 13 February", "Monday, 5 Aug".
_WEEKDAY_JOIN = re.compile(r"(?:['’]s)?,?\s{1,3}(?:the\s+)?")
# "Saturday's march", "on Sunday at a rally"; not "arrested on Tuesday over a protest": a date
# joined to the protest by "over" or "after" is of something that answered it.
_PROTEST_AFTER = re.compile(
    r"\s*(?:['’]s\s+)?(?:(?!(?:over|after|following|for|about)\b)[\w-]+\s+){0,3}?"
    r"(?:march|protest|demonstration|rally|riot|disorder|"
    r"sit-in|vigil|clashes|unrest|action|event)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    """A date expression: where it is, its key, and its date when that can be known."""

    start: int
    end: int
    key: str
    value: dt.date | None
    protest: bool = False  # attached to a protest noun: "Saturday's march"


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (the anonymous Meeus/Jones/Butcher algorithm).

    >>> _easter(2023), _easter(2024)
    (datetime.date(2023, 4, 9), datetime.date(2024, 3, 31))
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _named_day(name: str, year: int) -> dt.date:
    name = re.sub(r"\s+", " ", name.lower()).replace("’", "'")
    fixed = {
        "armistice day": (11, 11),
        "remembrance day": (11, 11),
        "christmas day": (12, 25),
        "christmas eve": (12, 24),
        "boxing day": (12, 26),
        "new year's day": (1, 1),
        "new year's eve": (12, 31),
        "bonfire night": (11, 5),
        "guy fawkes night": (11, 5),
        "may day": (5, 1),
        "valentine's day": (2, 14),
        "halloween": (10, 31),
        "hallowe'en": (10, 31),
    }
    if name in fixed:
        return dt.date(year, *fixed[name])
    if name == "remembrance sunday":  # the second Sunday of November
        first = dt.date(year, 11, 1)
        return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7)
    easter = _easter(year)
    return {
        "good friday": easter - dt.timedelta(days=2),
        "easter monday": easter + dt.timedelta(days=1),
    }.get(name, easter)


def _absolute_dates(text: str, start: int, end: int) -> list[tuple[int, int, int | None, int, int]]:
    """(start, end, year or None, month, day) for every calendar date written in the window."""
    found: list[tuple[int, int, int | None, int, int]] = []
    taken: list[tuple[int, int]] = []
    for regex in (_ISO, _NUMERIC, _DAY_MONTH, _MONTH_DAY):
        for m in regex.finditer(text, start, end):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            month_text = m.group("month")
            month = int(month_text) if month_text.isdigit() else _month(month_text)
            day = int(m.group("day"))
            year = int(m.group("year")) if m.group("year") else None
            if regex is _NUMERIC and year is not None:
                month, day = _numeric_order(text, m.start(), year, day, month)
            if not 1 <= month <= 12 or not 1 <= day <= 31:
                continue
            # "may 5 people": a month name that is also a word needs its capital.
            if (
                regex is _MONTH_DAY
                and month_text.lower() in {"may", "march"}
                and year is None
                and not month_text[0].isupper()
            ):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), year, month, day))
    return found


def parse_published(value: object) -> dt.date | None:
    """A publication date given as a date, a datetime or an ISO string, else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


_URL_DATE = re.compile(
    r"[/_-]((?:19|20)\d\d)([/-])([01]?\d)\2([0-3]?\d)(?:/|-|_|$|\?|\.)"
    # "/20240804-story", "story-20240804.html"
    r"|[/_-]((?:19|20)\d\d)()([01]\d)([0-3]\d)(?:/|-|_|$|\?|\.)"
)
_TIME = (
    r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*"
    r"(?:gmt|bst|utc|[ecmp][sd]?t|aes?t|aedt|hkt|cet|cest|ist)?"
)
_URL_MONTH_DATE = re.compile(
    r"/((?:19|20)\d\d)/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*/([0-3]?\d)(?:/|-|$)",
    re.IGNORECASE,
)
_PUBLISHED_LABEL = re.compile(
    r"(?:\bdate|published|updated|posted|last updated)(?:\s+on)?\s*:?\s*"
    rf"(?:{_TIME}\s*,?\s*)?(?:\w+day,?\s*)?",
    re.IGNORECASE,
)
# The label must lead straight into the date ("Published on Sun 28 Mar 2021"): "police have
# published images ... of a protest on 3 August" is no publication line.
_PUBLISHED_LABEL_END = re.compile(
    _PUBLISHED_LABEL.pattern + r"(?:[a-z]{3,9}\.?,?\s+)?$", re.IGNORECASE
)
# What may stand beside a date on a line of its own at the head of an article: a weekday, a
# section label ("News |"), a place dateline ("Melbourne,", "OTTAWA —"), and a time after it.
# ... or a byline's name ("Jo Bloggs November 24, 2024"), and a section label after it
# ("26th Jul 2024 | Local News").
_ALONE_BEFORE = re.compile(
    r"\s*(?:[A-Z][\w'’ .-]{0,30}?\s*(?:[|·•,]|\s[—–-])\s*|(?:By\s+)?(?:[A-Z][a-z'’-]+\s+){1,3})?"
    r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s*)?"
)
_ALONE_AFTER = re.compile(
    # an ISO time stamp's clock ("2023-10-28T07:30:00+01:00")
    r"(?:T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?"
    rf"\s*(?:(?:[,|·•—–-]|\s+at)?\s*{_TIME})?\s*[.,|]?\s*"
    r"(?:[|·•]\s*(?:[A-Z][\w &'’-]{0,30}|\d{1,2}\s+min(?:ute)?s?\s+read))?\s*",
    re.IGNORECASE,
)
# A wire story's dateline before its date: "PARIS, March 9, 2025 — French police ...".
_DATELINE_PLACE = re.compile(r"\s*[A-Z][A-Za-z .'’-]{1,40},\s*")
# A search index's snippet opens with the page's date: "4 Aug 2024 — Police arrested ...".
_SNIPPET_AFTER = re.compile(r"\s+(?:—|–|-{1,2}|\.{3}|…)\s+\S")


def infer_published(text: str, url: str = "") -> tuple[dt.date | None, tuple[int, int] | None]:
    """The publication date visible in the URL or at the head of the text, with its span.

    A full date in the URL path counts ("/2024/07/31/"); in the text, a date after a
    "Published"/"Updated"/"date" label, or a line of its own, within the first lines. The span is
    None when the date came from the URL.

    >>> infer_published("", "https://example.org/news/2024/05/18/story")
    (datetime.date(2024, 5, 18), None)
    >>> infer_published("PUBLISHED: 09:41 14 March 2021 | UPDATED")[0]
    datetime.date(2021, 3, 14)
    """
    for match in _URL_DATE.finditer(url or ""):
        year, _, month, day = (g for g in match.groups() if g is not None)
        date = _make(int(year), int(month), int(day))
        if date:
            return date, None
    match = _URL_MONTH_DATE.search(url or "")  # "/2024/jun/12/"
    if match:
        date = _make(int(match.group(1)), _month(match.group(2)), int(match.group(3)))
        if date:
            return date, None
    head_end = min(len(text), 400)
    for start, end, year, month, day in sorted(_absolute_dates(text, 0, head_end)):
        if year is None:
            continue
        date = _make(year, month, day)
        if date is None:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start]
        line_end = text.find("\n", end)
        after = text[end : line_end if line_end >= 0 else len(text)]
        labelled = _PUBLISHED_LABEL_END.search(before) is not None or _in_dateline(text, start)
        alone = _ALONE_BEFORE.fullmatch(before) is not None and (
            _ALONE_AFTER.fullmatch(after) is not None
            or (
                (not before.strip() or _DATELINE_PLACE.fullmatch(before) is not None)
                and _SNIPPET_AFTER.match(after) is not None
            )
        )
        if labelled or alone or _byline_line(before, after):
            return date, (start, end)
    return None, None


# What a byline or time-stamp line holds beside its date: labels, times, weekdays, separators.
_BYLINE_NOISE = re.compile(
    rf"{_TIME}|\b(?:by|published|updated|posted|last|first|on|at|and|[ap]\.?m\.?|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?|[|/•·,—–:()\-]|\d+",
    re.IGNORECASE,
)


def _byline_line(before: str, after: str) -> bool:
    """ "By Jo Smith, Crime Reporter | Monday 5 August 2024 14:02", "August 5, 2024 / 2:34 PM /
    CBS News": a short line of a date, times and a few capitalised names (the writer's, the
    outlet's), no words of a sentence."""
    line = f"{before} {after}"
    if len(line) > 110:
        return False
    rest = _BYLINE_NOISE.sub(" ", line).split()
    return len(rest) <= 5 and all(w[:1].isupper() for w in rest)


_DATELINE = re.compile(
    # "PORTLAND, Ore. (March 3, 2025) —": a state after the town, the date in brackets
    r"\s*[A-Z][A-Za-z .'’-]{1,40},\s*(?:[A-Z][A-Za-z]{1,12}\.?\s+)?\(?"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|"
    r"\d{1,2}\s+[A-Z][a-z]{2,8}(?:\s+\d{4})?)\)?\s*(?:\([^)]{1,30}\))?\s*[:\-–—]"
)


def _in_dateline(text: str, position: int) -> bool:
    """Whether a date with its year at *position* is an agency dateline's: the filing date."""
    span = dateline_span(text)
    return span is not None and span[0] == position


def dateline_span(text: str) -> tuple[int, int] | None:
    """The date of an agency dateline ("Hong Kong, Jun 29 (IANS):"): the story's filing date,
    not the date of what it reports.

    >>> dateline_span("Hong Kong, Jun 29 (IANS): Police said")
    (11, 17)
    """
    m = _DATELINE.match(text[:160])
    return (m.start("date"), m.end("date")) if m else None


def _resolve_weekday(
    weekday: int, which: str, published: dt.date | None, full_dates: list[dt.date]
) -> dt.date | None:
    if published is None:
        if which in {"", "on"}:
            matching = {d for d in full_dates if d.weekday() == weekday}
            if len(matching) == 1:
                return matching.pop()
        return None
    back = (published.weekday() - weekday) % 7
    if which in {"next", "this coming"}:
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
    if which in {"last", "past"} and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


def find_dates(
    text: str,
    start: int,
    end: int,
    published: dt.date | None,
    full_dates: list[dt.date] | None = None,
    url_year: int | None = None,
) -> list[DateMention]:
    """Every date expression in ``text[start:end]``, resolved where the rules allow.

    *full_dates* are the dates written with a year anywhere in the article: with no publication
    date, a bare weekday that matches exactly one of them takes that date. *url_year* is a year
    the article's address carries ("/2023/05/"): a day and month take it when no publication
    date is known, if the weekday written beside them agrees.

    >>> [m.value for m in find_dates("Arrests on Saturday.", 0, 20, dt.date(2024, 10, 7))]
    [datetime.date(2024, 10, 5)]
    >>> [m.key for m in find_dates("Arrests on Saturday.", 0, 20, None)]
    ['?on-saturday']
    """
    full_dates = full_dates or []
    mentions: list[DateMention] = []
    for a, b, year, month, day in _absolute_dates(text, start, end):
        value = None
        if year is not None:
            value = _make(year, month, day)
        elif published is not None:
            value = _make(published.year, month, day)
            if value and value > published + dt.timedelta(days=7):
                value = _make(published.year - 1, month, day)
        elif url_year is not None:
            value = _make(url_year, month, day)
            told = _WEEKDAY_BEFORE.search(text, max(start, a - 14), a)
            if value and told and _WEEKDAYS.index(told.group(1).lower()) != value.weekday():
                value = None  # the weekday says the year is another one
        if _FUTURE_CLAUSE.search(text, _clause_start(text, start, a), a):
            continue  # "... and will appear in court on 18 July": a day to come, no action's
        key = value.isoformat() if value else f"?{month:02d}-{day:02d}"
        mentions.append(
            DateMention(
                a, b, key, value, _protest_after(text, b, end) or _protest_before(text, a, start)
            )
        )
    for m in _RELATIVE.finditer(text, start, end):
        # "Saturday 13 February": the written date already speaks for itself.
        if m.group("weekday") and any(
            x.start <= m.start() < x.end
            or m.start() <= x.start < m.end()
            or _WEEKDAY_JOIN.fullmatch(text, m.end(), x.start)
            for x in mentions
        ):
            continue
        if _FUTURE_CLAUSE.search(text, _clause_start(text, start, m.start()), m.start()):
            continue
        mentions.append(_relative(m, text, end, published, full_dates))
    mentions.sort(key=lambda x: x.start)
    return mentions


# A clause about what is still to come: "four will appear at the sheriff court on Monday".
_FUTURE_CLAUSE = re.compile(
    r"\b(?:will|shall|due\s+to|(?:is|are)\s+due|(?:expected|set|scheduled)\s+to|bailed\s+to|"
    r"remanded\s+to)\b",
    re.IGNORECASE,
)


def _clause_start(text: str, start: int, position: int) -> int:
    """Where the clause holding *position* starts: after the last comma, semicolon or "and"."""
    found = start
    for m in re.finditer(r"[,;]|\band\b", text[start:position]):
        found = start + m.end()
    return found


def _relative(
    m: re.Match[str], text: str, end: int, published: dt.date | None, full_dates: list[dt.date]
) -> DateMention:
    protest = _protest_after(text, m.end(), end)
    if m.group("weekday"):
        weekday = _WEEKDAYS.index(m.group("weekday").lower())
        which = re.sub(r"\s+", " ", (m.group("which") or "").lower())
        if m.group("overnight") or m.group("into"):
            return DateMention(
                m.start(), m.end(), f"?overnight-{_WEEKDAYS[weekday]}", None, protest
            )
        value = _resolve_weekday(weekday, which, published, full_dates)
        label = f"{which}-" if which in {"last", "past", "next", "this coming"} else "on-"
        key = value.isoformat() if value else f"?{label}{_WEEKDAYS[weekday]}"
        return DateMention(m.start(), m.end(), key, value, protest or bool(m.group("poss")))
    if m.group("word"):
        word = re.sub(r"\s+", " ", m.group("word").lower())
        value = None
        if published is not None:
            back = 1 if word in {"yesterday", "last night"} else 0
            value = published - dt.timedelta(days=back)
        key = value.isoformat() if value else f"?{word}"
        return DateMention(m.start(), m.end(), key, value, protest or bool(m.group("wposs")))
    if m.group("chain"):
        words = m.group("chain").lower()
        days = _CHAIN_DAYS.get((m.group("days") or "one").lower(), 1)
        step = -days if re.search(r"before|earlier|previous", words) else days
        return DateMention(m.start(), m.end(), f"?chain{step:+d}", None, protest)
    if m.group("period"):
        key = "?period-" + re.sub(r"\s+", "-", m.group("period").lower())
        return DateMention(m.start(), m.end(), key, None, protest)
    if m.group("weekend"):
        label = "last-weekend" if m.group("weekend").lower().startswith("last") else "weekend"
        return DateMention(m.start(), m.end(), f"?{label}", None, protest)
    name = m.group("named")
    year = int(m.group("named_year")) if m.group("named_year") else None
    value = None
    if year is not None:
        value = _named_day(name, year)
    elif published is not None:
        value = _named_day(name, published.year)
        if value > published + dt.timedelta(days=7):
            value = _named_day(name, published.year - 1)
    key = value.isoformat() if value else f"?{name.lower()}"
    return DateMention(m.start(), m.end(), key, value, protest)


_CHAIN_DAYS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_CHAIN_DAYS.update({str(n): n for n in range(2, 7)})


def resolve_chains(mentions: list[DateMention]) -> list[DateMention]:
    """ "Arrests on Sunday. The day before, ...": a day counted from the date told before it.

    >>> sunday = DateMention(0, 6, "2024-08-04", dt.date(2024, 8, 4))
    >>> before = DateMention(20, 34, "?chain-1", None)
    >>> resolve_chains([sunday, before])[1].value
    datetime.date(2024, 8, 3)
    """
    resolved: list[DateMention] = []
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.key.startswith("?chain"):
            anchor = next((m for m in reversed(resolved) if m.value is not None), None)
            if anchor is not None and anchor.value is not None:
                value = anchor.value + dt.timedelta(days=int(mention.key[6:]))
                mention = DateMention(
                    mention.start, mention.end, value.isoformat(), value, mention.protest
                )
        resolved.append(mention)
    return resolved


_PROTEST_BEFORE = re.compile(
    r"\b(?:march|protest|demonstration|rally|riot|disorder|sit-in|vigil|clashes|unrest)\s+"
    r"(?:[\w'’-]+\s+){0,6}?(?:on|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)


def _protest_before(text: str, position: int, start: int) -> bool:
    """ "after disorder at a protest in Bristol on 3 August": the date of the protest."""
    return _PROTEST_BEFORE.search(text, max(start, position - 80), position) is not None


def _protest_after(text: str, position: int, end: int) -> bool:
    return _PROTEST_AFTER.match(text, position, end) is not None


def full_dates_in(text: str) -> list[dt.date]:
    """Dates written with their year at the end of a line in *text*: the time stamps of embedded
    posts and bylines, which anchor a bare weekday when the publication date is unknown."""
    dates = []
    for _, end, year, month, day in _absolute_dates(text, 0, len(text)):
        line_end = text.find("\n", end)
        rest = text[end : line_end if line_end >= 0 else len(text)]
        if year is not None and not rest.strip() and (date := _make(year, month, day)):
            dates.append(date)
    return dates
