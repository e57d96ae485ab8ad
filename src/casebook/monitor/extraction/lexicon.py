"""The words the extractor looks for: police actions, protest, and what set the police off.

Kept apart from the logic so that a reviewer can read, in one place, what counts as an arrest,
a dispersal or a trigger, and so that a new phrasing is a one-line change.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from casebook.monitor.extraction.text import NUMBER, words

_I = re.IGNORECASE


def trie_regex(words: Iterable[str]) -> re.Pattern[str]:
    """A case-sensitive regex matching any of *words*, shaped as a trie.

    Scanning lower-cased text with it is ten times faster than an IGNORECASE alternation of
    the same words: the engine tests one letter per branch instead of every word in turn.

    >>> [m.group() for m in trie_regex(["arrest", "arrests", "held"]).finditer("arrests held")]
    ['arrests', 'held']
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(render(root))


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def lowered(text: str) -> str:
    """*text* in lower case with every offset unchanged (``str.lower`` can grow "İ")."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


# --------------------------------------------------------------------------------------------
# The cheap prefilter: an article needs both a police action word and a protest word.
# --------------------------------------------------------------------------------------------

# Police-action words, lower case. Scanned as a trie over the lowered text, which is several
# times faster than a case-insensitive alternation; a word inside another word ("upheld") only
# lets an article through to the full rules, which decide.
PREFILTER_ACTION = trie_regex(
    words(
        "arrest detain detention held custody dispers seiz confiscat charged charging tear-gas "
        "teargas pepper water-cannon baton kettl stop-and-search cctv footage images pictures "
        "photos stills identify infringement fined fines intercept cleared restrictions conditions "
        "visited knocked impounded towed pushed dragged tasered forced forcing direct moved broke "
        "knelt kneeling beaten checkpoint contained separat appeal released published posted "
        "circulated issued flash stun pava truncheon cannon spray apprehended imposed shared "
        "removed rounds less-lethal apart s60 authoris tickets summonses citations ordered cited "
        "ticketed summons "
        "mounted projectile aep identities evict dismantl fired beat knock spoke tackled "
        "wrestled pinned halted visit"
    )
    + [
        "break up",
        "broken up",
        "used force",
        "used reasonable force",
        "clear the",
        "tear gas",
        "water cannon",
        "rubber bullet",
        "stop and search",
        "section 60",
        "section 14",
        "section 35",
        "put out",
        "home visit",
        "cs spray",
        "rounded up",
        "brought in",
        "unlawful assembly",
        "opened fire",
        "shot dead",
        "shot and killed",
        "went round",
        "visit from",
        "took down",
        "taken down",
        "shut down",
        "closed down",
        "ended the",
        "ended a",
        "stopped the march",
        "blocked the march",
        "to the ground",
        # a home visit told without "visit": "two officers came to her door"
        "came to",
        "came round",
        "picked up",
        "speak to",
        "turned up",
        "showed up",
        "called round",
        "declared a riot",
        "called at",
        "searched",
        "penalty notice",
        "to leave",
    ]
)
"""Police-action words: an article (or sentence) without one reports no police action."""

PROTEST = re.compile(
    r"\b(?:protest\w*|demonstrat\w*(?!\s+(?:of\s+(?:its|their|his|her|our|how)|that|how)\b)|"
    r"march(?:es|ers|ed|ing)?|rall(?:y|ies)|riot\w*|disorder|"
    # British shorthand for a demonstration ("arrested at a demo"), and words shouted at
    # someone in public (heckling a minister, booing a procession) as expression
    r"demos?(?![\w-])|counter-demos?|heckl(?:e|ed|er|ers|es|ing)|boo(?:ed|ing)|jeer(?:ed|ing|s)?|"
    r"sit-ins?|vigils?|activists?|campaigners?|counter-protest\w*|placards?|banners?|flags?|"
    r"chant\w*|slogans?|picket\w*|encampments?|blockades?|lock-ons?|locking devices?|"
    r"Extinction Rebellion|Just Stop Oil|Palestine Action|Insulate Britain|Animal Rebellion|"
    r"Black Lives Matter|Youth Demand|Stop the War|Palestine Solidarity Campaign|"
    r"proscribed|unlawful assembly|(?:unauthori[sz]ed|illegal)\s+(?:assembl(?:y|ies)|"
    r"march(?:es)?|processions?)|anti-lockdown|lockdown protest\w*|tweets?|tweeted|"
    r"(?:social media|online|Facebook|WhatsApp|Telegram|TikTok) (?:posts?|comments?|messages?|"
    r"videos?|remarks|activity)|Facebook events?|walkouts?|"
    r"occup(?:y|ied|ying|ation)|"
    r"posts?\s+on\s+(?:X|Twitter|Facebook|Instagram|TikTok|Telegram|social\s+media)|"
    r"(?:post|tweet|comment|video|message)s?\s+(?:he|she|they)\s+(?:had\s+)?(?:posted|shared|"
    r"wrote|published|made|put\s+online)|"
    r"rioters|looting|unrest|clash(?:es|ed)|dissent|free speech|freedom of expression|"
    # the powers over processions and assemblies name a protest ("arrested under section 14 of
    # the Public Order Act")
    r"sections?\s+1[1-4](?:ZA|A)?\s+(?:and\s+1[1-4](?:ZA|A)?\s+)?of\s+the\s+Public\s+Order\s+Act|"
    # signs held up are expression ("sat holding signs"), road signs are not
    r"(?:holding|held|carrying|carried|displaying|displayed|waving|waved)\s+(?:up\s+)?"
    r"(?:[\w'’-]+\s+){0,2}?signs?(?!\s+of\b)|"
    r"slow[- ]march\w*|glued|superglued|(?:pitched|erected)\s+(?:[\w-]+\s+){0,2}?tents|"
    r"far[- ]right|hooligan\w*|thugs|coronation|"
    r"anti-(?:war|racis\w*|fascis\w*|government|monarch\w*|immigration|Brexit|vaccine|vax|"
    r"mask|capitalis\w*|nuclear|Israel|Zionis\w*|austerity|cuts|fees|abortion|lockdown)|"
    r"pro-(?:Palestin\w*|Israel\w*|democracy|choice|life|independence|EU|Brexit|Russia\w*|"
    r"Ukrain\w*|Hamas)|tuition fees|climate (?:activists?|protest\w*|campaigners?)|strikers?|"
    r"go-slows?|(?:tractor|lorry|truck|taxi)\s+(?:convoys?|go-slows?|blockades?))\b",
    _I,
)

# A protest told by who took part and what they did, without a protest word: "farmers drove
# tractors into the city", "students refused to leave the rotunda", "tractors blocked a main
# road". A group of people (or their vehicles), then, in the same sentence, collective conduct.
_GROUP_WORDS = (
    "farmers students workers residents parents teachers nurses doctors tenants pensioners "
    "cabbies fishermen crowds crowd tractors lorries taxis truckers hauliers"
)
_GROUP_CONDUCT = re.compile(
    rf"(?:{'|'.join(_GROUP_WORDS.split())})\b[^.!?\n]{{0,120}}?\b"
    r"(?:blocked|blockaded|blocking|barricaded|refused\s+to\s+(?:leave|move|disperse)|"
    r"sat\s+down\s+(?:in|on|across|outside)|chained|locked\s+(?:themselves|arms)|linked\s+arms|"
    r"took\s+to\s+the\s+streets|dr(?:ove|ive|iving)\s+(?:their\s+|[\w-]+\s+)?"
    r"(?:tractors|lorries|trucks|taxis)|walked\s+out|downed\s+tools|"
    r"to\s+(?:oppose|protest|object\s+to|denounce|condemn)|in\s+opposition\s+to|"
    r"in\s+(?:support|solidarity)\s+(?:of|with)|calling\s+for|demanding)\b",
    _I,
)
# People coming together for a cause: "gathered outside parliament to oppose the bill".
_GATHERED_FOR = re.compile(
    r"(?:gathered|assembled|converged)\b[^.!?\n]{0,120}?\b"
    r"(?:to\s+(?:oppose|protest|denounce|condemn)|in\s+opposition\s+to|"
    r"in\s+(?:support|solidarity)\s+(?:of|with))\b",
    _I,
)

PROTEST_START = trie_regex(
    words(
        "protest demonstrat march rall riot disorder sit-in vigil activist campaigner "
        "demo counter-demo heckl boo jeer whatsapp telegram tiktok unauthori illegal "
        "counter-protest placard banner flag chant slogan picket encampment blockade lock-on "
        "locking "
        "extinction just palestine insulate animal black youth stop proscribed unlawful "
        "anti- lockdown tweet social online facebook walkout occup looting unrest clash dissent "
        "free post tweet comment video message meme song poem speech "
        "slow glued superglued pitched erected far hooligan thugs coronation pro- tuition climate "
        "striker holding held carrying carried displaying displayed waving waved section go-slow "
        "tractor lorry truck taxi"
    )
    + words(_GROUP_WORDS + " gathered assembled converged")
)


def _word_start(text: str, position: int) -> bool:
    return position == 0 or not (text[position - 1].isalnum() or text[position - 1] in "_'’")


# Speech police act on: "over a post", "about a video", "for his tweets". Keyed on the noun,
# which is rare, and checked against the words before it, which are common.
_SPEECH_NOUN = re.compile(
    r"(?:post|tweet|comment|message|video|meme|song|poem|speech)(?:s|es)?\b", _I
)
_SPEECH_BEFORE = re.compile(
    r"\b(?:over|about|for)\s+(?:(?:a|an|his|her|their|the|some)\s+)?(?:social\s+media\s+|"
    r"online\s+|Facebook\s+|TikTok\s+|YouTube\s+|Instagram\s+|X\s+|Twitter\s+|"
    r"Telegram\s+|WhatsApp\s+)?$",
    _I,
)


# "March" the month, not a march: next to a day or year, or after "in", "since", "early"...
_MONTH_MARCH = re.compile(r"March(?:\s+\d|,?\s+(?:19|20)\d\d)")
_MONTH_MARCH_BEFORE = re.compile(
    r"(?:\d(?:st|nd|rd|th)?\s+(?:of\s+)?|\b(?:in|since|until|till|early|late|mid|last|next|"
    r"this|by|from|during|of|to|between|and|before|after|throughout|end\s+of)\s+)$",
    _I,
)


def _is_month(text: str, position: int) -> bool:
    return (
        text.startswith("March", position)
        and not text.startswith("Marche", position)
        and (
            _MONTH_MARCH.match(text, position) is not None
            or _MONTH_MARCH_BEFORE.search(text, max(0, position - 12), position) is not None
        )
    )


def protest_positions(text: str, low: str, first_only: bool = False) -> list[int]:
    """Where protest words start in *text* (*low* is ``lowered(text)``)."""
    found = []
    for candidate in PROTEST_START.finditer(low):
        position = candidate.start()
        if _word_start(text, position) and (
            (PROTEST.match(text, position) and not _is_month(text, position))
            or _GROUP_CONDUCT.match(text, position)
            or _GATHERED_FOR.match(text, position)
            or (
                _SPEECH_NOUN.match(text, position)
                and _SPEECH_BEFORE.search(text, max(0, position - 40), position)
            )
        ):
            found.append(position)
            if first_only:
                break
    return found


# --------------------------------------------------------------------------------------------
# Police actions (anchors). Each group name is an act type.
# --------------------------------------------------------------------------------------------

_PEOPLE_WORDS = (
    r"people|persons?|protest[eo]rs?|demonstrators?|activists?|campaigners?|men|women|man|"
    r"woman|males?|females?|boys?|girls?|teenagers?|youths?|juveniles?|minors?|children|adults?|"
    r"individuals?|others?|students?|supporters?|members?|marchers?|counter-protest[eo]rs?|"
    r"rioters?|suspects?|arrestees?|detainees?|participants?|fans?|residents?|journalists?|"
    r"reporters?|pensioners?|them|those|more"
)
PEOPLE = rf"(?:{_PEOPLE_WORDS})"

_ANCHOR_SOURCE = (
    r"(?P<arrest>\barrest(?:ed|s|ing)\b|\bre-arrested\b|\bdetain(?:ed|ees|ing)\b|"
    r"\bdetentions\b|\bheld\b|\btaken\s+into\s+(?:police\s+)?custody\b|\bapprehended\b|"
    r"\btook\s+(?:[\w-]+\s+){0,4}?into\s+(?:police\s+)?custody\b|"
    # custody for an identity check (retyped "other" in acts.py)
    r"\b(?:took|taken)\s+(?:[\w-]+\s+){0,4}?to\s+(?:a\s+|the\s+)?(?:police\s+)?station\s+"
    r"(?=to\s+(?:check|establish|verify|confirm)\b|for\s+(?:identity|ID)\s+(?:checks?|controls?)\b|"
    r"so\s+(?:that\s+)?(?:their|his|her)\s+identit)|"
    r"\brounded\s+up\b|\barrest\b(?=\s+(?:was|has\s+been|had\s+been)\s+made)|"
    # "were placed under arrest", "picked up by police"
    r"\b(?:placed|put)\s+under\s+arrest\b|\bpicked\s+up\s+by\s+(?:the\s+)?(?:police|officers)\b|"
    r"\b(?:arrest|detain)\b)"
    r"|(?P<charge>\bcharged\b(?!\s+(?:at|towards|into|through|up|down|across)\b)|\bcharging\b)"
    r"|(?P<seizure>\bseiz(?:ed|ing)\b|\bseizures?\b|\bconfiscat(?:ed|ing)\b|\bimpounded\b|"
    r"\btowed\b|"
    # "took down a banner", "removed several placards"
    r"\b(?:took|taken|tore|torn|pulled)\s+down\s+(?:[\w'’-]+\s+){0,2}?(?:banners?|flags?|"
    r"placards?|signs?|posters?)\b|\bremoved\s+(?:[\w'’-]+\s+){0,2}?(?:banners?|flags?|"
    r"placards?|signs?|posters?)\b)"
    r"|(?P<stop_search>\bstop(?:ped)?[- ]and[- ]search(?:ed|es)?\b|"
    r"\b(?:sections?|ss?\.?)\s*60(?:AA)?(?:\s*(?:and|&|,)\s*(?:sections?\s*|s\.?\s*)?60(?:AA)?)?"
    r"\s+(?:orders?|authorisations?|authorizations?|powers?)\b|"
    r"\b(?:authorisations?|authorizations?|orders?|powers?)\s+under\s+(?:sections?|ss?\.?)\s*"
    r"(?:60(?:AA)?|44|47A)\b)"
    r"|(?P<dispersal>\bdispers(?:ed|al\s+(?:order|notice|zone|powers?|direction)s?|ing|e)\b|"
    r"\b(?:ordered|told|forced)\s+(?:\w+\s+){0,3}?to\s+disperse\b|"
    r"\bdeclared\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}?(?:unlawful|illegal)\s+assembly\b|"
    # "declared a riot": the order to leave that American police give a crowd
    r"\bdeclared\s+(?:an?\s+|the\s+)?riot\b|"
    # "placed conditions on the march": conditions imposed in other words
    r"\b(?:placed|placing|put|attached|set)\s+(?:[\w-]+\s+){0,6}?(?:conditions?|restrictions?)\s+"
    r"(?:on|upon)\b|"
    r"\b(?:ordered|told|instructed|directed)\s+(?:[\w-]+\s+){0,4}?(?:protest[eo]rs|demonstrators|crowds?|people|them|"
    r"marchers|activists)\s+to\s+(?:leave|move|clear|get\s+off)\b|"
    r"\bremoved\s+(?:from|off)\s+(?:the\s+)?(?:road|roads|street|streets|square|site|bridge|"
    r"motorway|highway|carriageway|junction|building|camp|encampment)\b|"
    r"\bclear(?:ed)?\s+(?:the\s+)?(?:protest[eo]rs|demonstrators|crowds?|activists|marchers)"
    r"\s+(?:from|off|out)\b|"
    r"\bclear\s+(?:the\s+|a\s+)(?:[\w-]+\s+){0,2}?(?:road|roadway|roads|street|streets|freeway|"
    r"highway|motorway|carriageway|bridge|square|junction|area|camp|encampment|site)\b|"
    r"\bcleared\s+(?:(?:all|most|many|some|much|part|hundreds|dozens|scores|the\s+rest|the\s+last|"
    r"the\s+remaining|remaining)\s+(?:of\s+)?)?(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:square|road|street|site|camp|tents|"
    r"encampment|area|protesters|bridge|crowds?|junction|roundabout|motorway|station|building|"
    r"protest|library|campus|park|plaza|lawn|quad|hall|office|lobby|tents|occupation|sit-in|"
    r"blockade|gates?|entrance|highway|carriageway|demonstrators|activists)\b|\bcleared\b(?!\s+of\b)|"
    r"\bmov(?:ed|ing)\s+(?:\w+\s+){0,2}?on\b|\bmoved\s+(?!(?:their|its)\s)(?:[\w-]+\s+){0,3}?(?:away|off)\s+(?:from|the)\b|\bbroken?\s+up\b|\bbroke\s+up\b|\bbreak\s+up\b|"
    # "imposed a section 12 Public Order Act condition on the march"
    r"\bimpos(?:ed|ing)\s+(?:[\w-]+\s+){0,6}?(?:conditions?|restrictions?|bans?|orders?|"
    r"notices?|directions?)\b|"
    r"\bconditions\s+(?:were|have\s+been|had\s+been|was|are)\s+(?:\w+\s+)?imposed\b|"
    # "Conditions imposed under section 14 ... required the protest to ...": the subject
    r"\bconditions\s+imposed\s+(?:by\s+(?:the\s+)?[\w-]+\s+)?under\b|"
    r"\bbrought\s+in\s+(?:new\s+)?restrictions\b|"
    r"\b(?:(?:used|using|invoked|invoking)\s+)?(?:powers?|orders?|conditions|restrictions|"
    r"notices?|directions?)\s+under\s+(?:sections?|ss?\.?)\s*(?:12|13|14|14A|14ZA|34|35)\b|"
    r"\b(?:section|s\.?)\s*(?:12|14|14ZA|35)\s+(?:conditions?|orders?|notices?|restrictions?|"
    r"directions?)\s+(?:under\s+(?:the\s+)?(?:[\w,()]+\s+){1,10}?)?"
    r"(?:was|were|had\s+been|has\s+been|have\s+been|is|are)\s+"
    r"(?:\w+\s+)?(?:imposed|issued|authorised|in\s+place|put\s+in\s+place|granted)\b|"
    r"\bdirect(?:ed)?\s+(?:people|protesters|individuals|them|groups|demonstrators|crowds?)\s+"
    r"(?:who|to|away)\b|"
    r"\bforc(?:ing|ed)\s+(?:people|protesters|the\s+crowd|them|demonstrators)\s+"
    r"(?:back|away|out)\b|"
    r"\bpushed\s+(?:\w+\s+){0,2}?away\b|"
    # an occupation or a camp ended by the police
    r"\bevict(?:ed|ing)\b|\beviction\s+of\b|"
    r"\bremoved\s+(?:[\w-]+\s+){0,2}?(?:protest[eo]rs|demonstrators|activists|campaigners|"
    r"students|marchers)\b|"
    r"\b(?:shut|closed|broke)\s+down\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}?(?:protest|"
    r"demonstration|rally|camp|encampment|sit-in|occupation|blockade|march)\b|"
    r"\bended\s+(?:the\s+|a\s+)(?:[\w-]+\s+){0,2}?(?:sit-in|occupation|blockade|encampment|"
    r"protest|rally|march|demonstration|gathering|vigil|meeting|conference)\b|"
    # "used a Section 14 notice to move the protest": an order given on the day
    r"\b(?:used|issued|served|handed|gave)\s+(?:[\w-]+\s+){0,3}?(?:section|s\.?)\s*"
    r"(?:12|14|14ZA|35)\s+(?:notices?|orders?|directions?|conditions)\b|"
    r"\bmov(?:e|ed|ing)\s+(?:the\s+|a\s+)(?:protest|demonstration|rally|crowd|march|vigil)\s+"
    r"(?:to|away|back|off|further)\b|\bdismantl(?:ed|ing)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:camp|camps|encampments?|tents|blockades?|barricades?)\b)"
    r"|(?P<force>\btear[- ]?gas(?:s(?:ed|ing))?\b|\bpepper[- ]spray(?:ed)?\b|\bwater[- ]cannons?\b|"
    r"\b(?:rubber|plastic|sponge|foam|baton)\s+(?:bullets|rounds|baton\s+rounds)\b|"
    r"\bAEPs?\b|\bless[- ]lethal\b|\bfoam\s+projectiles\b|\bpepper[- ]balls?\b|"
    r"\b(?:capsicum|OC)\s+spray\b|\bbean[- ]?bag\s+rounds\b|"
    r"\bmounted\s+(?:officers|police)\s+(?:\w+\s+){0,4}?(?:push\w*|mov\w*|charg\w*|drove|"
    r"driv\w*|force\w*)\b|"
    r"\bpushed\s+back\b|\bpush(?:ed|ing)?\s+(?:the\s+)?(?:crowds?|protest[eo]rs|demonstrators)"
    r"\s+back\b|"
    r"\bbaton[- ]charg\w*|\bbatons\b|\btruncheons\b|"
    r"\bused\s+(?:reasonable\s+|physical\s+|minimal\s+|excessive\s+)?force\b|"
    r"\bflash[- ]?bangs?\b|\bstun\s+grenades?\b|\btasered\b|\bCS\s+spray\b|\bPAVA\b|"
    r"\bpushed\s+(?:[\w-]+\s+){0,3}?(?:protest[eo]rs|demonstrators|people|crowds?|activists)\b|"
    r"\bdragg(?:ed|ing)\s+(?:\w+\s+){0,2}?(?:protest[eo]rs|demonstrators|people|activists|"
    r"students|them|away|out|him|her|(?:a|an|one)\s+(?:[\w-]+\s+)?(?:man|woman|protest[eo]r|"
    r"activist|demonstrator|student|teenager|pensioner))\b|\bkn(?:elt|eeling)\s+on\b|\bbeaten\s+by\s+(?:police|officers)\b|"
    r"\bopened\s+fire\b|"
    # "fired on demonstrators", "shot dead three people", "shot and killed"
    r"\bfired\s+(?:on|at|into)\s+(?:the\s+)?(?:crowds?|protest[eo]rs|demonstrators|marchers|"
    r"students|people)\b|\bshot\s+and\s+killed\b|\bshot\s+dead\b|\bcharged\s+(?:at|into)\s+(?:the\s+)?(?:crowds?|protest[eo]rs|"
    r"demonstrators|marchers|students|people)\b|"
    r"\b(?:tackled|wrestled|pinned|forced|thrown|pushed)\s+(?:\w+\s+)?to\s+the\s+ground\b|\bfired\s+(?:live|warning)\s+(?:rounds|shots|ammunition|bullets)\b|"
    r"\bbeat\s+(?:[\w-]+\s+){0,2}?(?:protest[eo]rs|demonstrators|people|others|them|students|"
    r"activists|marchers)\b)"
    r"|(?P<image_appeal>\b(?:released|issued|published|shared|posted|circulated|put\s+out)\s+"
    r"(?:[\w-]+\s+){0,4}?(?:images?|pictures?|photos?|photographs?|footage|stills|CCTV|"
    r"e-?fits?)\b|"
    r"\bappeal(?:ed|ing|s)?\b(?:\s+[\w-]+){0,5}?\s+(?:to\s+)?(?:identify|trace|find|locate)\b|"
    r"\bappeal\s+to\s+(?:help\s+)?identify\b|"
    r"\b(?:want|wish|like|hope)\s+to\s+(?:identify|trace)\b|"
    # "Officers would like to speak to the people pictured"
    r"\b(?:want|wish|like|hope)\s+to\s+(?:speak|talk)\s+to\s+(?:[\w-]+\s+){0,4}?"
    r"(?:pictured|(?:in|from)\s+(?:the|these)\s+(?:images?|photos?|pictures?|footage))\b)"
    r"|(?P<home_visit>\b(?:visited|called\s+(?:round\s+)?(?:at|to)|called\s+round|"
    r"turned\s+up\s+(?:at|on)|showed\s+up\s+at|knocked\s+on|came\s+(?:round\s+)?to|"
    r"went\s+(?:round\s+)?to|"
    r"arrived\s+at|attended|paid\s+a\s+visit\s+to)\s+"
    r"(?:[\w'’-]+\s+){0,3}?(?:at\s+(?:his|her|their|the\s+family)\s+)?"
    r"(?:homes?|houses?|doors?|flats?|address(?:es)?|doorsteps?)\b|\bhome\s+visits?\b|"
    # "was visited by officers", "a knock on the door from police", "spoke to her at her home"
    r"\bvisited\s+by\s+(?:the\s+)?(?:police|officers|detectives|two\s+officers)\b|"
    # "received a visit from two Suffolk Constabulary officers"
    r"\bvisit\s+from\s+(?:[\w-]+\s+){0,4}?(?:police|officers|detectives)\b|"
    r"\bknock\s+on\s+(?:the|his|her|their)\s+door\s+from\s+(?:the\s+)?(?:police|officers)\b|"
    r"\bspoke\s+to\s+(?:him|her|them|(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:man|woman|person|"
    r"pensioner|teenager|mother|father|student|councillor|campaigner|activist))\s+at\s+"
    r"(?:his|her|their)\s+(?:home|house|flat|address)\b)"
    r"|(?P<other>\binfringement\s+notices?\b|\b(?:fixed[- ])?penalty\s+notices?\b|\bfined\b|"
    r"\btickets\b|\bsummonses\b|\bcitations\b|\bticketed\b|"
    # a ticket told by its verb: "cited 18 protesters", "reported for summons"
    # (the people are looked ahead at, not taken into the anchor, so that they are its count)
    rf"\bcit(?:ed|ing)(?=\s+(?:{NUMBER}\s+|dozens\s+of\s+|several\s+)?(?:[\w-]+\s+)?"
    r"(?:people|protest[eo]rs|demonstrators|activists|marchers|students|individuals|men|"
    r"women|drivers)\b)|\breported\s+for\s+(?:a\s+)?summons\b|"
    r"\bfines\b|\bintercept(?:ed)?\b|\bkettl(?:ed|ing)\b|\bkettle\b(?=\s+(?:the|them|a|an|some|"
    r"protest|demonstrat|marchers|people|crowds?)\b)|"
    r"\bcontained\s+(?:\w+\s+){0,2}?(?:protesters|demonstrators|group|crowd)\b|"
    r"\bcheckpoints?\b|\b(?:stopped|blocked|halted)\s+(?:the\s+)?(?:march|marchers|procession|"
    r"convoy)\b|\bseparat(?:ed|ing)\s+(?:the\s+)?(?:two\s+)?(?:groups|rival|sides)\b|"
    # "the two sides were separated by a cordon of officers"
    r"\b(?:groups|sides|factions|camps)\s+(?:were|was|had\s+been)\s+(?:\w+\s+)?separated\b|"
    r"\bkept\s+(?:the\s+)?(?:two\s+|rival\s+|opposing\s+)*(?:groups|sides|factions|camps)\s+"
    r"(?:\w+\s+){0,2}?apart\b|\bkeep\s+(?:the\s+)?(?:two\s+|rival\s+|opposing\s+)*"
    r"(?:groups|sides|factions|camps)\s+apart\b)"
)
# Every alternative starts with a letter, so the regex engine can skip to the letters that can
# start one: the leading word boundaries are checked by the caller (see acts.anchors_in). This
# makes the scan several times faster than the same pattern with "\b" in front.
ANCHOR = re.compile(re.sub(r"(\||\(\?P<\w+>)\\b", r"\1", _ANCHOR_SOURCE), _I)

# The words an anchor can start with. A plain, case-sensitive alternation of literals lets the
# regex engine jump between candidate letters; ANCHOR is then tried only where one starts.
_ANCHOR_FIRST_WORDS = words(
    "arrest re-arrest detain detention held taken apprehended rounded charged charging seiz "
    "confiscat impounded towed stop section dispers ordered told forced cleared moved broke "
    "impos conditions brought direct forcing pushed tear pepper water rubber plastic baton "
    "truncheons flash stun tasered CS PAVA dragg knelt kneeling beaten released issued "
    "authorisation authorization order s60 s.60 declared removed clear sponge foam AEP AEPs less "
    "pepper capsicum OC bean mounted push kept keep "
    "published shared posted circulated put appeal want wish like hope visited called turned "
    "knocked came home infringement fixed penalty fined fines intercept kettl contained "
    "tickets summonses citations used break cited citing ticketed reported "
    "placed picked checkpoint separat took attended went arrived showed powers "
    "orders conditions "
    "evict eviction dismantl opened fired beat knock spoke tore torn pulled shut closed ended "
    "tackled wrestled pinned thrown stopped blocked halted shot visit "
    "restrictions notices directions authorisations authorizations invoked invoking using "
    "placed placing attached set groups sides factions camps served handed gave move moving "
    "instructed"
)
ANCHOR_START = trie_regex(w.lower() for w in _ANCHOR_FIRST_WORDS)

# Only these, near an anchor, make it police force rather than something else ("a band member
# catches his baton").
POLICE_AGENT = re.compile(
    r"\b(?:police|officers?|constables?|riot|security\s+forces|law\s+enforcement|gendarm\w*|"
    r"troops|Mounted|Unit|Met|NYPD|LAPD|PSNI|Garda\w*|Gardaí|Gardai|constabulary|"
    r"Scotland\s+Yard|troopers|deputies|cops?|authorities|force)\b",
    _I,
)

# --------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------

NEGATION = re.compile(
    r"\b(?:no|not|never|without|nobody|none|no-one|zero|n't|neither|nor)\b|n['’]t\b", _I
)
MODAL = re.compile(
    r"\b(?:will|would|could|might|may|should|shall|must|can|cannot|won['’]t|wouldn['’]t|"
    r"expected|likely|going|face|faces|facing|risk|risks|risked|risking|threat|threatened|"
    r"threatens|warned|warns|warning|vowed|vows|plans?|planned|planning|proposed|propose|"
    r"able|liable|intends?|intended|ready|prepared|set(?=\s+to\b)|calls?|called|demands?|"
    r"demanded|urged|"
    r"urges|if|unless|powers?|authority|seek|seeks|sought|considering|consider|wants?|wanted|"
    r"hesitate|allow|allows|allowing|(?-i:new|New(?=\s+[a-z]))|ask|asked|asking|tell|told|"
    r"expect|expects|continue|"
    r"continues)\b",
    _I,
)
# Modals that still leave an authorisation in force ("powers are in place to stop and search").
FUTURE_ONLY = re.compile(
    r"\b(?:will|would|could|might|may|should|shall|plans?|planned|proposed|propose|"
    r"considering|consider|seek|seeks|sought|expected|going)\b",
    _I,
)
CLAUSE_BREAK = re.compile(
    r"[,;:()\"“”]|\b(?:and|but|as|while|whereas|because|after|before|when|which|who|that|"
    r"although|though|since|where|said|says)\b",
    _I,
)
CUMULATIVE = re.compile(
    r"\bsince\s+(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|the\s+start|last\s+(?:week|month|year)|then|the\s+beginning|"
    r"the\s+protests?\s+began|(?:19|20)\d\d)\b|\bso\s+far\b|\bto\s+date\s*[,.]|"
    r"\bover\s+the\s+(?:past|last)\s+\w+|\bin\s+recent\s+(?:weeks|months|years)\b|"
    # not when an event is "held this year at": when it takes place, not a tally
    r"(?<!held\s)(?<!hosted\s)(?<!staged\s)\bthis\s+year\b(?!['’]s|\s+(?:at|in)\b)|\bin\s+the\s+(?:past|last)\s+\w+\s+(?:days|weeks|months|years)\b|"
    # "in the past year", "in past month": a tally over the period (not "in last year's march")
    r"\bin\s+(?:the\s+)?(?:past|last)\s+(?:year|month|fortnight|decade|12\s+months|twelve\s+"
    r"months)\b(?!['’])|"
    r"\b(?:the|total)\s+number\s+of\s+\w+|\bneared\b|\btopped\b|\bbring(?:s|ing)?\s+the\s+total\b|"
    r"\bthroughout\s+the\s+(?:campaign|protests|fortnight|week|month|summer|year)\b|"
    r"\bduring\s+the\s+(?:campaign|fortnight|two\s+weeks|month)\b|\bin\s+total\s+since\b|"
    r"\bsince\s+the\s+(?:ban|proscription|campaign)\b|"
    r"\bsince\s+(?:the|it|they|[\w-]+)\s+(?:[\w-]+\s+){0,2}?(?:was|were)\s+(?:banned|proscribed|"
    r"outlawed)\b|"
    r"\bsince\s+(?:a|an|the|its|their)\s+(?:[\w-]+\s+){0,6}?(?:began|started|launched|"
    r"got\s+under\s+way|kicked\s+off)\b|"
    r"\bsince\s+(?:the\s+)?[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:January|February|March|April|"
    r"May|June|July|August|September|October|November|December)\b|"
    r"\bin\s+the\s+(?:year|12\s+months|twelve\s+months)\s+to\b|"
    # "during a week of action": a figure over many days
    r"\b(?:during|over|throughout)\s+(?:a|the|two|three|four|several|many)\s+"
    r"(?:weeks?|months?|fortnight|days)\s+of\b|"
    r"\b(?:the\s+)?figures,?\s+(?:show|showed|shows|released|published|obtained|reveal\w*|"
    r"are\s+from|cover\w*)\b|"
    r"\baccording\s+to\s+(?:[\w-]+\s+){0,2}(?:figures|statistics)\b",
    _I,
)
# "more than 400 people were arrested across England following a week of riots": a country's
# figure after many days is a tally; "50 arrested on Saturday after three days of protests" in
# one town is not.
COUNTRYWIDE_AFTER_DAYS = re.compile(
    r"\b(?:across|around|throughout)\s+(?:the\s+)?(?:country|nation|UK|Britain|England|Scotland|"
    r"Wales|United\s+States|US)\b(?=.*\b(?:following|after)\s+(?:a|the|two|three|four|several|"
    r"many)\s+(?:weeks?|months?|fortnight|days)\s+of\b)",
    _I,
)
RUNNING_TOTAL = re.compile(
    r"\b(?:has|have|had)\s+now\s+(?:been\s+)?(?:arrested|charged|detained|fined|issued|made)\b",
    _I,
)
ONE_EVENT_FOLLOW_UP = re.compile(
    r"\b(?:in\s+connection\s+with|over|following|after)\s+(?:the|this|that|last\s+\w+['’]s|"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)['’]s)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:disorder|protest|demonstration|march|rally|riot|violence|clashes|unrest|incident|sit-in|"
    r"vigil|blockade)\b(?!s)",
    _I,
)
SEVERAL_PROTESTS = re.compile(
    r"\b(?:protests|demonstrations|rallies|marches|riots)\b|\bacross\s+(?:the\s+)?(?:country|"
    r"nation|state|region|[A-Z]\w+\s+and\b)",
    _I,
)
COURT = re.compile(
    r"\b(?:sentenced|convicted|found\s+guilty|pleaded|pleads|jailed|acquitted|cleared\s+of|"
    r"court\s+heard|told\s+the\s+court|magistrates|crown\s+court|trial|jury|verdict|"
    r"guilty|remanded|appeal\s+court|high\s+court|supreme\s+court|tribunal)\b",
    _I,
)
UNRELATED_CRIME = re.compile(
    r"\b(?:murder\w*|stabb\w*|drugs?|cannabis|cocaine|heroin|robbery|robberies|burglar\w*|"
    r"theft|shoplift\w*|fraud|rape|sexual|grooming|homicide|manslaughter|kidnap\w*|"
    r"trafficking|knife\s+crime|drink[- ]driving|speeding|firearms?|shooting|gang|atrocity|"
    r"killed|killing|domestic|child\s+abuse|indecent|warrant|stolen|stealing|stole|"
    r"(?:anti-?social|antisocial)\s+behaviour\s+by)\b",
    _I,
)
# Sport: "12 fans arrested after disorder at the match" is no protest, though "disorder" is a
# protest word elsewhere.
SPORT = re.compile(
    r"\b(?:[Mm]atch(?:es)?|[Ff]ixtures?|[Kk]ick-off|final\s+whistle|half-time|[Ff]ootball|"
    r"[Ss]tadium|derby|terraces|pitch\s+invasion|Premier\s+League|Championship|[Cc]up\s+(?:tie|final)|"
    r"(?:rival|home|away|football|visiting)\s+(?:fans|supporters))\b"
)
# "supporters" and "fans" alone are as often a banned group's as a club's; "Derby" is a city.
# Protest words that say nothing of protest on their own (disorder follows football too).
_GENERIC_DISORDER = re.compile(
    r"(?:disorder|riot\w*|unrest|clash(?:es|ed)?|hooligan\w*|thugs|looting|rioters)$", _I
)


def protest_beyond_disorder(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has a protest word other than disorder, riot or clashes."""
    return any(not _GENERIC_DISORDER.match(m.group()) for m in PROTEST.finditer(text, start, end))


REFERENCE = re.compile(
    r"\b(?:those|the|of\s+the|people|persons|everyone|anyone|some\s+of\s+those)\s+$", _I
)

# --------------------------------------------------------------------------------------------
# Counts
# --------------------------------------------------------------------------------------------

NUMBER_RE = re.compile(NUMBER, _I)
VAGUE_WORDS = re.compile(
    r"\b(?:several|dozens|hundreds|thousands|scores|a\s+number|numerous|many|some|few|"
    r"a\s+few|multiple|a\s+handful|a\s+dozen|various|a\s+series|a\s+string|further)\b",
    _I,
)
SINGLE_PERSON = re.compile(
    r"\b(?:a|an|one|the)\s+\d{1,2}-year-old\b(?!\s+(?:men|women|boys|girls|people))|"
    r"\bthe\s+(?:man|woman|boy|girl|teenager|youth|pensioner|protest[eo]r|activist|"
    r"demonstrator|campaigner|organiser|organizer|co-organiser|leader|founder|co-founder|"
    r"spokesman|spokeswoman|spokesperson)\b(?!['’]s)|"
    r"\b(?:a|an|one)\s+(?:\d{1,2}-year-old\s+|[\w-]+\s+){0,3}?"
    r"(?:man|woman|boy|girl|teenager|youth|person|protest[eo]r|activist|demonstrator|student|"
    r"juvenile|male|female|pensioner|grandmother|grandfather|mother|father|campaigner|"
    r"individual|journalist|supporter|member|councillor|priest|vicar|rabbi|imam)\b",
    _I,
)
# A headline's bare singular subject: "Woman arrested over T-shirt", "Leeds man charged".
HEADLINE_SINGLE = re.compile(
    r"\s*(?:[A-Z][\w'’-]*\s+){0,2}?(?:[Mm]an|[Ww]oman|[Bb]oy|[Gg]irl|[Tt]eenager|[Pp]ensioner|"
    r"[Ss]tudent|[Aa]ctivist|[Pp]rotest[eo]r|[Cc]ampaigner|[Gg]randmother|[Gg]randfather|"
    r"[Mm]other|[Ff]ather|[Cc]ouncillor|[Jj]ournalist|[Dd]emonstrator)\s+(?:is\s+|was\s+)?$"
)
# The subject refers back to people counted earlier: "Those arrested, aged ..., were held on
# suspicion of ...", "The men were arrested for ...", "They were charged with ...".
REFERENCE_SUBJECT = re.compile(
    r"[\s\"“‘']*(?:[^.;:]{0,80}?\b(?:said|says|added|confirmed)\s+(?:that\s+)?)?"
    r"(?:(?:all\s+|both\s+)?(?:those|these|they|the\s+(?:men|women|people|group|protest[eo]rs|"
    r"demonstrators|activists|suspects|pair|trio|youths|teenagers|boys|girls|two|three|four|five|"
    r"six|seven|eight|nine|ten|rest|others))|both|all\s+of\s+them|all)\b[^.;:]*$",
    _I,
)
NOT_PEOPLE_AFTER = re.compile(
    r"\s*(?:%|per\s*cent|pm|am|p\.m|a\.m|km|miles|years?|yrs|-year|mph|ft|kg|million|"
    r"billion|bn|officers?|police|hours?|minutes?|days?|weeks?|months?|times|°|am\b|pounds|"
    r"dollars|countries|cities|locations|venues|sites|bands|sides|groups|factions|camps)\b",
    _I,
)
# A number that is an age ("aged between 17 and 52", "in their 20s and 30s"), a year or a
# section of an Act ("Terrorism Act 2000", "section 14"), or a reference number, not a count.
_NOT_PEOPLE_BEFORE = re.compile(
    r"(?:\baged\s+(?:just\s+|only\s+|about\s+|around\s+)?(?:between\s+|from\s+|in\s+their\s+|"
    r"under\s+|over\s+)?"
    r"|\b(?:Act|Acts|Ordinance|Order|Regulations|Bill|section|sections|s\.|ss\.|junctions?|"
    r"reference|ref\.?|no\.|number|CAD|age|£|\$|€)\s*)"
    r"(?:\d+s?\s*(?:,|and|to|-|–)\s*)*$",
    _I,
)


# An age in apposition: "A man, 23, was arrested", "Jo Bloggs (31)".
_AGE_APPOSITION_BEFORE = re.compile(
    r"(?:\b(?:man|woman|boy|girl|teenager|youth|pensioner|student|activist|protest[eo]r|"
    r"grandmother|grandfather|mother|father)|[A-Z][\w'’-]+),\s*$|\(\s*$"
)
_AGE_APPOSITION_AFTER = re.compile(r"\s*[,)]")
# A day or month inside a written date: "2024-05-24 Arrests", "on 24/05/2024".
_INSIDE_A_DATE = re.compile(r"\d[-/.]$")
_DATE_GOES_ON = re.compile(r"[-/.]\d")


def not_people(text: str, start: int, end: int) -> bool:
    """Whether the number at ``text[start:end]`` is not a count of people (or items)."""
    if NOT_PEOPLE_AFTER.match(text, end) or text.startswith("-year", end):
        return True
    if _INSIDE_A_DATE.search(text, max(0, start - 2), start) or _DATE_GOES_ON.match(text, end):
        return True
    if _AGE_APPOSITION_AFTER.match(text, end) and _AGE_APPOSITION_BEFORE.search(
        text, max(0, start - 20), start
    ):
        return True
    if re.match(r"s\b|['’]s\b", text[end : end + 3]):  # "in their 20s"
        return True
    if re.fullmatch(r"(?:19|20)\d\d", text[start:end]) and re.search(
        r"\b(?:in|since|of|from|until|by|during|early|late|mid|summer|spring|autumn|winter)\s+$",
        text[max(0, start - 10) : start],
        re.IGNORECASE,
    ):
        return True  # "in 2019": a year
    return _NOT_PEOPLE_BEFORE.search(text[max(0, start - 40) : start]) is not None


TOTAL_MARKER = re.compile(
    r"\b(?:a\s+total\s+of|in\s+total|total\s+of|overall|altogether|in\s+all)\b", _I
)
ADDITIVE = re.compile(r"\b(?:a\s+further|another|an\s+additional|additional|further)\s+$", _I)

# --------------------------------------------------------------------------------------------
# Offences and triggers
# --------------------------------------------------------------------------------------------

OFFENCE_INTRO = re.compile(
    r"\s*(?:(?:[^\s,.;:–—]+\s+){0,8}?)"
    r"(?P<intro>on\s+suspicion\s+of|in\s+breach\s+of|for|over|with)\s+"
    rf"(?!(?:{NUMBER})\b|more\s+than\b|at\s+least\b)"
    r"(?!questioning\b|hours\b|\d+\s+hours\b|a\s+(?:short\s+)?time\b|several\s+hours\b|"
    r"the\s+night\b|the\s+first\s+time\b|a\s+while\b|their\s+own\s+safety\b|"
    r"up\s+to\b|more\s+than\b|the\s+public\b)",
    _I,
)
OFFENCE_WHO = re.compile(
    r"\s*(?:(?:[^\s,.;:]+\s+){0,5}?)who\s+(?:was|were|had\s+been|are|is)\s+"
    r"(?P<offence>(?:intending|trying|attempting|planning|suspected|accused)\b)",
    _I,
)
OFFENCE_STOP = re.compile(
    rf"[.;:!?\"”–—]|,(?!\s*including\b)|\s+and\s+(?:has|have|had|was|were|is|are|will|"
    rf"another)\b|\s+-\s|"
    rf"\s+and\s+an?\s+\d{{1,2}}-year-old\b|\s+(?:and|while|with|but|plus)\s+(?:a\s+further\s+|"
    rf"another\s+)?(?:{NUMBER})\b|\s+(?:while|after|during|when|following|before|near|outside|"
    rf"because|but)\b|\s+under\s+(?:section|s\.|the\s+[A-Z]|[A-Z])|\s+as\s+(?!well)|"
    rf"\s+at\s+(?:around|about|\d|the\s+[A-Z]|[A-Z])|"
    rf"\s+on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    rf"\s+in\s+(?:[A-Z]|the\s+[A-Z]|central|north|south|east|west)|\s+(?:last|this|yesterday|"
    rf"today|on\s+the)\b",
)
OFFENCE_LIST = re.compile(
    r"(?:suspicion\s+of\s+)?(?:various\s+|a\s+range\s+of\s+|other\s+)?offen[cs]es\s+"
    r"(?:including|involving|such\s+as)\b",
    _I,
)
INCLUDING_LIST = re.compile(r"\s*,?\s*including\s+(?P<list>[^.;:]+)", _I)
