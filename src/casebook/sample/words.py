"""Word lists for synthetic sample data: places, causes, slogans, names, publishers.

Everything here was written for Casebook and is invented: the people's surnames, streets,
organisers, publishers, slogans and chants. Only the towns, their police forces and rough
town-centre coordinates are real, because a demo that puts Bristol under the wrong force
would teach the wrong thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """A town (or a well-known spot in one) and the force that polices it."""

    name: str
    force: str  # organisation slug in the codebook
    latitude: float
    longitude: float
    weight: float  # share of protests held here
    nation: str = "england"
    precision: str = "town"

    @property
    def town(self) -> str:
        """'Parliament Square, London' -> 'London'."""
        return self.name.rpartition(", ")[2]


PLACES: tuple[Place, ...] = (
    Place(
        "Parliament Square, London",
        "metropolitan-police-service",
        51.5005,
        -0.1265,
        9.0,
        precision="street",
    ),
    Place(
        "Whitehall, London",
        "metropolitan-police-service",
        51.5044,
        -0.1262,
        5.0,
        precision="street",
    ),
    Place(
        "Trafalgar Square, London",
        "metropolitan-police-service",
        51.5080,
        -0.1281,
        4.0,
        precision="street",
    ),
    Place(
        "Hyde Park, London",
        "metropolitan-police-service",
        51.5073,
        -0.1657,
        2.0,
        precision="street",
    ),
    Place("London", "metropolitan-police-service", 51.5074, -0.1278, 10.0),
    Place(
        "Bank junction, City of London",
        "city-of-london-police",
        51.5133,
        -0.0886,
        1.0,
        precision="street",
    ),
    Place(
        "King's Cross station, London",
        "british-transport-police",
        51.5308,
        -0.1238,
        0.6,
        precision="street",
    ),
    Place("Manchester", "greater-manchester-police", 53.4808, -2.2426, 5.0),
    Place("Salford", "greater-manchester-police", 53.4875, -2.2901, 0.8),
    Place("Birmingham", "west-midlands-police", 52.4862, -1.8904, 4.5),
    Place("Coventry", "west-midlands-police", 52.4068, -1.5197, 1.0),
    Place("Leeds", "west-yorkshire-police", 53.8008, -1.5491, 3.5),
    Place("Bradford", "west-yorkshire-police", 53.7950, -1.7594, 1.2),
    Place("Sheffield", "south-yorkshire-police", 53.3811, -1.4701, 2.0),
    Place("Liverpool", "merseyside-police", 53.4084, -2.9916, 3.0),
    Place("Newcastle upon Tyne", "northumbria-police", 54.9783, -1.6178, 2.0),
    Place("Sunderland", "northumbria-police", 54.9069, -1.3838, 0.6),
    Place("Bristol", "avon-and-somerset-constabulary", 51.4545, -2.5879, 4.0),
    Place("Bath", "avon-and-somerset-constabulary", 51.3811, -2.3590, 0.8),
    Place("Cardiff", "south-wales-police", 51.4816, -3.1791, 2.5, nation="wales"),
    Place("Swansea", "south-wales-police", 51.6214, -3.9436, 0.8, nation="wales"),
    Place("Newport", "gwent-police", 51.5842, -2.9977, 0.5, nation="wales"),
    Place("Bangor", "north-wales-police", 53.2274, -4.1293, 0.3, nation="wales"),
    Place("Aberystwyth", "dyfed-powys-police", 52.4153, -4.0829, 0.3, nation="wales"),
    Place("Glasgow", "police-scotland", 55.8642, -4.2518, 3.5, nation="scotland"),
    Place("Edinburgh", "police-scotland", 55.9533, -3.1883, 3.0, nation="scotland"),
    Place("Dundee", "police-scotland", 56.4620, -2.9707, 0.6, nation="scotland"),
    Place("Aberdeen", "police-scotland", 57.1497, -2.0943, 0.6, nation="scotland"),
    Place(
        "Faslane naval base", "ministry-of-defence-police", 56.0667, -4.8167, 0.3, nation="scotland"
    ),
    Place(
        "Belfast",
        "police-service-of-northern-ireland",
        54.5973,
        -5.9301,
        2.0,
        nation="northern_ireland",
    ),
    Place(
        "Derry",
        "police-service-of-northern-ireland",
        54.9966,
        -7.3086,
        0.5,
        nation="northern_ireland",
    ),
    Place("Nottingham", "nottinghamshire-police", 52.9548, -1.1581, 1.8),
    Place("Leicester", "leicestershire-police", 52.6369, -1.1398, 1.5),
    Place("Brighton", "sussex-police", 50.8225, -0.1372, 2.5),
    Place("Oxford", "thames-valley-police", 51.7520, -1.2577, 1.5),
    Place("Reading", "thames-valley-police", 51.4543, -0.9781, 0.7),
    Place("Milton Keynes", "thames-valley-police", 52.0406, -0.7594, 0.4),
    Place("Cambridge", "cambridgeshire-constabulary", 52.2053, 0.1218, 1.5),
    Place("Norwich", "norfolk-constabulary", 52.6309, 1.2974, 1.0),
    Place("Exeter", "devon-and-cornwall-police", 50.7184, -3.5339, 0.8),
    Place("Plymouth", "devon-and-cornwall-police", 50.3755, -4.1427, 0.8),
    Place("Southampton", "hampshire-and-isle-of-wight-constabulary", 50.9097, -1.4044, 1.0),
    Place("Portsmouth", "hampshire-and-isle-of-wight-constabulary", 50.8198, -1.0880, 0.8),
    Place("Canterbury", "kent-police", 51.2802, 1.0789, 0.6),
    Place("Dover", "kent-police", 51.1279, 1.3134, 0.4),
    Place("York", "north-yorkshire-police", 53.9600, -1.0873, 0.8),
    Place("Hull", "humberside-police", 53.7676, -0.3274, 0.6),
    Place("Preston", "lancashire-constabulary", 53.7632, -2.7031, 0.6),
    Place("Lancaster", "lancashire-constabulary", 54.0466, -2.8007, 0.4),
    Place("Stoke-on-Trent", "staffordshire-police", 53.0027, -2.1794, 0.4),
    Place("Middlesbrough", "cleveland-police", 54.5742, -1.2350, 0.4),
    Place("Durham", "durham-constabulary", 54.7753, -1.5849, 0.4),
    Place("Carlisle", "cumbria-constabulary", 54.8925, -2.9329, 0.3),
    Place("Gloucester", "gloucestershire-constabulary", 51.8642, -2.2380, 0.4),
    Place("Colchester", "essex-police", 51.8959, 0.8919, 0.5),
    Place("Derby", "derbyshire-constabulary", 52.9225, -1.4746, 0.5),
    Place("Lincoln", "lincolnshire-police", 53.2307, -0.5406, 0.4),
    Place("Northampton", "northamptonshire-police", 52.2405, -0.9027, 0.4),
    Place("Ipswich", "suffolk-constabulary", 52.0567, 1.1482, 0.4),
    Place("Guildford", "surrey-police", 51.2362, -0.5704, 0.4),
    Place("Luton", "bedfordshire-police", 51.8787, -0.4200, 0.5),
    Place("St Albans", "hertfordshire-constabulary", 51.7550, -0.3360, 0.4),
    Place("Chester", "cheshire-constabulary", 53.1934, -2.8931, 0.4),
    Place("Worcester", "west-mercia-police", 52.1936, -2.2216, 0.3),
    Place("Warwick", "warwickshire-police", 52.2820, -1.5849, 0.2),
    Place("Swindon", "wiltshire-police", 51.5558, -1.7797, 0.4),
    Place("Bournemouth", "dorset-police", 50.7192, -1.8808, 0.5),
)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class Cause:
    """A cause people protest for, with everything its protests tend to say and do."""

    slug: str
    label: str
    topic: str  # "a speech about {topic}"
    organisers: tuple[str, ...]
    protest_names: tuple[str, ...]  # "{town}" is replaced by the town
    placards: tuple[str, ...]
    chants: tuple[str, ...]
    banners: tuple[str, ...]
    clothing: tuple[str, ...]
    flags: tuple[str, ...]
    online_posts: tuple[str, ...]
    actions: tuple[str, ...]  # obstruction and gathering descriptions
    # Relative weight of each trigger type for arrests at this cause's protests.
    triggers: dict[str, float]
    # (first "YYYY-MM", last "YYYY-MM", weight); months outside every period weigh `base`.
    periods: tuple[tuple[str, str, float], ...] = ()
    base: float = 1.0
    national_share: float = 0.1  # share of its protests that are national marches in London
    size_scale: float = 1.0
    tags: tuple[str, ...] = field(default=())


CAUSES: tuple[Cause, ...] = (
    Cause(
        slug="climate",
        label="Climate action",
        topic="the climate crisis",
        organisers=(
            "Tidewater Climate Network",
            "Meltwater Coalition",
            "Frostline Action",
            "Carbon Exit Campaign",
            "Grandparents for a Cooler Planet",
        ),
        protest_names=(
            "{town} climate march",
            "Climate strike, {town}",
            "Road blockade against new oil licences",
            "Slow march for the climate",
            "Fossil-free finance day of action",
            "National climate emergency march",
        ),
        placards=(
            "Stop drilling our future away",
            "Leave the oil under the sea",
            "Our children will ask what you did",
            "Burning the planet for profit",
            "Climate action, not climate excuses",
            "Tax the polluters",
            "The floods are here, where are you?",
            "Pension funds out of fossil fuels",
        ),
        chants=(
            "Whose future? Our future!",
            "Cut carbon, not corners",
            "Hey ministers, look outside, the rivers rise with every tide",
        ),
        banners=(
            "Climate emergency: act now",
            "No new licences, no new pipelines",
            "Frontline towns will flood first",
        ),
        clothing=("orange hi-vis vest printed with an hourglass", "T-shirt reading 'No new oil'"),
        flags=("green flag with an hourglass symbol",),
        online_posts=(
            "post inviting people to join a motorway sit-down",
            "video calling for supporters to block a fuel terminal",
        ),
        actions=(
            "sat down across the carriageway of the ring road",
            "glued themselves to the road outside an oil company office",
            "locked on to the gates of a fuel depot",
            "slow-marched along the high street at rush hour",
            "climbed a gantry above the motorway",
        ),
        triggers={
            "obstruction": 6,
            "gathering": 3,
            "banner": 1,
            "placard": 1,
            "violence": 0.5,
            "online_post": 0.5,
        },
        periods=(("2019-04", "2019-11", 5.0), ("2022-03", "2023-12", 4.0)),
        base=1.8,
        tags=("road blockade",),
    ),
    Cause(
        slug="palestine",
        label="Palestine solidarity",
        topic="the war in Gaza",
        organisers=(
            "Olive Grove Solidarity Network",
            "Cedar and Olive Alliance",
            "Coalition for a Just Peace",
            "{town} Friends of Palestine",
        ),
        protest_names=(
            "National march for Palestine",
            "{town} vigil for Gaza",
            "Ceasefire rally, {town}",
            "Sit-in at {town} railway station",
            "Protest outside an arms supplier, {town}",
            "Student encampment for Palestine, {town}",
        ),
        placards=(
            "Ceasefire now",
            "Let Gaza live",
            "End the siege",
            "Children are not targets",
            "Free Palestine",
            "Sanctions now",
            "Open the crossings for aid",
            "Stop the bombing, stop the killing",
            "Arms embargo now",
        ),
        chants=(
            "Ceasefire now!",
            "Stop the bombing, stop the killing!",
            "Free, free Palestine!",
            "From every town, the call is clear: ceasefire here",
        ),
        banners=("Arms embargo now", "Doctors against the siege", "Let the aid trucks through"),
        clothing=(
            "keffiyeh",
            "T-shirt reading 'Free Palestine'",
            "badge showing the Palestinian flag",
        ),
        flags=(
            "Palestinian flag",
            "Palestinian flag draped over the shoulders",
            "flag with a watermelon design",
        ),
        online_posts=(
            "post reading 'I stand with the people of Gaza against every bomb'",
            "shared image of a paraglider with a caption about the border",
            "post calling for a boycott of an arms manufacturer",
        ),
        actions=(
            "occupied the lobby of an arms manufacturer's office",
            "sat down in the concourse of the railway station",
            "blocked the gates of a weapons components factory",
        ),
        triggers={
            "placard": 6,
            "flag": 3,
            "chant": 2.5,
            "clothing": 1.5,
            "online_post": 2,
            "banner": 1,
            "gathering": 1,
            "symbol": 0.5,
            "obstruction": 1,
        },
        periods=(("2021-05", "2021-06", 3.0), ("2023-10", "2026-10", 7.0)),
        base=0.6,
        national_share=0.15,
        size_scale=2.0,
    ),
    Cause(
        slug="anti_monarchy",
        label="Anti-monarchy",
        topic="the monarchy",
        organisers=(
            "Citizens Not Subjects",
            "Commonwealth of Equals Campaign",
            "Head of State Reform Group",
        ),
        protest_names=(
            "Protest at the royal visit to {town}",
            "Protest along the royal procession route",
            "Protest at the state opening of Parliament",
            "Elect the head of state rally, {town}",
        ),
        placards=(
            "Abolish the crown",
            "Citizens, not subjects",
            "Elect our head of state",
            "Who elected him?",
            "Cost of living, not cost of crowning",
            "One person, one vote, no thrones",
        ),
        chants=("Who elected you?", "Not my king!", "Down with the throne!"),
        banners=("Citizens not subjects", "Abolish the monarchy"),
        clothing=("yellow T-shirt reading 'Elect the head of state'",),
        flags=("yellow flag reading 'Abolish'",),
        online_posts=("post urging people to boo the royal procession",),
        actions=(
            "unloaded placards from a van near the procession route",
            "stood silently on the pavement with blank sheets of paper",
        ),
        triggers={"placard": 6, "chant": 3, "banner": 1, "gathering": 1, "obstruction": 1},
        periods=(("2022-09", "2022-09", 4.0), ("2023-05", "2023-05", 8.0)),
        base=0.3,
        national_share=0.2,
    ),
    Cause(
        slug="housing",
        label="Housing and renters' rights",
        topic="rents and evictions",
        organisers=(
            "Fair Rent Union",
            "{town} Tenants Together",
            "Renters Rising",
            "Homes First Alliance",
        ),
        protest_names=(
            "{town} march for rent controls",
            "Eviction resistance, {town}",
            "Occupation of empty offices, {town}",
            "Renters' day of action",
        ),
        placards=(
            "Homes for people, not profit",
            "Cap the rents",
            "Stop no-fault evictions",
            "Empty homes, full streets",
            "Housing is a right, not a privilege",
        ),
        chants=("Rents down, wages up!", "Whose homes? Our homes!"),
        banners=("Stop the evictions", "Rent strike until repairs"),
        clothing=("T-shirt reading 'Cap the rents'",),
        flags=("union flag of a renters' union",),
        online_posts=("post asking neighbours to gather outside a flat facing eviction",),
        actions=(
            "blocked bailiffs from the door of a flat",
            "occupied the lobby of a letting agency",
            "occupied an empty office block",
        ),
        triggers={"obstruction": 4, "gathering": 3, "placard": 1, "banner": 1, "other": 1},
        periods=(("2023-01", "2026-10", 1.8),),
        base=1.0,
    ),
    Cause(
        slug="trade_union",
        label="Trade union pay dispute",
        topic="pay and staffing",
        organisers=(
            "United Care and Support Workers' Union",
            "Depot and Transport Workers",
            "Nurses for Fair Pay",
            "Teachers' Pay Campaign",
        ),
        protest_names=(
            "Picket line at the {town} bus depot",
            "{town} hospital pay rally",
            "National demonstration for fair pay",
            "Strike rally, {town}",
        ),
        placards=(
            "Pay us what we are worth",
            "Safe staffing saves lives",
            "No to fire and rehire",
            "Strike for dignity",
            "Claps don't pay the rent",
        ),
        chants=("Pay up now!", "The workers united will never be defeated!"),
        banners=("Fair pay for care workers", "Solidarity with the pickets"),
        clothing=("union tabard",),
        flags=("union branch flag",),
        online_posts=("post asking drivers not to cross the picket line",),
        actions=(
            "stood across the depot entrance on the picket line",
            "slow-walked in front of delivery lorries",
            "stopped a coach carrying agency staff",
        ),
        triggers={"obstruction": 5, "gathering": 2, "violence": 0.5, "placard": 1},
        periods=(("2022-06", "2023-12", 3.0),),
        base=0.8,
    ),
    Cause(
        slug="anti_racism",
        label="Anti-racism",
        topic="racism and asylum hotels",
        organisers=("Unity Against Hate", "{town} Together", "Open Doors Coalition"),
        protest_names=(
            "Counter-protest outside a hotel housing asylum seekers, {town}",
            "{town} unity rally",
            "March against racism, {town}",
            "Vigil after a racist attack, {town}",
        ),
        placards=(
            "Refugees are welcome here",
            "Unity over division",
            "No hate in our town",
            "Stand up to the far right",
            "We are all somebody's neighbour",
        ),
        chants=("Say it loud, say it clear, refugees are welcome here!", "Unity, not hate!"),
        banners=("{town} stands together", "No to racism"),
        clothing=("T-shirt reading 'Refugees welcome'", "face covering"),
        flags=("rainbow flag",),
        online_posts=("post sharing the time of a counter-protest",),
        actions=(
            "formed a line between marchers and counter-protesters",
            "gathered outside the hotel after the police cordon was set",
        ),
        triggers={"gathering": 3, "violence": 3, "chant": 2, "clothing": 1, "placard": 1},
        periods=(("2020-06", "2020-07", 4.0), ("2024-07", "2024-09", 6.0)),
        base=1.0,
        tags=("counter-protest",),
    ),
    Cause(
        slug="right_to_protest",
        label="Right to protest",
        topic="the right to protest",
        organisers=("Free Assembly Campaign", "Defend Dissent", "Open Streets Collective"),
        protest_names=(
            "Protest against the policing bill, {town}",
            "Blank placard vigil, {town}",
            "Right to protest rally",
        ),
        placards=(
            "Protest is not a crime",
            "Silence is not an option",
            "Defend the right to dissent",
            "I am not a criminal",
            "This sign is legal",
        ),
        chants=("Whose streets? Our streets!", "Protest is not a crime!"),
        banners=("Kill the policing bill", "Our right to gather"),
        clothing=("T-shirt reading 'Protest is not a crime'",),
        flags=("black flag",),
        online_posts=("post urging people to attend a vigil banned by the police",),
        actions=(
            "stood holding blank sheets of paper",
            "gathered on the green in defiance of a ban",
        ),
        triggers={"placard": 4, "gathering": 3, "obstruction": 1, "chant": 1},
        periods=(("2021-03", "2021-06", 4.0), ("2023-04", "2023-07", 2.0)),
        base=0.6,
    ),
    Cause(
        slug="anti_arms",
        label="Against the arms trade",
        topic="the arms trade",
        organisers=("Ploughshares Now", "Arms Off Our High Street", "Disarm the Depot"),
        protest_names=(
            "Blockade of an arms factory near {town}",
            "Arms fair protest",
            "Peace camp outside {town}",
            "Nuclear disarmament rally",
        ),
        placards=(
            "Stop selling bombs",
            "Blood on your balance sheet",
            "Build homes, not bombs",
            "Disarm now",
        ),
        chants=("Shut it down!", "Not in our name!"),
        banners=("Shut down the arms factory", "Peace, not profit"),
        clothing=("boiler suit splashed with red paint",),
        flags=("peace flag",),
        online_posts=("post inviting people to a blockade of a defence site",),
        actions=(
            "blocked the entrance to a defence contractor's site",
            "sprayed red paint on the factory sign",
            "climbed on to the roof of the factory",
        ),
        triggers={"obstruction": 4, "violence": 2, "gathering": 1, "banner": 1},
        base=0.8,
    ),
    Cause(
        slug="covid_rules",
        label="Gatherings under coronavirus rules",
        topic="lockdown rules",
        organisers=("Freedom to Gather Movement", "Open Air Assembly"),
        protest_names=(
            "Rally against lockdown rules, {town}",
            "Socially distanced protest, {town}",
        ),
        placards=("Let us gather", "Freedom to assemble", "Masks off, minds open"),
        chants=("Freedom!", "Let us gather!"),
        banners=("The right to assemble has no exemption",),
        clothing=("face covering printed with a slogan",),
        flags=("homemade flag reading 'Freedom'",),
        online_posts=("post organising a gathering during the lockdown",),
        actions=(
            "gathered in the park during the lockdown",
            "held a rally of more than thirty people in breach of the rules",
        ),
        triggers={"gathering": 8, "online_post": 1, "placard": 1},
        periods=(("2020-03", "2021-07", 4.0),),
        base=0.0,
    ),
    Cause(
        slug="womens_safety",
        label="Women's safety",
        topic="women's safety",
        organisers=("Safe Streets for Women Collective", "{town} Night Walkers"),
        protest_names=(
            "Candlelit vigil for women's safety, {town}",
            "Reclaim the night march, {town}",
        ),
        placards=(
            "She was only walking home",
            "Safe streets for everyone",
            "Protect women, not statues",
        ),
        chants=("Whose streets? Our streets!",),
        banners=("We will not be silenced",),
        clothing=("purple scarf",),
        flags=("purple flag",),
        online_posts=("post announcing a vigil time and place",),
        actions=("gathered with candles on the common", "laid flowers at the bandstand"),
        triggers={"gathering": 6, "placard": 1, "online_post": 1},
        periods=(("2021-03", "2021-03", 5.0),),
        base=0.3,
    ),
)

GIVEN_NAMES = (
    "Alex",
    "Sam",
    "Jordan",
    "Chris",
    "Jamie",
    "Priya",
    "Mohammed",
    "Sarah",
    "James",
    "Emma",
    "Daniel",
    "Aisha",
    "Tom",
    "Hannah",
    "Joseph",
    "Fatima",
    "Ben",
    "Olivia",
    "Ryan",
    "Zara",
    "Liam",
    "Grace",
    "Kwame",
    "Nadia",
    "Owen",
    "Megan",
    "Callum",
    "Rhys",
    "Eilidh",
    "Ciaran",
    "Sophie",
    "Yusuf",
    "Chloe",
    "Amir",
    "Lucy",
    "Ade",
    "Ruth",
    "Omar",
    "Niamh",
    "Leah",
)
# Surnames are glued from syllables nobody is called, so a sample name never names anyone.
SURNAME_HEADS = (
    "Test",
    "Zarn",
    "Quib",
    "Vell",
    "Plim",
    "Grob",
    "Wendle",
    "Fizz",
    "Murk",
    "Brix",
    "Yarr",
    "Drob",
    "Thrum",
    "Oxl",
    "Snib",
    "Krell",
    "Pobble",
    "Glim",
    "Wuzz",
    "Trant",
)
SURNAME_TAILS = (
    "well",
    "ington",
    "wick",
    "worth",
    "sby",
    "thorpe",
    "combe",
    "ley",
    "quist",
    "shaw",
)
STREET_HEADS = (
    "Imaginary",
    "Placeholder",
    "Quibble",
    "Zarnwick",
    "Pobble",
    "Glimmer",
    "Fizzwell",
    "Snibbet",
    "Thrumble",
    "Notional",
    "Makebelieve",
    "Yarrow Fictum",
)
STREET_KINDS = ("Road", "Street", "Lane", "Close", "Avenue", "Terrace", "Gardens", "Row")
GENDERS = ("Woman", "Man", "Non-binary")
ETHNICITIES = (
    "White British",
    "Black British",
    "Asian British",
    "Mixed",
    "Arab",
    "White other",
    "Prefer not to say",
)
PERSON_NOTES = (
    "Prefers contact by text message.",
    "Has a solicitor; contact through them first.",
    "Asked us not to call during working hours.",
    "Wants to be told of any court date.",
    "Shared photographs of the arrest.",
    "Worried about their employer finding out.",
)
CONSENT_NOTES = (
    "Consent given by phone.",
    "Consent given on the testimony form.",
    "Consent given in person at the legal clinic.",
)

NEWS_PUBLISHERS = (
    "The Brackenford Herald",
    "Examplewick Evening Post",
    "North Ashworth Gazette",
    "Radio Testhaven",
    "The Invented Chronicle",
    "Sample Street News",
    "The Notional Courier",
    "Southmoor Daily",
    "The Placeholder Times",
    "Fenwick Valley Echo",
)
LEGAL_OBSERVER_GROUPS = (
    "Greenbank Legal Observers",
    "Northgate Protest Legal Support",
    "Riverside Legal Watch",
)
PARTNER_ORGANISATIONS = (
    "Quillby Community Law Centre",
    "Open Rights Desk",
    "Testhaven Student Union",
    "Campaign Defence Fund",
)
SOCIAL_MEDIA_ACCOUNTS = ("@protestwatch_example", "@streetmedic_test", "@placard_archive")

PERPETRATOR_UNITS = (
    "protest liaison team",
    "territorial support group",
    "neighbourhood policing team",
    "counter-terrorism policing",
    "public order unit",
    "mounted branch",
)

TAGS = (
    "mass arrest",
    "kettling",
    "children present",
    "journalist affected",
    "legal observer affected",
    "footage available",
    "complaint lodged",
    "disabled person affected",
    "student",
    "counter-protest",
    "night-time",
    "repeat target",
    "online",
    "road blockade",
    "bail conditions",
    "medic treated",
)

# Trigger wording that does not depend on the cause.
VIOLENCE = (
    "threw a bottle towards the police line",
    "pushed against the police cordon",
    "scuffled with counter-protesters",
    "let off a smoke flare",
    "set off fireworks",
    "damaged a police van",
)
SYMBOLS = (
    "watermelon symbol painted on a cheek",
    "hand gesture officers linked to a banned group",
    "hourglass symbol chalked on the pavement",
    "sticker showing a crossed-out crown",
)
NOISES = (
    "drumming and amplified music",
    "a megaphone used after the time limit",
    "an air horn during the minute's silence",
)
FILMING = ("filming officers during an arrest", "photographing officers' shoulder numbers")
OTHER_TRIGGERS = (
    "refusing to give a name and address",
    "standing near the police cordon",
    "handing out legal-advice cards",
    "carrying a bag of chalk",
)
SPEECHES = ("speech at the rally about {topic}", "speech through a megaphone about {topic}")
LEAFLETS = ("stickers reading '{slogan}'", "leaflets reading '{slogan}'")
