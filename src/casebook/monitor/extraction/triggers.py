"""What the person did that the police acted on: the act's trigger, from its words.

The offence phrase decides first ("refusing to remove a banner" -> banner); an
act without one looks at its clause. Several kinds at once give no trigger (the labelling
rules' "one act mixes several kinds"), except that the catch-all "other" gives way to a
specific kind ("affray and carrying a knife" -> violence).

An act whose own words name no trigger takes one from what the protesters are told to have done
around it (:func:`set_context_triggers`): a road blocked a sentence before the arrests, an
encampment, signs held. Only one kind of conduct in that context gives a trigger.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from casebook.monitor.extraction.text import NUMBER

if TYPE_CHECKING:
    from casebook.monitor.extraction.act import Act, Span
    from casebook.monitor.extraction.text import Sentence

__all__ = ["set_context_triggers", "set_trigger"]


def set_trigger(act: Act, text: str) -> None:
    """Fill the act's trigger from its offence, or else from its clause."""
    if act.type == "stop_search":
        return  # an authorisation answers no one person's conduct
    if act.offence and _MIXED_OFFENCES.search(act.offence):
        act.mixed = True  # "various public order offences": several kinds, none told
        return
    where = act.offence_span or act.segment
    including = _INCLUDING.search(act.offence) if act.offence else None
    if including:
        # A nested subset ("other offences, including 17 assaults") or a sample of a list
        # ("offences including assaults on officers") does not set the trigger.
        where = (where[0], where[0] + including.start())
    subset = _NESTED_SUBSET.search(text, *where)
    if subset and act.offence_span is None:
        # "27 arrested, including six who climbed onto the roof": what six did is not what
        # the 27 did
        where = (where[0], subset.start())
    found = _trigger_words(act, text, where)
    _drop_inner_obstruction(found, text)
    _drop_incited(found, text, own=act.offence_span is not None)
    if act.offence_span and not found and not including and not act.item:
        # An offence that names no trigger: look at the rest of the clause (not for an
        # elliptical item, "... and the rest for public order offences", whose clause is
        # its siblings').
        found = _trigger_words(act, text, act.segment)
        _drop_inner_obstruction(found, text)
        _drop_incited(found, text, own=False)
    specific = [name for name in found if name != "other"]
    if (
        "online_post" in specific
        and found["online_post"][0] >= act.anchor[1]
        and all(found["online_post"][0] <= found[name][0] for name in specific)
    ):
        # "over an online post encouraging people to attack a hotel": what the post said is no
        # conduct of the poster's
        specific = ["online_post"]
    if "other" in found and not specific:
        act.trigger, act.trigger_span = "other", found["other"]
    elif len(specific) == 1:
        act.trigger, act.trigger_span = specific[0], found[specific[0]]
    elif (
        including
        and not specific
        and re.search(r"\boffen[cs]es$", act.offence[: including.start()].rstrip(" ,"), re.I)
    ):
        act.mixed = True  # "offences including assault": a list, not one kind, not guessed


# An offence phrase that names several kinds of conduct without telling them apart.
_MIXED_OFFENCES = re.compile(
    r"\b(?:various|a\s+range\s+of|a\s+variety\s+of|a\s+number\s+of|a\s+series\s+of|"
    r"a\s+mix\s+of|several|multiple|different|mixed)\s+(?:[\w-]+\s+){0,2}?offences\b",
    re.IGNORECASE,
)
_INCLUDING = re.compile(r",?\s+including\b", re.IGNORECASE)
_NESTED_SUBSET = re.compile(
    rf",?\s+(?:including|among\s+them)\s+(?:{NUMBER}|some|several|a|an)\b", re.IGNORECASE
)


def _drop_inner_obstruction(found: dict[str, Span], text: str) -> None:
    """ "Obstructing a police officer" is the catch-all, not blocking a road."""
    if "other" in found and "obstruction" in found:
        a, b = found["other"]
        if a <= found["obstruction"][0] < b and OBSTRUCTING_POLICE.match(text, a, b):
            del found["obstruction"]


_INCITING = re.compile(
    r"\b(?:incit\w*|encourag\w*|call(?:ed|ing)?\s+for|urg\w*)\s+(?:\w+\s+){0,3}?$", re.IGNORECASE
)


def _drop_incited(found: dict[str, Span], text: str, own: bool = True) -> None:
    """ "Inciting violence" is speech, the catch-all, not violence done; read in a clause rather
    than the act's own offence, it may be another act's offence, and says nothing."""
    if "violence" not in found:
        return
    start, end = found["violence"]
    incited = _INCITING.search(text, max(0, start - 40), start)
    if incited:
        del found["violence"]
        if own:
            found.setdefault("other", (incited.start(), end))


def _trigger_words(act: Act, text: str, where: Span) -> dict[str, Span]:
    """Trigger words in ``text[where]``, outside the anchor ("posted photos" is no online post)."""
    found: dict[str, Span] = {}
    # "cleared the encampment": what a dispersal cleared is the protest's form, though the
    # anchor holds it; "posted photos" is no online post.
    inside_counts = act.type == "dispersal"
    for name, regex in TRIGGERS:
        for m in regex.finditer(text, *where):
            if inside_counts or not (m.start() < act.anchor[1] and act.anchor[0] < m.end()):
                found.setdefault(name, (m.start(), m.end()))
                break
    return found


OBSTRUCTING_POLICE = re.compile(
    r"obstruct\w*\s+(?:and\s+[\w-]+\s+)?(?:a\s+|the\s+)?(?:police|constable|officers?)\b",
    re.IGNORECASE,
)
# The words of an offence or clause that tell what the person did, by trigger kind. The catch-all
# "other" comes first so that a specific kind found beside it wins (see set_trigger).
TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "other",
            r"\bobstruct\w*\s+(?:and\s+[\w-]+\s+)?(?:a\s+|the\s+)?(?:police|constable|officers?)\b|"
            r"\bto\s+prevent\b|\bpre-?emptive\w*|\bpreventative\w*|\boccup\w*|"
            r"\bweapons?\b|\boffensive\s+(?:items?|weapons?)\b|\bracis\w*\s+(?:remarks?|"
            r"abuse|comments|language)|\bbail\b|\blooting\b|\bloot\w*|"
            r"\borgani[sz](?:e|es|ed|ing|er|ers)\b(?!\s+by\b)|"
            r"\bintending\s+to\b|\bgoing\s+equipped\b|\bconspiracy\b|\bpossession\s+of\b|"
            r"\bbladed\b|\bknives?\b|\bknife\b|\bdrunk\w*|\bwanted\s+on\s+(?:a|an)\s+warrant\b|"
            r"\boutstanding\s+warrant\b|\bsit-ins?\s+"
            r"(?:protest\s+)?(?:by\s+(?:[\w'’-]+\s+){1,4}?)?(?:at|in|inside)\s+(?:[\w'’-]+\s+){0,4}?(?:building|offices?|library|"
            r"hall|lobby|station|headquarters|reception|bank|shop|store|factory)",
        ),
        ("placard", r"\bplacards?\b|\bsigns?\b(?!\s+of)|\bposters?\b|\bwriting\s+or\s+signs?\b"),
        ("flag", r"\bflags?\b"),
        ("banner", r"\bbanners?\b"),
        (
            "clothing",
            r"\bt-?shirts?\b|\bclothing\b|\bclothes\b|\bheadbands?\b|\bhoodies?\b|"
            r"\bjackets?\b|\bbadges?\b|\bface\s+coverings?\b|\bbalaclavas?\b|"
            r"\btaped\s+to\b|\bwearing\b|\bwore\b|\buniforms?\b",
        ),
        ("chant", r"\bchant\w*|\bslogans?\b"),
        (
            "online_post",
            r"\btweet\w*|\bposts?\b|\bposted\b|\bonline\b|\bsocial\s+media\b|"
            r"\bfacebook\b|\bwhatsapp\b|\binstagram\b|\btiktok\b|\btelegram\b|"
            r"\bmessages?\b|\bretweet\w*",
        ),
        (
            "gathering",
            r"\b(?:unlawful|unauthori[sz]ed|illegal)\s+assembl(?:y|ies)\b|\bcurfew\b|"
            r"\bgathering\w*|\blockdown\b|\bcovid\b|"
            r"\bcoronavirus\b|\bCHO\b|\bhealth\s+(?:orders?|directions)\b|"
            r"\bprocession\b|\bencampments?\b|\b(?:tent|protest|peace|climate)\s+camps?\b|"
            r"\btents\b|"
            r"\bsection\s+14\b|\bs\.\s?14\b|\bdispersal\s+order\b|"
            r"\bdirections\b|\bfail\w*\s+to\s+disperse\b",
        ),
        (
            "obstruction",
            r"\bblock\w*|\bobstruct\w*|\bslow[- ]march\w*|\block(?:ed|ing)?[- ]on\b|"
            r"\blocking\s+devices?\b|\bglued\b|\bsuperglued\b|\bsat\s+in\s+the\s+road\b|"
            r"\bsitting\s+(?:down\s+)?in\s+the\s+road\b|\bmotorway\b|\bhighways?\b|"
            r"\bstay[- ]off[- ]the[- ]road\b|\bpublic\s+nuisance\b|\bdisrupt\w*|"
            r"\bkey\s+national\s+infrastructure\b",
        ),
        (
            "violence",
            r"\bassault\w*|\bviolent\s+disorder\b|\bviolence\b|\baffray\b|"
            r"\briot\w*(?!\s+(?:police|officers|gear|squad|shields?|vans?|units?|act|cops))|"
            r"\bfireworks?\b|\bmissiles?\b|\bcriminal\s+damage\b|\bdamag\w*|"
            r"\b(?:throw\w*|threw|hurl\w*)\s+(?:[\w'’-]+\s+){0,3}?(?:missiles|bottles|stones|rocks|"
            r"bricks|eggs|fireworks|paint|objects|projectiles|flares|cans|coffee|liquid|bombs)|"
            r"\bbottles\b|\battack\w*|\barson\b|\bvandal\w*|\bpaint\b|\bgraffiti\b|"
            r"\bfight\w*|\bscuffl\w*|\bbrawl\w*|\bpunch\w*|\bgrievous\b|\bABH\b|\bGBH\b|\bwounding\b|"
            r"\bjostled\b|\bbricks\b|\bstones\b",
        ),
    )
)


# What protesters did, as reports tell it around the police's acts. Narrower than the trigger
# words an offence is read with: "a road" alone is no conduct, "blocked the road" is.
_CONDUCT: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "obstruction",
            # not "officers blocked the road": the police's own cordon is no conduct
            r"(?<!police\s)(?<!officers\s)\bblock(?:ed|ing|ade[ds]?)\b(?!\s+off\b)|"
            r"\b(?:sat|sitting|lay|lying|lie)\s+(?:down\s+)?(?:in|on|across)\s+(?:the\s+|a\s+|busy\s+)*"
            r"(?:(?:main|busy|[\w-]+)\s+)?(?:road|street|junction|carriageway|motorway|highway|"
            r"roundabout|bridge|tracks?|tram\s+lines?|[AM]\d{1,4}\b)|\bslow[- ]march\w*|\bglued\b|"
            r"\block(?:ed|ing)?[- ]on\b|\blocked\s+themselves\b|\bchained\s+themselves\b|"
            r"\bdisrupt(?:ed|ing)\b|\bprevent(?:ed|ing)\s+(?:lawful\s+)?work\b|"
            r"\bstop(?:ped)?\s+(?:lorries|traffic|vehicles|the\s+felling)|"
            r"\b(?:brought|bringing|bring)\s+(?:[\w-]+\s+){0,2}?traffic\s+to\s+a\s+(?:standstill|halt)\b|"
            r"\bhalting\s+traffic\b",
        ),
        (
            "gathering",
            r"\bencampments?\b|\bcamped\b|\btent\s+camp\b|"
            r"\b(?:set\s+up|pitched|pitching|erected|put\s+up)\s+(?:[\w-]+\s+){0,2}?tents\b|"
            r"\banti-lockdown\b|\blockdown\s+protest|\bban\s+on\s+(?:large\s+)?gatherings\b|"
            r"\b(?:protest|peace|tent|climate)\s+camps?\b|"
            r"\bcurfew\b|\b(?:unlawful|unauthori[sz]ed|illegal)\s+assembl(?:y|ies)\b|"
            r"\bcovid(?:-19)?\s+(?:rules|restrictions)\b",
        ),
        (
            "placard",
            r"\b(?:holding|held|carrying|carried|displaying|displayed|waving|waved|brandish\w*)\s+"
            r"(?:[\w'’-]+\s+){0,3}?(?:placards?|signs?|posters?)\b",
        ),
        (
            "flag",
            r"\b(?:waving|waved|carrying|carried|displaying|displayed|draped\s+in|flying|flew)\s+"
            r"(?:[\w'’-]+\s+){0,4}?flags?\b",
        ),
        (
            "banner",
            r"\bbanners?\s+(?:was\s+|were\s+)?(?:unfurled|hung|held|displayed|draped)\b|"
            r"\b(?:unfurled|hung|held\s+up|displayed)\s+(?:[\w'’-]+\s+){0,3}?banners?\b",
        ),
        ("chant", r"\bchant(?:ed|ing|s)\b"),
        (
            "violence",
            r"\b(?:threw|thrown|throwing|hurled|hurling|launched)\s+(?:[\w'’-]+\s+){0,3}?"
            r"(?:missiles?|bottles?|stones?|rocks?|bricks?|eggs?|fireworks?|paint|objects?|"
            r"projectiles?|flares?|(?:petrol\s+)?bombs?|drinks?|cans?|milkshakes?)\b|\battack(?:ed|ing)\s+(?:police\s+)?(?:officers|police)\b|"
            r"\bviolent\s+disorder\b|\bset\s+(?:fire|alight)\b|\barson\b|\bsmash(?:ed|ing)\b|"
            # criminal damage: "sprayed orange paint over a bank", "daubed graffiti on"
            r"\b(?:spray(?:ed|ing)|daub(?:ed|ing)|splash(?:ed|ing)|pour(?:ed|ing)|threw|thrown)\s+"
            r"(?:[\w'’-]+\s+){0,2}?(?:paint|graffiti|dye)\b|\bgraffiti\b|"
            # "officers were pelted with bottles", "the protest turned violent"
            r"\bpelt(?:ed|ing)\s+(?:[\w'’-]+\s+){0,3}?with\b|"
            r"\b(?:officers|police|police\s+officers)\s+(?:were|had\s+been)\s+(?:\w+\s+)?"
            r"(?:attacked|assaulted|pelted)\b|\b(?:turn(?:s|ed|ing)?|became|become|becomes)\s+violent\b|"
            # "Bottles and eggs were thrown at officers"
            r"\b(?:missiles|bottles|stones|rocks|bricks|eggs|fireworks|paint|objects|projectiles|"
            r"flares|bombs)\s+(?:[\w'’-]+\s+){0,4}?(?:were|was|had\s+been)\s+(?:\w+\s+)?"
            r"(?:thrown|hurled|launched)\b",
        ),
        (
            "other",
            r"\boccup(?:ied|ying)\b|\boccupation\b|\bstormed\b|\bbroke\s+into\b|\bgained\s+access\b|"
            r"\bbarricaded\s+themselves\b|"
            r"\bclimbed\s+(?:onto|on\s+to|up)\b|\bsit-ins?\s+(?:protest\s+)?"
            r"(?:by\s+(?:[\w'’-]+\s+){1,4}?)?(?:at|in|inside)\s+"
            r"(?:[\w'’-]+\s+){0,4}?(?:building|offices?|library|hall|lobby|station|headquarters|"
            r"reception|bank|shop|store|factory)",
        ),
    )
)
# Acts that answer a person's conduct (seizures take the item's trigger from their own words).
_ANSWER_CONDUCT = {"arrest", "charge", "dispersal", "force", "image_appeal", "other"}
# Conduct that is the protest's own form: when a story's lede tells it, it is what every act of
# the story answered. Placards, chants or missiles in a lede may concern only some of them.
_FORM_OF_PROTEST = {"obstruction", "gathering", "other"}


# Another protest told of beside the story's own: the lede's form of protest is not its.
_OTHER_PROTEST = re.compile(
    r"\b(?:a|an)\s+(?:similar|separate|earlier|previous|second|smaller|later)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:protest|demonstration|march|rally|sit-in|vigil|blockade)\b|"
    r"\banother\s+(?:protest|demonstration|march|rally|sit-in|vigil|blockade)\b",
    re.IGNORECASE,
)


def _conduct(text: str, start: int, end: int) -> dict[str, Span]:
    """The kinds of conduct told in ``text[start:end]``, short of a nested subset ("...,
    including six who climbed onto the roof": what six did is not what all did)."""
    subset = _NESTED_SUBSET.search(text, start, end)
    end = subset.start() if subset else end
    found: dict[str, Span] = {}
    for name, regex in _CONDUCT:
        m = regex.search(text, start, end)
        if m:
            found[name] = (m.start(), m.end())
    return found


def set_context_triggers(
    acts: list[Act], text: str, sentences: list[Sentence], protest: list[bool]
) -> None:
    """Give acts without a trigger the one kind of conduct told around them: in their sentence,
    else the protest sentence just before it in the same paragraph, else the sentence just after
    it when that one reports no act (in the same paragraph, or anywhere in the opening), else the
    story's lede."""
    cache: dict[tuple[int, Span], dict[str, Span]] = {}
    told = {a.sentence for a in acts}  # a sentence with acts of its own tells its own story
    # The headline and first sentence tell what the story is about.
    lede = _conduct(text, 0, sentences[min(1, len(sentences) - 1)].end) if sentences else {}
    for act in acts:
        if act.trigger is not None or act.mixed or act.type not in _ANSWER_CONDUCT:
            continue
        if act.item and act.offence:
            continue  # a part of a breakdown with its own offence: that offence says it all
        if act.kind_of in {"identity"}:
            continue
        key = (act.sentence, act.segment)
        if key not in cache:
            context = _outside_other_acts(
                _conduct(text, sentences[act.sentence].start, sentences[act.sentence].end),
                act,
                acts,
            )
            if not context and act.sentence > 0:
                previous = sentences[act.sentence - 1]
                if protest[act.sentence - 1] and (
                    previous.paragraph == sentences[act.sentence].paragraph or act.sentence <= 2
                ):
                    context = _conduct(text, previous.start, previous.end)
            if not context and act.sentence + 1 < len(sentences):
                # "Police used batons to push the crowd back. Bricks were thrown at officers."
                following = sentences[act.sentence + 1]
                if act.sentence + 1 not in told and (
                    following.paragraph == sentences[act.sentence].paragraph or act.sentence <= 2
                ):
                    context = _conduct(text, following.start, following.end)
            if not context and _OTHER_PROTEST.search(sentences[act.sentence].text):
                context = {}  # "nine were arrested at a similar protest in Bradford": not this one
            else:
                context = context or {
                    name: span for name, span in lede.items() if name in _FORM_OF_PROTEST
                }
            cache[key] = context
        context = cache[key]
        specific = [name for name in context if name != "other"]
        if len(context) == 1:
            act.trigger, act.trigger_span = next(iter(context.items()))
        elif len(specific) == 1:  # the catch-all gives way to one specific kind
            act.trigger, act.trigger_span = specific[0], context[specific[0]]


def _outside_other_acts(found: dict[str, Span], act: Act, acts: list[Act]) -> dict[str, Span]:
    """Conduct told in the words of another act of the sentence that has its own reason ("held
    two over incidents at shops, while nine were arrested for throwing paint") is that act's,
    not this one's."""
    others = [
        b.segment
        for b in acts
        if b is not act
        and b.sentence == act.sentence
        and (b.offence or b.trigger)
        and not (b.segment[0] < act.segment[1] and act.segment[0] < b.segment[1])
    ]
    return {
        name: span
        for name, span in found.items()
        if not any(start <= span[0] < end for start, end in others)
    }
