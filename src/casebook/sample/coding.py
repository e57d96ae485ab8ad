"""How sample incidents are coded: which acts, triggers, provisions and outcomes go together.

The tables keep the synthetic casebook plausible: a placard leads to Public Order Act 1986
s5 or Terrorism Act 2000 s13, an obstruction to Highways Act 1980 s137 or Public Order Act
2023 s7; powers are only cited after they came into force; Scotland and Northern Ireland get
their own law. All keys are codebook slugs; `tests/sample` checks that each one exists.
"""

from __future__ import annotations

import datetime as dt

# Acts that name an offence (and so carry offence wording and outcomes).
OFFENCE_ACTS = frozenset({"arrest", "charge", "caution", "fine"})

ACTS_AT_PROTEST = {
    "arrest": 50,
    "seizure": 6,
    "stop_search": 5,
    "dispersal": 4,
    "conditions": 3,
    "containment": 3,
    "force": 6,
    "image_appeal": 6,
    "charge": 3,
    "caution": 1,
    "fine": 2,
    "personal_details_published": 1,
    "surveillance": 2,
    "other": 1,
}
ACTS_AWAY_FROM_PROTEST = {
    "arrest": 35,
    "home_visit": 20,
    "image_appeal": 14,
    "personal_details_published": 8,
    "charge": 8,
    "caution": 3,
    "surveillance": 5,
    "fine": 2,
    "seizure": 2,
    "other": 3,
}
# What tends to follow a first act within the same incident.
FOLLOW_UP_ACTS = {
    "arrest": {
        "seizure": 4,
        "force": 3,
        "image_appeal": 1,
        "charge": 2,
        "stop_search": 1,
        "arrest": 1,
        "containment": 1,
    },
    "conditions": {"arrest": 5, "dispersal": 2, "containment": 1},
    "containment": {"arrest": 3, "force": 2, "stop_search": 1},
    "dispersal": {"arrest": 3, "force": 1},
    "home_visit": {"seizure": 2, "arrest": 1, "other": 1},
    "image_appeal": {"arrest": 3, "personal_details_published": 1},
}

# Triggers for acts that do not name an offence, whatever the cause.
TRIGGERS_BY_ACT = {
    "seizure": {"placard": 4, "flag": 3, "banner": 2, "clothing": 1, "leaflet": 1},
    "stop_search": {"clothing": 3, "other": 2, "gathering": 2, "symbol": 0.5},
    "dispersal": {"gathering": 5, "noise": 1},
    "conditions": {"gathering": 5, "noise": 1},
    "containment": {"gathering": 5, "violence": 1},
    "force": {"gathering": 3, "obstruction": 3, "violence": 2, "filming": 1},
    "image_appeal": {"violence": 3, "placard": 2, "chant": 1, "gathering": 2},
    "home_visit": {"online_post": 6, "placard": 1, "leaflet": 1},
    "personal_details_published": {"gathering": 2, "online_post": 2, "placard": 1},
    "surveillance": {"gathering": 3, "online_post": 2, "filming": 1},
    "other": {"other": 3, "speech": 1, "filming": 1},
}
# Occasional triggers for offence acts, on top of the cause's own mix.
EXTRA_OFFENCE_TRIGGERS = {
    "speech": 0.3,
    "leaflet": 0.3,
    "filming": 0.3,
    "noise": 0.2,
    "symbol": 0.2,
    "other": 0.3,
}
# Away from a protest, people are mostly arrested over what they posted.
AWAY_OFFENCE_TRIGGERS = {"online_post": 8, "placard": 1, "leaflet": 1, "speech": 1, "other": 1}

# Provision slug (or None: the source names no law) -> weight, for England and Wales.
OFFENCE_PROVISIONS: dict[str, dict[str | None, float]] = {
    "placard": {
        "poa-1986-s5": 5,
        "ta-2000-s13": 1,
        "poa-1986-s4a": 1,
        "cda-1998-s31": 0.4,
        "poa-1986-s18": 0.3,
        None: 2,
    },
    "flag": {"ta-2000-s13": 2, "poa-1986-s5": 2, None: 2},
    "banner": {"poa-1986-s5": 2, "ta-2000-s13": 0.5, "cda-1971-s1": 1, None: 2},
    "clothing": {"ta-2000-s13": 2, "poa-1986-s5": 1, "cjpoa-1994-s60aa": 1.5, None: 1},
    "symbol": {"ta-2000-s13": 2, "poa-1986-s5": 2, None: 1},
    "chant": {"poa-1986-s5": 3, "poa-1986-s4a": 2, "cda-1998-s31": 1, "poa-1986-s18": 0.5, None: 1},
    "speech": {"poa-1986-s4a": 2, "ta-2000-s12": 1.5, "poa-1986-s18": 1, None: 1},
    "noise": {"poa-1986-s14": 3, None: 1},
    "leaflet": {"poa-1986-s19": 1, "ta-2000-s12": 1, "cda-1971-s1": 1, None: 1},
    "online_post": {
        "ca-2003-s127": 4,
        "mca-1988-s1": 3,
        "ta-2000-s12": 2,
        "poa-1986-s19": 1,
        "osa-2023-s179": 1,
        "sca-2007-s44": 1,
        None: 1,
    },
    "filming": {"pa-1996-s89": 2, None: 2},
    "gathering": {
        "poa-1986-s14": 5,
        "poa-1986-s12": 2,
        "pcsca-2022-s78": 1,
        "asbcpa-2014-s35": 1,
        "poa-1986-s14za": 0.3,
        None: 2,
    },
    "obstruction": {
        "ha-1980-s137": 5,
        "poa-2023-s7": 2,
        "poa-2023-s1": 1.5,
        "poa-2023-s2": 0.5,
        "pcsca-2022-s78": 2,
        "cjpoa-1994-s68": 1,
        "poa-1986-s14": 1,
        None: 1,
    },
    "violence": {
        "pa-1996-s89": 3,
        "aewa-2018-s1": 3,
        "poa-1986-s4": 2,
        "poa-1986-s3": 1,
        "poa-1986-s2": 0.5,
        "cda-1971-s1": 2,
        "oapa-1861-s47": 0.5,
        None: 1,
    },
    "other": {"pa-1996-s89": 2, "cla-1977-s1": 1, "cda-1971-s3": 1, None: 2},
}
# Causes whose placards, flags and clothing are read as support for a proscribed group.
PROSCRIPTION_CAUSES = frozenset({"palestine"})
# Powers cited by acts that are not offences.
POWER_PROVISIONS: dict[str, dict[str | None, float]] = {
    "seizure": {"pace-1984-s19": 3, "ta-2000-s13": 0.5, None: 3},
    "stop_search": {
        "pace-1984-s1": 3,
        "cjpoa-1994-s60": 2,
        "cjpoa-1994-s60aa": 2,
        "ta-2000-s43": 0.5,
        "ta-2000-s47a": 0.2,
        None: 1,
    },
    "dispersal": {"asbcpa-2014-s35": 5, "asbcpa-2014-s34": 0.5, None: 1},
    "conditions": {
        "poa-1986-s14": 5,
        "poa-1986-s12": 3,
        "poa-1986-s13": 0.5,
        "poa-1986-s14za": 0.5,
        None: 0.5,
    },
    "containment": {"poa-1986-s14": 1, None: 4},
}
# Spots with their own law.
PLACE_PROVISIONS = {
    "Parliament Square, London": {"prsra-2011-s143": 1.5, "mpa-1839-s52": 0.5},
    "Faslane naval base": {"socpa-2005-s128": 3},
}
# Not cited before it came into force.
IN_FORCE_FROM = {
    "poa-2023-s1": dt.date(2023, 5, 3),
    "poa-2023-s2": dt.date(2023, 5, 3),
    "poa-2023-s7": dt.date(2023, 5, 3),
    "pcsca-2022-s78": dt.date(2022, 6, 28),
    "poa-1986-s14za": dt.date(2022, 6, 28),
    "osa-2023-s179": dt.date(2024, 1, 31),
    "hcposa-2021-s4": dt.date(2024, 4, 1),
}
# Law that reaches across the whole UK; the rest of the tables is England and Wales law.
UK_WIDE_PREFIXES = ("ta-2000", "ca-2003")
NATION_EQUIVALENTS = {
    "scotland": {
        "poa-1986-s5": "cjlsa-2010-s38",
        "poa-1986-s4a": "cjlsa-2010-s38",
        "poa-1986-s4": "cjlsa-2010-s38",
        "poa-1986-s18": "hcposa-2021-s4",
        "poa-1986-s19": "hcposa-2021-s4",
        "pa-1996-s89": "pfrsa-2012-s90",
        "aewa-2018-s1": "pfrsa-2012-s90",
        "poa-1986-s12": "cgsa-1982-s65",
        "poa-1986-s14": "cgsa-1982-s65",
    },
    "northern_ireland": {
        "pa-1996-s89": "pnia-1998-s66",
        "aewa-2018-s1": "pnia-1998-s66",
        "poa-1986-s12": "ppnia-1998-s8",
    },
}

OFFENCE_WORDING = {
    "poa-1986-s2": ("violent disorder",),
    "poa-1986-s3": ("affray",),
    "poa-1986-s4": ("using threatening words or behaviour likely to provoke violence",),
    "poa-1986-s4a": ("intentionally causing harassment, alarm or distress",),
    "poa-1986-s5": ("causing harassment, alarm or distress", "a section 5 public order offence"),
    "poa-1986-s12": ("failing to comply with a condition on a procession",),
    "poa-1986-s14": (
        "breaching a condition imposed on a public assembly",
        "failing to comply with section 14 conditions",
    ),
    "poa-1986-s14za": ("breaching a condition on a one-person protest",),
    "poa-1986-s18": ("stirring up racial hatred by displaying written material",),
    "poa-1986-s19": ("publishing material intended to stir up racial hatred",),
    "poa-2023-s1": ("locking on",),
    "poa-2023-s2": ("being equipped to lock on",),
    "poa-2023-s7": ("interfering with key national infrastructure",),
    "ta-2000-s12": (
        "expressing support for a proscribed organisation",
        "inviting support for a proscribed organisation",
    ),
    "ta-2000-s13": ("arousing suspicion of support for a proscribed organisation",),
    "cjpoa-1994-s60aa": ("failing to remove a face covering when required",),
    "cjpoa-1994-s68": ("aggravated trespass",),
    "cda-1998-s31": ("racially or religiously aggravated public order offence",),
    "pcsca-2022-s78": (
        "intentionally or recklessly causing a public nuisance",
        "conspiracy to cause a public nuisance",
    ),
    "ha-1980-s137": ("wilful obstruction of the highway", "obstructing the highway"),
    "aewa-2018-s1": ("assaulting an emergency worker",),
    "pa-1996-s89": (
        "obstructing a police officer in the execution of their duty",
        "resisting arrest",
    ),
    "cda-1971-s1": ("criminal damage",),
    "cda-1971-s3": ("possessing an item with intent to damage property",),
    "mca-1988-s1": ("sending a communication intended to cause distress or anxiety",),
    "ca-2003-s127": ("sending a grossly offensive message over a public network",),
    "osa-2023-s179": ("sending a false communication",),
    "sca-2007-s44": ("encouraging or assisting an offence online",),
    "cla-1977-s1": ("conspiracy to commit criminal damage",),
    "oapa-1861-s47": ("assault occasioning actual bodily harm",),
    "prsra-2011-s143": ("refusing to stop a prohibited activity in Parliament Square",),
    "mpa-1839-s52": ("breaching a direction to keep the streets near Parliament clear",),
    "asbcpa-2014-s35": ("failing to comply with a dispersal direction",),
    "socpa-2005-s128": ("trespassing on a protected site",),
    "cjlsa-2010-s38": ("threatening or abusive behaviour",),
    "hcposa-2021-s4": ("stirring up hatred",),
    "pfrsa-2012-s90": ("assaulting or impeding a police constable",),
    "cgsa-1982-s65": ("breaching conditions on a procession",),
    "pnia-1998-s66": ("obstructing a constable",),
    "ppnia-1998-s8": ("breaching conditions on a parade or protest",),
}
_SIGN = (
    "displaying a sign likely to cause harassment, alarm or distress",
    "a section 5 public order offence",
)
_WORDS = (
    "using abusive words within hearing of someone likely to be distressed",
    "a section 5 public order offence",
)
_ARTICLE = (
    "displaying an article arousing suspicion of support for a proscribed organisation",
    "showing support for a proscribed organisation",
)
_WORN = (
    "wearing an item in a way that arouses suspicion of support for a proscribed organisation",
)
# Wording that fits both the provision and what triggered the act, where one is more exact.
OFFENCE_WORDING_BY_TRIGGER = {
    ("poa-1986-s5", "placard"): _SIGN,
    ("poa-1986-s5", "banner"): _SIGN,
    ("poa-1986-s5", "leaflet"): _SIGN,
    ("poa-1986-s5", "chant"): _WORDS,
    ("poa-1986-s5", "speech"): _WORDS,
    ("ta-2000-s13", "placard"): _ARTICLE,
    ("ta-2000-s13", "flag"): _ARTICLE,
    ("ta-2000-s13", "banner"): _ARTICLE,
    ("ta-2000-s13", "symbol"): _ARTICLE,
    ("ta-2000-s13", "clothing"): _WORN,
}
# Offence wording when the source names no law.
UNCITED_WORDING = {
    "scotland": ("breach of the peace", ""),
    "default": ("suspicion of a public order offence", "breach of the peace", ""),
}

# Who reports, how, and how far we trust them: (channel, kind, [(grade, weight)]). Which
# channels report an incident follows the sample's capture structure (sample/capture.py).
SOURCE_KINDS = (
    ("news-monitor", "news_article", (("B2", 4), ("C3", 3), ("B3", 2), ("C2", 1))),
    ("hotline", "testimony", (("C2", 3), ("B2", 2), ("F6", 2), ("C3", 1))),
    ("legal-observers", "legal_observer", (("A2", 2), ("B1", 3), ("B2", 3))),
    ("police-statements", "police_statement", (("B2", 3), ("C3", 2), ("B3", 2))),
    ("social-media", "social_media", (("D3", 3), ("E4", 1), ("F6", 2), ("C3", 1))),
    ("partner", "testimony", (("B2", 3), ("C2", 2))),
    ("court-lists", "court_record", (("A1", 5),)),
    ("other", "video", (("B2", 2), ("C3", 1))),
)
SUPPORTS = {
    "news_article": ("date and place", "arrest count", "trigger wording"),
    "testimony": ("what happened", "trigger wording", "use of force"),
    "legal_observer": ("arrest count", "date and place", "legal basis"),
    "police_statement": ("arrest count", "legal basis"),
    "social_media": ("date and place", "trigger wording"),
    "court_record": ("outcome", "legal basis"),
    "video": ("use of force", "what happened"),
}

# Outcome histories of arrests: the first step, then (after a charge) what the court decided.
ARREST_FIRST_STEPS = {
    "released": 22,
    "released_under_investigation": 18,
    "bailed": 25,
    "charged": 12,
    "cautioned": 8,
    None: 15,
}
COURT_RESULTS = {"convicted": 45, "acquitted": 25, "dropped": 20, "pending": 10}
BAIL_CONDITIONS = (
    "Bail conditions: not to attend any protest in {town}.",
    "Bail conditions: not to enter the city centre.",
    "Bail conditions: not to carry glue, paint or lock-on equipment.",
    "Bail conditions: not to contact other arrested people.",
)
OUTCOME_NOTES = {  # "" leaves the note blank
    "released": ("Released after a few hours at the station.", ""),
    "released_under_investigation": ("Released under investigation; phone kept by police.", ""),
    "bailed": BAIL_CONDITIONS,
    "no_further_action": (
        "No further action after review of footage.",
        "Police wrote to say no further action will be taken.",
        "",
    ),
    "cautioned": ("Accepted a caution on legal advice.", ""),
    "charged": ("Charged by postal requisition.", "Charged after interview.", ""),
    "convicted": (
        "Fined £{fine} and ordered to pay costs.",
        "Conditional discharge for twelve months.",
        "Community order with 80 hours of unpaid work.",
    ),
    "acquitted": (
        "Acquitted after trial at the magistrates' court.",
        "Acquitted: the court found the placard was lawful.",
        "",
    ),
    "dropped": ("The prosecution offered no evidence.", "Charges withdrawn before trial."),
    "pending": ("Trial date not yet set.", ""),
}

# Recent incidents are still being worked on; older ones are mostly verified.
STATUSES_RECENT = {"draft": 30, "in_review": 30, "verified": 35, "rejected": 5}
STATUSES_OLDER = {"verified": 80, "in_review": 7, "draft": 5, "rejected": 5, "archived": 3}
ACTS_PER_INCIDENT = {1: 60, 2: 30, 3: 10}
# People affected by one act: mostly one or two; (low, high) is a range.
PEOPLE_AFFECTED = {1: 50, 2: 17, 3: 9, 4: 6, 5: 4, (6, 10): 8, (11, 30): 4.5, (31, 80): 1.5}
# People whose details are recorded on an incident that has any.
PEOPLE_RECORDED = {1: 65, 2: 25, 3: 10}
SIDE_TAGS = (
    "children present",
    "journalist affected",
    "legal observer affected",
    "footage available",
    "complaint lodged",
    "disabled person affected",
    "student",
    "night-time",
    "repeat target",
    "medic treated",
)


def provision_in_nation(slug: str, nation: str) -> str | None:
    """The provision a force in `nation` would cite instead of England and Wales law."""
    equivalents = NATION_EQUIVALENTS.get(nation)
    if equivalents is None:
        return slug
    if slug in equivalents:
        return equivalents[slug]
    return slug if slug.startswith(UK_WIDE_PREFIXES) else None
