"""Invented news articles for the demo, the tests' examples and the benchmark.

Every article, group, person and quotation here is made up; places and forces are real so that
the codebook and the gazetteer can resolve them. None of it reports a real event.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    published: str  # YYYY-MM-DD
    section: str
    body: str  # paragraphs separated by blank lines, wrapped for the source file
    relevant: bool
    police: bool = False  # written as a force's own statement
    language: str = "en"

    @property
    def text(self) -> str:
        """The article as published: paragraphs on one line each, a blank line between."""
        return "\n\n".join(" ".join(p.split()) for p in self.body.split("\n\n"))


RELEVANT = [
    Article(
        slug="riverside-climate-march-arrests",
        title="Eleven arrested as climate march blocks Bristol Bridge",
        published="2025-03-10",
        section="News",
        relevant=True,
        body="""\
Eleven people were arrested on Saturday after climate campaigners sat down across Bristol
Bridge and refused to move, Avon and Somerset Police said.

About 300 people joined the march organised by the invented group Rivers Not Runways, which
set off from College Green shortly after midday. Most of the route passed without incident,
but a group of around 40 protesters linked arms on the bridge and brought traffic to a
standstill for almost two hours.

Officers imposed conditions on the protest under section 14 of the Public Order Act at
2.15pm, requiring demonstrators to move on to the pavement. The force said nine people were
arrested for failing to comply with the conditions and two for obstructing the highway.

Superintendent Dana Whitcombe, who led the policing operation, said: "We respect the right
to protest, but the disruption to people trying to get to work and hospital appointments was
significant. We gave protesters every opportunity to move."

A spokesperson for Rivers Not Runways said the group would support those arrested and
accused the police of treating peaceful protest as a crime. "People sat on a road for two
hours. That should not end in a cell," she said.

All eleven have been released on bail while inquiries continue. The bridge reopened at
4.30pm.""",
    ),
    Article(
        slug="library-vigil-placard-arrest",
        title="Man held over placard at library closure vigil in Leeds",
        published="2025-05-19",
        section="Local news",
        relevant=True,
        body="""\
A 62-year-old man was arrested at a candlelit vigil against library closures in Leeds on
Friday evening after police said a placard he was holding was likely to cause distress.

West Yorkshire Police confirmed that the man was detained under section 5 of the Public
Order Act 1986 outside Leeds Central Library, where around 80 people had gathered to oppose
the council's plans to close six branch libraries.

Witnesses said the placard criticised the council leader in strong language. A video shared
online shows two officers speaking to the man before leading him to a police van as the
crowd chanted "shame".

The man was later released with no further action, the force said in a statement on
Saturday.

Organisers from the invented Save Our Shelves Coalition called the arrest "an absurd
overreaction to a cardboard sign" and said they would make a formal complaint.

A West Yorkshire Police spokesperson said: "Officers attended to ensure the event passed
safely. One man was arrested following complaints from members of the public. He has since
been released and no further action will be taken.\"""",
    ),
    Article(
        slug="met-flag-seizures-westminster",
        title="Scotland Yard seizes flags and arrests four at Westminster rally",
        published="2025-06-02",
        section="UK",
        relevant=True,
        body="""\
Four people were arrested and dozens of flags seized at a rally in Parliament Square on
Sunday, the Metropolitan Police said.

Scotland Yard said the arrests were made under section 13 of the Terrorism Act 2000 after
officers identified flags they believed showed support for a proscribed organisation.
Several thousand people attended the rally, which had been called by the invented Campaign
for Open Borders.

The force said officers seized 37 flags and a number of placards during the afternoon. A
further man was arrested on suspicion of assaulting an emergency worker.

Commander Ravi Ostrowski said: "The vast majority of people attending were peaceful. Where
we saw symbols that we believe break the law, officers took action."

Legal observers at the rally said some of the flags seized were those of a political party
that is not proscribed. The Metropolitan Police said it would review the seizures and return
any property that was taken in error.

All five people arrested remain in custody.""",
    ),
    Article(
        slug="cardiff-post-home-visit",
        title="Police visit Cardiff woman's home over social media post about protest",
        published="2025-07-14",
        section="Wales",
        relevant=True,
        body="""\
A Cardiff woman says two officers visited her home on Thursday over a post she wrote on
social media criticising the policing of a protest in the city.

The woman, who asked not to be named, said the officers from South Wales Police told her the
post had been reported as "potentially offensive" and asked her to consider deleting it. No
arrest was made.

The post, seen by this newspaper, described the policing of a march against hospital cuts as
heavy-handed and included a photograph of officers at the scene.

South Wales Police confirmed that officers had carried out what it called a "welfare and
words of advice" visit after receiving a complaint. "No offence has been recorded and no
further action is being taken," a spokesperson said.

Free speech campaigners said the visit would have a chilling effect. "Being knocked on at
home by the police for criticising the police is not what people expect in a democracy,"
said a spokesperson for the invented group Speak Freely Cymru.""",
    ),
    Article(
        slug="manchester-encampment-dispersal",
        title="Students' encampment cleared as three charged in Manchester",
        published="2025-04-28",
        section="Education",
        relevant=True,
        body="""\
Greater Manchester Police cleared a student encampment from Oxford Road in Manchester on
Sunday morning, and three people have since been charged.

Officers arrived at about 6am and gave the roughly 60 people at the camp 20 minutes to leave
under a dispersal order. Most left peacefully, the force said, but three people who had
locked themselves to a railing were cut free and arrested.

On Monday, Greater Manchester Police said the three, aged 19, 21 and 24, had been charged
with aggravated trespass and would appear before Manchester Magistrates' Court next month.

The encampment had been in place for eleven days in protest at the university's investments.
A university spokesperson said it had sought the help of police after "repeated breaches of
the conditions agreed with the organisers".

Students' union officers said they were "appalled" that the university had "called in the
police on its own students".""",
    ),
    Article(
        slug="glasgow-image-appeal",
        title="Police release images of people they want to trace after Glasgow protest",
        published="2025-09-08",
        section="Scotland",
        relevant=True,
        police=True,
        body="""\
Police Scotland has released images of six people officers wish to trace following disorder
at a protest in George Square, Glasgow, on Saturday 6 September 2025.

Around 1,500 people attended the protest and a counter-protest. Officers made seven arrests
on the day for offences including assault and breach of the peace.

Detective Inspector Morag Faulds said: "The majority of people who attended did so
peacefully. However, a small number were involved in disorder and we are determined to
identify those responsible. Anyone who recognises the people in these images is asked to
contact us."

Anyone with information is asked to call 101, quoting incident number 2231 of 6 September
2025, or contact Crimestoppers anonymously.""",
    ),
]

NOT_RELEVANT = [
    Article(
        slug="council-budget-libraries",
        title="Council confirms budget with cuts to branch libraries",
        published="2025-03-04",
        section="Local news",
        relevant=False,
        body="""\
Councillors have approved next year's budget after a five-hour meeting, confirming cuts to
opening hours at eight branch libraries and a 4.99 per cent rise in council tax.

The council's cabinet member for resources said the authority faced a gap of almost £40
million and had "no good options left". Opposition councillors proposed an amendment to
protect library hours by drawing on reserves, but it was defeated by 41 votes to 23.

Residents who spoke during the public session described libraries as "the last warm, free
place" in some neighbourhoods. The council said it would work with community groups that
wished to run volunteer sessions.

The budget also includes £6 million for road resurfacing and a new recycling collection for
food waste, which will begin in the autumn.""",
    ),
    Article(
        slug="football-late-winner",
        title="Late header sends City into the quarter-finals",
        published="2025-03-09",
        section="Sport",
        relevant=False,
        body="""\
A header three minutes from time sent City into the quarter-finals of the cup on Sunday
after a tense afternoon at a packed ground.

The visitors had taken the lead just before half-time through a deflected shot, and spent
much of the second half defending deep as City pressed for an equaliser. It came on 71
minutes when the substitute striker turned sharply in the box and fired into the bottom
corner.

With extra time looming, the captain rose highest to meet a corner and send the home crowd
into raptures. "That's what this club is about," the manager said afterwards. "We never
stopped believing."

City will learn their quarter-final opponents in Monday evening's draw.""",
    ),
    Article(
        slug="weather-warning-wind",
        title="Yellow weather warning for wind across the south west",
        published="2025-02-17",
        section="Weather",
        relevant=False,
        body="""\
A yellow warning for wind has been issued for much of south-west England and south Wales
from early on Tuesday until the evening.

Gusts of 50 to 60mph are expected inland, with up to 70mph possible on exposed coasts and
hills. Forecasters said some short-term loss of power and other services was likely, and
that journeys by road, rail and ferry could take longer.

Drivers have been urged to take extra care on high bridges and to watch for fallen branches.
The wind is expected to ease through Wednesday, though showers will continue, some of them
heavy and thundery.""",
    ),
    Article(
        slug="bakery-expansion",
        title="Family bakery to open third shop and create 25 jobs",
        published="2025-05-06",
        section="Business",
        relevant=False,
        body="""\
A family bakery that started on a market stall a decade ago is to open its third shop,
creating 25 jobs.

The business, which is known for its sourdough and seasonal pastries, will take over a
former bank building on the high street. The owners said they had been looking for a larger
kitchen for two years so they could supply cafés and restaurants across the region.

"We never imagined this when we were selling loaves from a trestle table in the rain," one
of the founders said. The new shop is due to open in the summer, with a training programme
for young people who want to become bakers.""",
    ),
    Article(
        slug="burglary-appeal",
        title="Appeal after jewellery taken in overnight burglary",
        published="2025-04-11",
        section="Crime",
        relevant=False,
        body="""\
Police are appealing for witnesses after jewellery and a laptop were taken in an overnight
burglary at a house in a quiet residential street.

The burglary happened between 11pm on Tuesday and 7am on Wednesday, when the homeowner
discovered a rear window had been forced. Officers are checking CCTV and doorbell cameras in
the area and have asked anyone who saw anything suspicious to get in touch.

A police spokesperson said: "Burglary is an invasive crime and we understand how upsetting
this is for the family. We would urge residents to make sure windows and doors are locked,
even when they are at home.\"""",
    ),
    Article(
        slug="bus-route-changes",
        title="Bus timetables to change as operator cuts evening services",
        published="2025-06-20",
        section="Transport",
        relevant=False,
        body="""\
Evening bus services on four routes will be cut from next month, the operator has announced,
blaming a shortage of drivers and falling passenger numbers after 8pm.

The changes mean the last bus from the city centre to several outlying estates will leave at
9.15pm instead of 11.30pm. Passenger groups said the cuts would hit shift workers and people
without cars hardest.

The operator said it was recruiting and hoped to restore some journeys later in the year.
The combined authority said it was "disappointed" and would look at whether it could fund
some services directly.""",
    ),
    Article(
        slug="protest-explainer",
        title="Explained: what the new protest law changes",
        published="2025-05-01",
        section="Politics",
        relevant=False,
        body="""\
Ministers say the new law will give police clearer powers to deal with protests that cause
serious disruption. Critics say it goes too far. Here is what changes.

The law lowers the threshold at which police can impose conditions on a protest, and creates
new offences of locking on and of being equipped to lock on. It also allows courts to impose
orders banning some people from attending protests.

Civil liberties groups argue the powers are vague and risk deterring peaceful protest. The
government says the vast majority of protesters will not be affected and that the powers are
aimed at a small number of people who cause repeated disruption.

The changes come into force in the summer. Police forces are expected to publish guidance
for officers before then.""",
    ),
    Article(
        slug="theatre-review",
        title="Review: a bold new staging of a familiar comedy",
        published="2025-03-21",
        section="Culture",
        relevant=False,
        body="""\
It takes nerve to reinvent a play that audiences know almost by heart, and this production
has nerve to spare. The director sets the action in a seaside hotel out of season, all
peeling paint and flickering neon, and the result is funnier and sadder than any version in
recent memory.

The cast is uniformly strong, but the standout is the actor playing the harassed hotel
manager, whose slow collapse over the second act is a masterclass in physical comedy. The
design, with its revolving lobby and rain-streaked windows, is a constant pleasure.

Not every idea lands. A musical interlude in the second half outstays its welcome, and the
final scene is rushed. But this is a production that sends you out into the night smiling,
and that is no small thing.""",
    ),
    Article(
        slug="french-manifestation",
        language="fr",
        title="Manifestation à Rennes : la préfecture annonce des interpellations",
        published="2025-04-05",
        section="International",
        relevant=False,
        body="""\
Plusieurs milliers de personnes ont défilé samedi dans le centre de Rennes pour protester
contre la fermeture d'une maternité. La préfecture a indiqué en fin de journée que quatre
personnes avaient été interpellées après des dégradations sur le parcours.

Les organisateurs ont dénoncé une réponse disproportionnée et affirmé que le cortège était
resté pacifique pendant l'essentiel de l'après-midi. Une nouvelle journée de mobilisation
est prévue le mois prochain, selon les syndicats qui soutiennent le mouvement.""",
    ),
]

ARTICLES = RELEVANT + NOT_RELEVANT
