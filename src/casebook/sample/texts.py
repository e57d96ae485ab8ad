"""Invented wording for sample incidents: titles, summaries and the texts of their sources.

Each function takes a `Story` (what happened, worked out by the generator) and a seeded
`random.Random`, and returns text built from templates written for Casebook.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass

from casebook.sample import words

_NUMBER_WORDS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
ONE_PERSON = (
    "a protester",
    "a woman",
    "a man",
    "a student",
    "a pensioner",
    "a teenager",
    "a nurse",
    "a steward",
    "a teacher",
    "a councillor",
)


def people_phrase(rng: random.Random, number: int | None, precision: str) -> str:
    """How a headline counts people: 'a student', 'three people', 'about 40 people'.

    >>> people_phrase(random.Random(1), 3, "exact")
    'three people'
    """
    if number is None:
        return "protesters"
    if number == 1 and precision == "exact":
        return rng.choice(ONE_PERSON)
    if precision == "approximate":
        return "hundreds of people" if number >= 200 else f"about {number} people"
    if number < len(_NUMBER_WORDS):
        return f"{_NUMBER_WORDS[number]} people"
    return f"{number} people"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_text(date: dt.date) -> str:
    return f"{date:%A} {date.day} {date:%B %Y}"


def when(date: dt.date, precision: str = "day") -> str:
    """'on Saturday 4 May 2024', 'in May 2024' or 'in 2024', as precisely as we know it.

    >>> when(dt.date(2024, 5, 1), "month")
    'in May 2024'
    """
    if precision == "year":
        return f"in {date.year}"
    if precision == "month":
        return f"in {date:%B %Y}"
    return f"on {date_text(date)}"


@dataclass
class Story:
    """What happened, in the words the templates need."""

    date: dt.date
    precision: str  # of the date: day, month or year
    place: words.Place
    force: str  # the force's name
    cause: words.Cause
    protest_name: str  # "" when the incident is not at a protest
    organiser: str
    act_type: str  # slug of the first act
    who: str  # people_phrase of the first act
    number: int | None
    trigger: str | None  # trigger slug of the first act
    wording: str  # its trigger wording
    offence: str  # its offence wording, or ""
    outcome: str | None  # slug of the latest outcome of the first act

    @property
    def at_event(self) -> str:
        if self.protest_name:
            return f"at the {self.event}"
        return f"in {self.place.town}"

    @property
    def event(self) -> str:
        """The protest's name as it reads mid-sentence after "the"."""
        return _decapitalise(self.protest_name)

    @property
    def when(self) -> str:
        return when(self.date, self.precision)


def _decapitalise(name: str) -> str:
    """A protest's name as it reads after "the": only a leading place name keeps its capital.

    >>> _decapitalise("National march for Palestine"), _decapitalise("Leeds unity rally")
    ('national march for Palestine', 'Leeds unity rally')
    """
    if name.split(" ", 1)[0] in _TOWN_WORDS:
        return name
    return name[:1].lower() + name[1:]


_TOWN_WORDS = {place.town.split(" ", 1)[0] for place in words.PLACES}

CARRIED = frozenset({"placard", "flag", "banner", "clothing", "leaflet", "symbol"})
TRIGGER_NOUNS = {
    "placard": "a placard",
    "flag": "a flag",
    "banner": "a banner",
    "clothing": "clothing",
    "symbol": "a symbol",
    "chant": "chanting",
    "speech": "a speech",
    "noise": "noise",
    "leaflet": "leaflets",
    "online_post": "an online post",
    "filming": "filming officers",
    "gathering": "a gathering",
    "obstruction": "a blockade",
    "violence": "disorder",
    "other": "a protest",
    None: "a protest",
}

TITLES = {
    "arrest": (
        "{Who} arrested over {trigger} {at}",
        "{Who} arrested {at}",
        "Arrests over {trigger} {at}",
        "{Who} held after {trigger} {at}",
    ),
    "charge": ("{Who} charged over {trigger} {at}", "Charges after {trigger} {at}"),
    "caution": ("{Who} cautioned over {trigger} {at}",),
    "fine": ("{Who} fined over {trigger} {at}", "Fixed penalties for {trigger} {at}"),
    "seizure": ("Police seize {trigger} {at}", "{Trigger} confiscated {at}"),
    "stop_search": ("{Who} stopped and searched {at}", "Protesters searched {at}"),
    "dispersal": ("Dispersal order used {at}", "{Who} ordered to leave {at}"),
    "conditions": ("Police impose conditions {at}", "Route and time conditions imposed {at}"),
    "containment": ("{Who} kettled {at}", "Protesters contained for hours {at}"),
    "force": ("Officers use force {at}", "Protester injured as police clear a crowd {at}"),
    "image_appeal": ("Police publish images of {who} {at}", "Image appeal after {trigger} {at}"),
    "home_visit": (
        "Officers visit {who} at home over {trigger}",
        "Police call at a home {at} over {trigger}",
    ),
    "personal_details_published": (
        "Police publish names and towns of {who} {at}",
        "Details of arrested protesters published {at}",
    ),
    "surveillance": ("Protesters filmed and followed {at}", "Facial recognition van {at}"),
    "other": ("Police action {at}", "Protest policing incident {at}"),
}

ACT_VERBS = {
    "arrest": "arrested {who}",
    "charge": "charged {who}",
    "caution": "cautioned {who}",
    "fine": "issued fixed penalties to {who}",
    "seizure": "seized {trigger} from {who}",
    "stop_search": "stopped and searched {who}",
    "dispersal": "ordered {who} to disperse",
    "conditions": "imposed conditions on {who}",
    "containment": "held {who} in a kettle",
    "force": "used force against {who}",
    "image_appeal": "published images of {who}",
    "home_visit": "visited {who} at home",
    "personal_details_published": "published the names and home towns of {who}",
    "surveillance": "filmed and followed {who}",
    "other": "took action against {who}",
}

OUTCOME_SENTENCES = {
    "released": "They were released later the same day.",
    "released_under_investigation": "They were released under investigation.",
    "bailed": "They were bailed with conditions.",
    "no_further_action": "Police later said no further action would be taken.",
    "cautioned": "A caution was accepted.",
    "charged": "Charges followed and the case is waiting for a hearing.",
    "convicted": "The case ended in a conviction.",
    "acquitted": "The case ended in an acquittal.",
    "dropped": "The prosecution was later dropped.",
    "pending": "The case is still pending.",
}

ORGANISER_QUOTES = (
    "an attack on the right to protest",
    "heavy-handed and completely unnecessary",
    "a waste of police time when real crimes go unsolved",
    "proof that the new powers are being misused",
    "an attempt to frighten people off the streets",
    "a disgrace, and we will be back next week",
)
POLICE_QUOTES = (
    "officers will always act when the law is broken",
    "officers balanced the rights of protesters with those of the wider community",
    "the vast majority of people protested peacefully",
    "officers acted on the advice of specialist colleagues",
    "anyone with information should contact us",
)


def _verb(story: Story) -> str:
    """'arrested three people', 'seized a placard from a student'..."""
    template = ACT_VERBS.get(story.act_type, ACT_VERBS["other"])
    return template.format(who=story.who, trigger=TRIGGER_NOUNS.get(story.trigger, "items"))


def trigger_sentence(story: Story) -> str:
    """One sentence saying what set the police off, in the trigger's own words."""
    w = story.wording
    if not w:
        return ""
    return {
        "placard": f"The placard read '{w}'.",
        "banner": f"The banner read '{w}'.",
        "chant": f"Officers objected to the chant '{w}'.",
        "flag": f"Police pointed to a {w}.",
        "clothing": f"Officers pointed to a {w}.",
        "symbol": f"Police objected to a {w}.",
        "leaflet": f"Police pointed to {w}.",
        "online_post": f"Police cited a {w}.",
        "speech": f"Police pointed to a {w}.",
        "noise": f"Police complained of {w}.",
        "filming": f"The person had been {w}.",
    }.get(story.trigger or "", f"Earlier, protesters {w}.")


def incident_title(rng: random.Random, story: Story) -> str:
    template = rng.choice(TITLES.get(story.act_type, TITLES["other"]))
    trigger = TRIGGER_NOUNS.get(story.trigger, "a protest")
    title = template.format(
        Who=capitalise(story.who),
        who=story.who,
        trigger=trigger,
        Trigger=capitalise(trigger),
        at=story.at_event,
    )
    return capitalise(title)[:300]


def incident_summary(rng: random.Random, story: Story) -> str:
    sentences = [f"{story.force} officers {_verb(story)} {story.at_event} {story.when}."]
    sentences.append(trigger_sentence(story))
    if story.offence:
        sentences.append(f"Police gave the reason as {story.offence}.")
    if story.protest_name and story.organiser and rng.random() < 0.6:
        sentences.append(f"The protest was organised by {story.organiser}.")
    if story.outcome in OUTCOME_SENTENCES:
        sentences.append(OUTCOME_SENTENCES[story.outcome])
    return " ".join(s for s in sentences if s)


def slug(text: str) -> str:
    """URL-friendly form of a headline.

    >>> slug("Three people arrested at the Bristol climate march")
    'three-people-arrested-at-the-bristol-climate-march'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


@dataclass
class SourceText:
    title: str
    text: str
    publisher: str
    author: str
    url: str


def source_text(rng: random.Random, story: Story, kind: str, *, number: int) -> SourceText:
    """Title, text, publisher, author and address of one invented source of a story."""
    writer = _SOURCE_WRITERS.get(kind, _news)
    return writer(rng, story, number)


def _quote(rng: random.Random, story: Story) -> str:
    if story.organiser and rng.random() < 0.7:
        return (
            f"A spokesperson for {story.organiser} called the police action "
            f"'{rng.choice(ORGANISER_QUOTES)}'."
        )
    return f"{story.force} said {rng.choice(POLICE_QUOTES)}."


def _news(rng: random.Random, story: Story, number: int) -> SourceText:
    publisher = rng.choice(words.NEWS_PUBLISHERS)
    title = incident_title(rng, story)
    were = "was" if story.who.startswith("a ") else "were"
    text = " ".join(
        s
        for s in (
            f"{capitalise(story.who)} {were} involved when {story.force} officers stepped in "
            f"{story.at_event} {story.when}.",
            trigger_sentence(story),
            f"Officers said the action was for {story.offence}." if story.offence else "",
            _quote(rng, story),
            OUTCOME_SENTENCES.get(story.outcome or "", ""),
        )
        if s
    )
    domain = slug(publisher).replace("-", "")
    url = f"https://{domain}.example.test/{story.date:%Y/%m}/{slug(title)}-{number}"
    return SourceText(title, text, publisher, _author(rng), url)


def _testimony(rng: random.Random, story: Story, number: int) -> SourceText:
    opening = (
        f"I was {story.at_event} {story.when}."
        if story.protest_name
        else f"This happened {story.at_event}."
    )
    what = {
        "placard": f"I was holding a placard that said '{story.wording}'.",
        "banner": f"We were carrying a banner that said '{story.wording}'.",
        "chant": f"People around me were chanting '{story.wording}'.",
        "flag": f"I had a {story.wording} with me.",
        "clothing": f"I was wearing a {story.wording}.",
        "online_post": f"It was about a {story.wording}.",
    }.get(story.trigger or "", f"Some people {story.wording}." if story.wording else "")
    after = rng.choice(
        (
            "Two officers took me aside and asked for my name and address.",
            "I was put in a van and driven to a police station, where I was held for hours.",
            "Nobody told me which law they were using until much later.",
            "My friend filmed what happened on her phone.",
            "An officer told me to hand it over or be arrested."
            if story.trigger in CARRIED
            else "Officers pushed into the crowd without any warning.",
        )
    )
    text = " ".join(
        s for s in (opening, what, after, OUTCOME_SENTENCES.get(story.outcome or "", "")) if s
    )
    title = f"Testimony about {story.act_type.replace('_', ' ')} {story.at_event}"
    return SourceText(title, text, "", "", "")


def _legal_observer(rng: random.Random, story: Story, number: int) -> SourceText:
    publisher = rng.choice(words.LEGAL_OBSERVER_GROUPS)
    count = {None: "several people", 1: "one person"}.get(story.number, f"{story.number} people")
    text = " ".join(
        s
        for s in (
            f"Legal observers recorded {count} affected {story.at_event} {story.when}.",
            trigger_sentence(story),
            f"Officers cited {story.offence}."
            if story.offence
            else "Officers did not say which power they were using.",
            rng.choice(
                (
                    "Arrested people were taken to police stations outside the town.",
                    "Observers handed out bust cards and collected witness details.",
                    "Several people reported tight handcuffs.",
                    "Observers were themselves told to move back.",
                )
            ),
        )
        if s
    )
    title = f"Legal observer report: {story.protest_name or story.place.town}"
    return SourceText(title, text, publisher, "", "")


def _police_statement(rng: random.Random, story: Story, number: int) -> SourceText:
    text = " ".join(
        s
        for s in (
            f"Officers {_verb(story)} {story.at_event} {story.when}.",
            f"This was for {story.offence}." if story.offence else "",
            f"A spokesperson said {rng.choice(POLICE_QUOTES)}.",
        )
        if s
    )
    event = f"the {story.event}" if story.event else f"a protest in {story.place.town}"
    title = f"Update on the policing of {event}"
    url = f"https://{slug(story.force).replace('-', '')}.police.example.test/news/{number}"
    return SourceText(title[:300], text, story.force, "", url)


def _social_media(rng: random.Random, story: Story, number: int) -> SourceText:
    account = rng.choice(words.SOCIAL_MEDIA_ACCOUNTS)
    wording = f" '{story.wording}'" if story.wording else ""
    hashtag = slug(story.place.town).split("-")[0]
    text = f"Police just {_verb(story)} {story.at_event}.{wording} #protest #{hashtag}"
    url = f"https://social.example.test/{account.lstrip('@')}/{number}"
    return SourceText(f"Post by {account}", text, account, account, url)


def _court_record(rng: random.Random, story: Story, number: int) -> SourceText:
    court = f"{story.place.town.split(',')[0]} Magistrates' Court"
    offence = story.offence or "a public order offence"
    text = (
        f"Listing for a defendant accused of {offence}, arising from events "
        f"{story.at_event} {story.when}."
    )
    return SourceText(f"Court listing: {offence}"[:300], text, court, "", "")


def _video(rng: random.Random, story: Story, number: int) -> SourceText:
    text = f"Footage filmed {story.at_event} shows officers who {_verb(story)}."
    url = f"https://video.example.test/watch/{number}"
    return SourceText(f"Video {story.at_event}", text, rng.choice(words.NEWS_PUBLISHERS), "", url)


def _author(rng: random.Random) -> str:
    return f"{rng.choice(words.GIVEN_NAMES)} {invented_surname(rng)}"


def invented_surname(rng: random.Random) -> str:
    return rng.choice(words.SURNAME_HEADS) + rng.choice(words.SURNAME_TAILS)


def coverage_text(
    rng: random.Random,
    *,
    protest_name: str,
    town: str,
    date: dt.date,
    size: int | None,
    organiser: str,
    force: str,
    number: int,
) -> SourceText:
    """An article about a whole protest, cited by several of its incidents."""
    publisher = rng.choice(words.NEWS_PUBLISHERS)
    crowd = f"about {size:,} people" if size else "a crowd"
    title = f"{protest_name}: {crowd} gather, police make arrests"
    where = "" if town in protest_name else f" in {town}"
    text = (
        f"{capitalise(crowd)} took part in the {_decapitalise(protest_name)}{where} "
        f"{when(date)}, organised by {organiser}. {force} said officers made a number "
        f"of arrests during the day and that {rng.choice(POLICE_QUOTES)}. Organisers said "
        f"the policing was '{rng.choice(ORGANISER_QUOTES)}'."
    )
    domain = slug(publisher).replace("-", "")
    url = f"https://{domain}.example.test/{date:%Y/%m}/{slug(title)}-{number}"
    return SourceText(title[:300], text, publisher, _author(rng), url)


_SOURCE_WRITERS = {
    "news_article": _news,
    "testimony": _testimony,
    "legal_observer": _legal_observer,
    "police_statement": _police_statement,
    "social_media": _social_media,
    "court_record": _court_record,
    "video": _video,
}
