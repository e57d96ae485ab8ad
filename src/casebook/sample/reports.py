"""Synthetic reports of invented events, with the truth of which reports describe which event.

Linkage is measured against this: `reports_generate(size=…, seed=…)` invents events (an arrest
at a protest, a home visit over a post…) and writes several reports of most of them, as
different channels would send them, with the noise real reports carry:

- the force written as one of its aliases ("the Met", "Beds Police") or left out;
- the date a day off (a news story dated the day it ran), or known only to the month;
- counts that disagree (52 and 54), are approximate ("about 40") or missing;
- place names with a typo, or only the town;
- titles and summaries written afresh for each report, trigger wording paraphrased or absent;
- photos passed on as the same file, re-encoded or resized (real JPEG bytes, real hashes),
  and photos of the same event that only one witness took;
- people known to some channels (by their blind-index tokens only), to others not;
- some events reported once.

Each report lists the noise it carries (`SyntheticReport.noise`), so that a benchmark can say
which kinds of noise its errors come from.

Framework-free and deterministic for a seed. Everything here is invented (see `words.py`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import hmac
import io
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from casebook.codebook.matching import NameIndex, default_codebook_path, load_codebook_file
from casebook.linkage.compare.records import ActSummary, LinkageRecord
from casebook.sample import coding, texts, words

FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)
# How many reports an event gets: many are reported once, a few by five channels or more.
REPORTS_PER_EVENT = {1: 30, 2: 26, 3: 20, 4: 12, 5: 7, 6: 5}
# Incidents at one protest: most protests have one. A casebook mostly records one incident
# per kind of police action at a protest (twelve arrests are one incident with an act of
# 12), but not always: arrests at the start of a march and at its end, by other officers,
# of other people over other placards, are often two incidents. So a later incident of a
# protest repeats a kind already recorded there this often, and linkage has to tell such
# incidents apart by what else their reports say (the street, the people, the wording, the
# numbers, the photos), not by the kind of act alone.
EVENTS_PER_PROTEST = {1: 70, 2: 18, 3: 8, 4: 4}
SAME_KIND_AGAIN = 0.25
# A seizure or force after another act is over the same thing this share of the times (an
# assumption, like the others here; the rest are over something else seen there).
SAME_REASON = 0.8
AT_PROTEST = 0.65
WITH_PHOTO = 0.2
WITH_PEOPLE = 0.45
# Channels whose reporters were there: some send a photo of their own, which no other report
# of the event carries.
WITNESSES = frozenset({"hotline", "legal-observers", "social-media"})
OWN_PHOTO = 0.15
# Channels that know the people involved (they spoke to them) and those that do not.
KNOWS_PEOPLE = frozenset({"hotline", "legal-observers", "partner", "court-lists"})
CHANNELS = {
    "news-monitor": 34,
    "hotline": 18,
    "legal-observers": 15,
    "police-statements": 14,
    "social-media": 9,
    "partner": 5,
    "court-lists": 3,
}
# How often a channel gives the time of day: observers note it on their sheets, a caller
# says when, a statement or a post often has it, a news story now and then, a court list
# never (it gives the hearing). A time given is the witness's estimate: a few minutes off
# and rounded, now and then an hour or two wrong (remembered badly, or when it was posted).
GIVES_TIME = {
    "legal-observers": 0.85,
    "hotline": 0.6,
    "police-statements": 0.5,
    "social-media": 0.5,
    "partner": 0.5,
    "news-monitor": 0.3,
    "court-lists": 0.0,
}
TIME_WRONG = 0.08
# A protest starts between 10:00 and 15:00 and lasts two to six hours; its incidents happen
# at any point of it. Away from protests (home visits, arrests over posts): 07:00 to 22:00.
PROTEST_START = (10 * 60, 15 * 60)
PROTEST_HOURS = (2, 6)
SPOT_SENTENCES = (
    "It happened on {spot}.",
    "This was on {spot}.",
    "Officers moved in on {spot}.",
    "The arrests were made near {spot}.",
    "Witnesses said it took place on {spot}.",
)
_SYNTHETIC_INDEX_KEY = b"casebook synthetic blind index (test data only)"


@dataclass(frozen=True)
class Photo:
    """One copy of a photo as a report carries it: the file's hash and its perceptual hash."""

    sha256: str
    phash: str
    variant: str = "original"  # original, re-encoded or resized


@dataclass
class SyntheticReport:
    """One report of an event, as a channel sent it (force as written, noise and all)."""

    report_id: str
    event_id: str
    channel: str
    force_written: str
    date: dt.date
    date_precision: str
    place: str
    latitude: float | None
    longitude: float | None
    protest: str | None
    acts: list[ActSummary]
    provisions: list[str]
    trigger_wording: str
    title: str
    summary: str
    photos: list[Photo] = field(default_factory=list)
    people_hashes: list[str] = field(default_factory=list)
    time: dt.time | None = None
    noise: tuple[str, ...] = ()  # the kinds of noise in this report (NOISE_KINDS)
    # The truth about the event, for telling apart kinds of error.
    event_date: dt.date | None = None
    event_place: str = ""
    event_protest: str | None = None

    def as_record(self, forces: NameIndex) -> LinkageRecord:
        """The report flattened for linkage, its force resolved from the name as written."""
        return LinkageRecord(
            record_id=self.report_id,
            date=self.date,
            date_precision=self.date_precision,
            force=forces.resolve(self.force_written) if self.force_written else None,
            place=self.place,
            latitude=self.latitude,
            longitude=self.longitude,
            protest=self.protest,
            acts=tuple(self.acts),
            provisions=tuple(self.provisions),
            trigger_wording=self.trigger_wording,
            title=self.title,
            summary=self.summary,
            evidence_sha256=tuple(p.sha256 for p in self.photos),
            evidence_phash=tuple(p.phash for p in self.photos),
            people_hashes=tuple(self.people_hashes),
            channels=(self.channel,),
            time=self.time,
        )


@dataclass
class _Act:
    act_type: str
    number: int | None
    provision: str | None
    trigger: str | None
    wording: str


@dataclass
class _Event:
    event_id: str
    date: dt.date
    place: words.Place
    cause: words.Cause
    protest_id: str | None
    protest_name: str
    organiser: str
    acts: list[_Act]
    spot: str  # the street it happened on, which some reports mention
    minute: int  # the time of day it happened, in minutes after midnight
    photos: list[int]  # seeds of the event's original photos
    people: list[str]
    reports: int


class _Weighted:
    def __init__(self, weights: dict):
        self.source = weights
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return self.keys[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


class _Forces:
    """Each force's name and aliases, from the codebook file (no database needed)."""

    def __init__(self):
        codebook = load_codebook_file(default_codebook_path())
        self.index = NameIndex.from_organisations(codebook["organisations"])
        self.names = {o["slug"]: o["name"] for o in codebook["organisations"]}
        self.aliases = {
            o["slug"]: [a for a in o.get("aliases", []) if self.index.resolve(a) == o["slug"]]
            for o in codebook["organisations"]
        }


def reports_generate(*, size: int, seed: int = 1, photos: bool = True) -> list[SyntheticReport]:
    """`size` reports of invented events for `seed`; each report's `event_id` is the truth.

    With `photos=False` no image is made (faster; the evidence comparisons never fire).
    """
    if size < 0:
        raise ValueError("size must be zero or more")
    rng = random.Random(seed)
    forces = _Forces()
    studio = _PhotoStudio(seed) if photos else None
    reports: list[SyntheticReport] = []
    events = _events(rng)
    while len(reports) < size:
        event = next(events)
        for _ in range(min(event.reports, size - len(reports))):
            reports.append(_report(rng, event, f"R-{len(reports) + 1:06d}", forces, studio))
    # Reports reach a casebook in no particular order: shuffled, so ids say nothing.
    rng.shuffle(reports)
    return reports


def reports_as_records(reports: list[SyntheticReport]) -> list[LinkageRecord]:
    """Every report flattened for linkage (forces resolved through the codebook's aliases)."""
    forces = _Forces().index
    return [report.as_record(forces) for report in reports]


def truth_rows(reports: list[SyntheticReport]) -> list[tuple[str, str]]:
    """(record id, event id) rows for a truth file with columns `incident_id,cluster_id`."""
    return sorted((r.report_id, r.event_id) for r in reports)


# --- Events ---------------------------------------------------------------------------------


def _events(rng: random.Random) -> Iterator[_Event]:
    """Invented events without end: dates rising year on year and busiest at weekends."""
    days = [FIRST_DAY + dt.timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    weekday = (0.5, 0.5, 0.6, 0.6, 0.8, 3.0, 1.4)
    day_pick = _Weighted(
        {
            day: math.exp(0.17 * (day - FIRST_DAY).days / 365.25) * weekday[day.weekday()]
            for day in days
        }
    )
    places = _Weighted({p: p.weight for p in words.PLACES})
    causes = _Weighted({c: c.base for c in words.CAUSES})
    per_protest = _Weighted(EVENTS_PER_PROTEST)
    numbers = itertools.count(1)
    protests = itertools.count(1)
    while True:
        date, place, cause = day_pick.pick(rng), places.pick(rng), causes.pick(rng)
        if rng.random() < AT_PROTEST:
            protest = (
                f"PR-{next(protests):06d}",
                rng.choice(cause.protest_names).format(town=place.town),
                rng.choice(cause.organisers),
                rng.randint(*PROTEST_START),
                rng.randint(*PROTEST_HOURS) * 60,
            )
            kinds: set[str] = set()
            for _ in range(per_protest.pick(rng)):
                event = _event(rng, next(numbers), date, place, cause, protest, kinds)
                kinds.add(event.acts[0].act_type)
                yield event
        else:
            town = next((p for p in words.PLACES if p.name == place.town), place)
            yield _event(rng, next(numbers), date, town, cause, None)


def _event(rng, number: int, date, place, cause, protest, taken=frozenset()) -> _Event:
    at_protest = protest is not None
    kinds = coding.ACTS_AT_PROTEST if at_protest else coding.ACTS_AWAY_FROM_PROTEST
    free = {kind: weight for kind, weight in kinds.items() if kind not in taken}
    if taken and (not free or rng.random() < SAME_KIND_AGAIN):
        first = rng.choice(sorted(taken))
    else:
        first = _Weighted(free).pick(rng) if taken else _pick(rng, kinds)
    acts = [_act(rng, cause, place, at_protest=at_protest, act_type=first)]
    follow = coding.FOLLOW_UP_ACTS.get(acts[0].act_type)
    if follow and rng.random() < 0.4:
        acts.append(_follow_up(rng, acts[0], _pick(rng, follow), cause, place, at_protest))
    people = []
    if rng.random() < WITH_PEOPLE:
        people = [_person_token(rng) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    photos = []
    if rng.random() < WITH_PHOTO:
        photos = [rng.getrandbits(48) for _ in range(rng.choice((1, 1, 2)))]
    protest_id, protest_name, organiser, start, length = protest or (None, "", "", 7 * 60, 15 * 60)
    return _Event(
        event_id=f"E-{number:06d}",
        date=date,
        place=place,
        cause=cause,
        protest_id=protest_id,
        protest_name=protest_name,
        organiser=organiser,
        acts=acts,
        spot=f"{rng.choice(words.STREET_HEADS)} {rng.choice(words.STREET_KINDS)}",
        minute=start + rng.randrange(length),
        photos=photos,
        people=people,
        reports=_pick(rng, REPORTS_PER_EVENT),
    )


def _act(rng, cause, place, *, at_protest: bool, act_type: str | None = None) -> _Act:
    if act_type is None:
        act_type = _pick(
            rng, coding.ACTS_AT_PROTEST if at_protest else coding.ACTS_AWAY_FROM_PROTEST
        )
    if act_type in coding.OFFENCE_ACTS:
        trigger = _pick(rng, cause.triggers if at_protest else coding.AWAY_OFFENCE_TRIGGERS)
        provision = _pick(
            rng, coding.OFFENCE_PROVISIONS.get(trigger, coding.OFFENCE_PROVISIONS["other"])
        )
    else:
        trigger = _pick(rng, coding.TRIGGERS_BY_ACT.get(act_type, {"other": 1}))
        provision = None
    return _Act(
        act_type=act_type,
        number=_number(rng, act_type, at_protest=at_protest),
        provision=provision,
        trigger=trigger,
        wording=_wording(rng, trigger, cause, place),
    )


def _follow_up(rng, main: _Act, act_type: str, cause, place, at_protest: bool) -> _Act:
    """An act that followed the main one in the same incident.

    A charge, caution or fine after an arrest is for what the arrested people did: the same
    trigger and wording, mostly the same offence, and no more people than were arrested.
    The other acts of one incident happen for the same reason as its main act: the placard
    seized is the one people were arrested over, the lock-on gear of those arrested for
    obstruction, the phone of someone visited over a post; force is used in those arrests. So a
    seizure, force or other follow-up takes the main act's trigger and wording most times; now
    and then it is over something else seen there and drawn as an act of its own kind.
    """
    if not (act_type in coding.OFFENCE_ACTS and main.act_type in coding.OFFENCE_ACTS):
        drawn = _act(rng, cause, place, at_protest=at_protest, act_type=act_type)
        if act_type in coding.OFFENCE_ACTS:
            return drawn
        if main.trigger and rng.random() < SAME_REASON:
            drawn.trigger, drawn.wording = main.trigger, main.wording
        return drawn
    provision = main.provision
    if rng.random() < 0.2:  # charged with another offence than the arrest was for
        provision = _pick(
            rng,
            coding.OFFENCE_PROVISIONS.get(main.trigger or "", coding.OFFENCE_PROVISIONS["other"]),
        )
    return _Act(
        act_type=act_type,
        number=rng.randint(1, main.number) if main.number else None,
        provision=provision,
        trigger=main.trigger,
        wording=main.wording,
    )


def _number(rng, act_type: str, *, at_protest: bool) -> int | None:
    if act_type in ("conditions", "dispersal", "surveillance") and rng.random() < 0.6:
        return None
    if not at_protest:
        return _pick(rng, {1: 80, 2: 15, 3: 5})
    drawn = _pick(rng, coding.PEOPLE_AFFECTED)
    return rng.randint(*drawn) if isinstance(drawn, tuple) else drawn


def _wording(rng, trigger: str, cause: words.Cause, place: words.Place) -> str:
    if trigger == "speech":
        return rng.choice(words.SPEECHES).format(topic=cause.topic)
    if trigger == "leaflet":
        return rng.choice(words.LEAFLETS).format(slogan=rng.choice(cause.placards))
    lists = {
        "placard": cause.placards,
        "banner": cause.banners,
        "chant": cause.chants,
        "flag": cause.flags,
        "clothing": cause.clothing,
        "online_post": cause.online_posts,
        "gathering": cause.actions,
        "obstruction": cause.actions,
        "violence": words.VIOLENCE,
        "symbol": words.SYMBOLS,
        "noise": words.NOISES,
        "filming": words.FILMING,
    }
    return rng.choice(lists.get(trigger, words.OTHER_TRIGGERS)).format(town=place.town)


def _person_token(rng) -> str:
    """A blind-index token of an invented person (a keyed hash, like the real index's)."""
    name = f"{rng.choice(words.GIVEN_NAMES)} {texts.invented_surname(rng)} {rng.getrandbits(32)}"
    return hmac.new(_SYNTHETIC_INDEX_KEY, name.encode(), hashlib.sha256).hexdigest()[:20]


# --- Reports --------------------------------------------------------------------------------


NOISE_KINDS = (
    "force alias",
    "force left out",
    "date a day off",
    "date to the month",
    "count off",
    "count rounded",
    "count left out",
    "place typo",
    "town only",
    "place left out",
    "wording changed",
    "wording left out",
    "act left out",
    "main act left out",
    "time off",
    "time left out",
    "photo re-encoded",
    "photo resized",
    "own photo",
)


def _report(rng, event: _Event, report_id: str, forces: _Forces, studio) -> SyntheticReport:
    channel = _pick(rng, CHANNELS)
    force = event.place.force
    date, precision = _reported_date(rng, event.date, channel)
    acts = [a for i, a in enumerate(event.acts) if i == 0 or rng.random() < 0.7]
    # A court list knows the charge, not the arrest; now and then another source too
    # reports only what followed.
    main_left_out = len(event.acts) > 1 and rng.random() < (
        0.5 if channel == "court-lists" else 0.05
    )
    if main_left_out:
        acts = event.acts[1:]
    summaries = [
        ActSummary(a.act_type, number, approximate)
        for a in acts
        for number, approximate in [_reported_number(rng, a.number)]
    ]
    cites = 0.9 if channel in ("police-statements", "court-lists") else 0.6
    provisions = sorted({a.provision for a in acts if a.provision and rng.random() < cites})
    first = acts[0]
    written_force = _written_force(rng, force, forces)
    story = texts.Story(
        date=date,
        precision=precision,
        place=event.place,
        force=written_force or "Police",
        cause=event.cause,
        protest_name=event.protest_name,
        organiser=event.organiser,
        act_type=first.act_type,
        who=texts.people_phrase(
            rng, summaries[0].number, "approximate" if summaries[0].approximate else "exact"
        ),
        number=summaries[0].number,
        trigger=first.trigger,
        wording=first.wording,
        offence=rng.choice(coding.OFFENCE_WORDING.get(first.provision or "", ("",))),
        outcome=None,
    )
    kind = next(k[1] for k in coding.SOURCE_KINDS if k[0] == channel)
    written = texts.source_text(rng, story, kind, number=1)
    with_coordinates = rng.random() < 0.3
    knows_people = channel in KNOWS_PEOPLE
    shares_photo = rng.random() < (0.75 if channel in ("news-monitor", "social-media") else 0.45)
    photos = [studio.copy(rng, seed) for seed in event.photos] if studio and shares_photo else []
    if studio and channel in WITNESSES and rng.random() < OWN_PHOTO:
        photos.append(studio.copy(rng, rng.getrandbits(48), variant="original"))
        noise_photo = ["own photo"]
    else:
        noise_photo = []
    place = _written_place(rng, event.place)
    time = _reported_time(rng, event.minute, channel)
    wording = _written_wording(rng, first.wording)
    noise = [
        *_force_noise(written_force, forces.names[force]),
        *_date_noise(date, precision, event.date),
        *_count_noise(summaries[0], first.number),
        *_place_noise(place, event.place),
        *_time_noise(time, event.minute),
        *(["wording left out"] if not wording else []),
        *(["wording changed"] if wording and wording != first.wording else []),
        *(["main act left out"] if main_left_out else []),
        *(["act left out"] if len(acts) < len(event.acts) and not main_left_out else []),
        *sorted({f"photo {p.variant}" for p in photos if p.variant != "original"}),
        *noise_photo,
    ]
    return SyntheticReport(
        report_id=report_id,
        event_id=event.event_id,
        channel=channel,
        force_written=written_force,
        date=date,
        date_precision=precision,
        place=place,
        latitude=event.place.latitude + rng.uniform(-0.003, 0.003) if with_coordinates else None,
        longitude=event.place.longitude + rng.uniform(-0.003, 0.003) if with_coordinates else None,
        protest=event.protest_id if event.protest_id and rng.random() < 0.5 else None,
        acts=summaries,
        provisions=provisions,
        trigger_wording=wording,
        title=written.title,
        summary=f"{written.text} {rng.choice(SPOT_SENTENCES).format(spot=event.spot)}"
        if rng.random() < 0.6
        else written.text,
        photos=photos,
        people_hashes=[p for p in event.people if knows_people and rng.random() < 0.8],
        time=time,
        noise=tuple(noise),
        event_date=event.date,
        event_place=event.place.name,
        event_protest=event.protest_id,
    )


def _force_noise(written: str, name: str) -> list[str]:
    if not written:
        return ["force left out"]
    return ["force alias"] if written != name else []


def _date_noise(date: dt.date, precision: str, true_date: dt.date) -> list[str]:
    if precision != "day":
        return ["date to the month"]
    return ["date a day off"] if date != true_date else []


def _count_noise(act: ActSummary, true_number: int | None) -> list[str]:
    if true_number is None:
        return []
    if act.number is None:
        return ["count left out"]
    if act.approximate:
        return ["count rounded"]
    return ["count off"] if act.number != true_number else []


def _place_noise(written: str, place: words.Place) -> list[str]:
    if not written:
        return ["place left out"]
    if written == place.name:
        return []
    return ["town only"] if written == place.town else ["place typo"]


def _time_noise(time: dt.time | None, minute: int) -> list[str]:
    if time is None:
        return ["time left out"]
    return ["time off"] if abs(time.hour * 60 + time.minute - minute) > 30 else []


def _reported_time(rng, minute: int, channel: str) -> dt.time | None:
    """The time of day as a report gives it (or None): an estimate, rounded."""
    if rng.random() >= GIVES_TIME[channel]:
        return None
    if rng.random() < TIME_WRONG:
        minute += rng.choice((-1, 1)) * rng.randint(45, 120)
    else:
        minute += round(rng.gauss(0, 10))
    step = rng.choice((1, 5, 5, 15, 30) if channel != "legal-observers" else (1, 5))
    minute = round(minute / step) * step
    minute = min(max(minute, 0), 24 * 60 - 1)
    return dt.time(minute // 60, minute % 60)


def _written_force(rng, slug: str, forces: _Forces) -> str:
    """The force as the report names it: its name, one of its aliases, or nothing."""
    draw = rng.random()
    if draw < 0.05:
        return ""
    if draw < 0.4 and forces.aliases.get(slug):
        return rng.choice(forces.aliases[slug])
    return forces.names[slug]


def _reported_date(rng, date: dt.date, channel: str) -> tuple[dt.date, str]:
    draw = rng.random()
    if channel == "police-statements" or draw < 0.72:
        return date, "day"
    if draw < 0.86:
        return date + dt.timedelta(days=rng.choice((1, 1, -1))), "day"
    return date.replace(day=1), "month"


def _reported_number(rng, number: int | None) -> tuple[int | None, bool]:
    """(number, approximate) as a report gives it: exact, a little off, rounded, or none."""
    if number is None:
        return None, False
    draw = rng.random()
    if draw < 0.55:
        return number, False
    if draw < 0.75:
        spread = max(1, round(number * 0.06))
        return max(1, number + rng.choice((-1, 1)) * rng.randint(1, spread)), False
    if draw < 0.87 and number >= 8:
        return round(number, -1) or number, True  # "about 50", "dozens"
    if draw < 0.87:
        return number, False
    return None, False


def _written_place(rng, place: words.Place) -> str:
    draw = rng.random()
    if draw < 0.05:
        return ""
    if draw < 0.25 and place.town != place.name:
        return place.town
    if draw < 0.4:
        return _typo(rng, place.name)
    return place.name


def _typo(rng, text: str) -> str:
    """One slip of the keyboard: a letter dropped, doubled or swapped with the next."""
    positions = [i for i in range(1, len(text) - 1) if text[i].isalpha() and text[i + 1].isalpha()]
    if not positions:
        return text
    i = rng.choice(positions)
    slip = rng.randrange(3)
    if slip == 0:
        return text[:i] + text[i + 1 :]
    if slip == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


# How a report may frame the words it quotes ("a sign reading 'Ceasefire now'").
WORDING_FRAMES = (
    "a sign reading",
    "holding up",
    "words to the effect of",
    "what officers called",
    "a message saying",
)


def _written_wording(rng, wording: str) -> str:
    """The trigger as a report words it: quoted whole, a word short (some in capitals),
    framed in the report's own words, only its start, or not at all."""
    draw = rng.random()
    if draw < 0.45:
        return wording
    kept = wording.split()
    if draw < 0.6:
        if len(kept) > 3:
            del kept[rng.randrange(len(kept))]
        return " ".join(kept).upper() if rng.random() < 0.3 else " ".join(kept)
    if draw < 0.72:
        return f"{rng.choice(WORDING_FRAMES)} '{wording}'"
    if draw < 0.8:
        return " ".join(kept[: max(2, len(kept) // 2)])
    return ""


def _pick(rng, weights: dict):
    return _weighted(weights).pick(rng)


_WEIGHTED: dict[int, _Weighted] = {}


def _weighted(weights: dict) -> _Weighted:
    # The codebook tables are module constants: prepare each one once.
    prepared = _WEIGHTED.get(id(weights))
    if prepared is None or prepared.source is not weights:
        prepared = _WEIGHTED[id(weights)] = _Weighted(weights)
    return prepared


# --- Photos ---------------------------------------------------------------------------------


class _PhotoStudio:
    """Makes each event's photos as real JPEG files and hashes the copies reports carry.

    A copy is the original file, a re-encoding at another quality, or a smaller version: the
    SHA-256 of the bytes changes for the last two, the perceptual hash (ImageHash's phash)
    barely does.
    """

    VARIANTS = {"original": 45, "re-encoded": 30, "resized": 25}

    def __init__(self, seed: int):
        self.seed = seed
        self.cache: dict[tuple[int, str], Photo] = {}

    def copy(self, rng, photo_seed: int, variant: str | None = None) -> Photo:
        variant = variant or _pick(rng, self.VARIANTS)
        key = (photo_seed, variant)
        if key not in self.cache:
            self.cache[key] = self._make(photo_seed, variant)
        return self.cache[key]

    def _make(self, photo_seed: int, variant: str) -> Photo:
        import imagehash
        import numpy as np
        from PIL import Image

        pixels = np.random.default_rng(photo_seed).integers(0, 256, (6, 8, 3), dtype=np.uint8)
        image = Image.fromarray(pixels).resize((160, 120), Image.Resampling.BICUBIC)
        data = _jpeg(image, quality=90)
        if variant == "re-encoded":
            data = _jpeg(Image.open(io.BytesIO(data)), quality=70)
        elif variant == "resized":
            smaller = Image.open(io.BytesIO(data)).resize((112, 84), Image.Resampling.LANCZOS)
            data = _jpeg(smaller, quality=80)
        phash = str(imagehash.phash(Image.open(io.BytesIO(data))))
        return Photo(sha256=hashlib.sha256(data).hexdigest(), phash=phash, variant=variant)


def _jpeg(image, *, quality: int) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()
