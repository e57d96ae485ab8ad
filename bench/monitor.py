"""How fast the news monitor's pipeline reads a stream of stored news pages; prints figures.

    .venv/bin/python bench/monitor.py --pages 3000            # SQLite in a temp folder
    DATABASE_URL=postgres://… .venv/bin/python bench/monitor.py  # a scratch PostgreSQL db

The stream is synthetic and built before the clock starts: whole news pages of 30–150 KB
(navigation, cookie banner, advert slots with their scripts, a "most read" list, comments,
footer) around invented articles, most about councils, sport, weather, business or culture,
about 5 % reporting police action at a protest, and about 1 % syndicated copies of those.
A quarter of the pages carry a policing headline in their "most read" list, as real sites do,
so the cheap prefilter cannot simply wave every non-policing page through.

The pages are written to a temporary folder first (not timed), then read back with the same
code as `casebook monitor ingest FOLDER`. It runs every stage in this process (fetch from the
file → read → prefilter → text → dedupe →
extract → candidates), with the real extractor and database writes, and prints pages per
second end to end, the split per stage, peak memory, and a re-run over the same pages (which
must create nothing). The database is created empty (SQLite) or must be a scratch database
(PostgreSQL): it is flushed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

FORCES = [
    ("Metropolitan Police", "London"),
    ("Greater Manchester Police", "Manchester"),
    ("West Yorkshire Police", "Leeds"),
    ("Avon and Somerset Police", "Bristol"),
    ("South Wales Police", "Cardiff"),
    ("Police Scotland", "Glasgow"),
    ("Merseyside Police", "Liverpool"),
    ("Northumbria Police", "Newcastle"),
    ("Sussex Police", "Brighton"),
    ("Thames Valley Police", "Oxford"),
    ("Nottinghamshire Police", "Nottingham"),
    ("Kent Police", "Canterbury"),
]
GROUPS = [
    "Rivers Not Runways",
    "Save Our Shelves",
    "Fair Rents Now",
    "Hands Off Our Parks",
    "Students for Open Books",
    "Clean Air Mothers",
    "Quiet Skies Alliance",
    "Keep Our Buses",
    "Nurses Not Cuts",
    "Green Belt Guardians",
]
CAUSES = [
    "a new airport runway",
    "library closures",
    "rising rents",
    "the sale of a park",
    "tuition fees",
    "a waste incinerator",
    "cuts to bus services",
    "hospital cuts",
    "a new road through the green belt",
    "the closure of a swimming pool",
]
DAYS = [
    "on Saturday",
    "on Sunday",
    "on Friday evening",
    "yesterday",
    "on Wednesday",
    "on Saturday afternoon",
    "late on Thursday",
]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "11", "14", "23"]
TRIGGERS = [
    ("placards", "section 5 of the Public Order Act"),
    ("flags", "section 13 of the Terrorism Act"),
    ("a banner", "section 5 of the Public Order Act 1986"),
    ("blocking the road", "section 14 of the Public Order Act"),
    ("chants", "section 4A of the Public Order Act"),
]
FIRST = [
    "Dana",
    "Ravi",
    "Morag",
    "Lorna",
    "Kieran",
    "Priya",
    "Owen",
    "Bethan",
    "Tomasz",
    "Aisha",
    "Gareth",
    "Niamh",
    "Colin",
    "Fatima",
    "Hamish",
    "Jo",
]
LAST = [
    "Whitcombe",
    "Ostrowski",
    "Faulds",
    "Blackwood",
    "Vaughan",
    "Okafor",
    "Pritchard",
    "Lennox",
    "Haddad",
    "Burrows",
    "McAllister",
    "Sandhu",
    "Trevelyan",
    "Quigley",
]
RANKS = [
    "Superintendent",
    "Chief Inspector",
    "Inspector",
    "Chief Superintendent",
    "Assistant Chief Constable",
]
SPOTS = [
    "outside the town hall",
    "in the market square",
    "at the university gates",
    "on the high street",
    "outside the council offices",
    "by the railway station",
    "at the hospital entrance",
    "in the main shopping centre",
    "on the bridge",
]
OFFICER_QUOTES = [
    "We respect the right to protest, but the disruption to people going about their day "
    "was significant.",
    "Officers gave clear warnings and every opportunity to move.",
    "Where we believe the law has been broken, we will act.",
    "The vast majority of people attended peacefully and we thank them for that.",
    "Our priority was keeping the road open for emergency vehicles.",
    "We will review the footage and anyone with concerns can contact us.",
    "This was a difficult operation and officers showed restraint throughout.",
    "We worked with the organisers for several days beforehand.",
]
GROUP_QUOTES = [
    "This was an attempt to frighten people out of protesting.",
    "People sat on a road for an hour. That should not end in a cell.",
    "We will support everyone who was arrested today.",
    "The policing was heavy-handed from the very start.",
    "Nobody was blocking ambulances; that claim is simply untrue.",
    "We will be back next week, and the week after that.",
    "It is absurd to arrest someone over a piece of cardboard.",
    "The council should listen to residents instead of calling the police.",
]
RELEVANT_PARAGRAPHS = [
    "Around {crowd} people joined the march, which set off {spot} at about {hour}. Most of "
    "the route passed without incident, {force} said.",
    "Officers imposed conditions on the protest under {provision} at {hour}, requiring "
    "people to move on to the pavement.",
    '{rank} {name}, who led the operation, said: "{officer_quote}"',
    'A spokesperson for {group}, {name2}, said: "{group_quote}"',
    "Witnesses said officers moved into the crowd {spot} after a dispute about {trigger}. "
    "Video shared online shows people being led to a police van.",
    "All of those arrested have been released on bail while inquiries continue, the force "
    "said on {weekday}.",
    "The road reopened at {hour}. Bus services that had been diverted returned to their "
    "usual routes by the evening.",
    "{group} has held a series of protests against {cause} since {month}, most of them "
    "without arrests.",
    "Legal observers at the protest said {m} people had been searched and that several "
    "placards were taken away by officers.",
    "The council said it had not asked for the protest to be stopped and would meet the "
    "campaigners in {month}.",
    "One of those detained, a {age}-year-old from {town}, said she had been holding a "
    "placard for less than ten minutes before she was arrested.",
    "{force} said a further {m} people were spoken to by officers but not arrested.",
]
TOPIC_WORDS = {
    "council": (
        [
            "The council's cabinet",
            "Councillor {name}",
            "The authority",
            "Opposition members",
            "Residents in {town}",
            "The planning committee",
            "The leader of the council",
            "A spokesperson for the council",
        ],
        [
            "approved plans for {n} new homes",
            "warned of a {m} million pound gap",
            "voted {n} to {m} in favour of the proposals",
            "raised concerns about the cost",
            "promised a consultation on the bin collections",
            "rejected a bid to build on the allotments",
            "said difficult choices lay ahead for {town}",
            "agreed to freeze parking charges for {n} months",
        ],
        [
            "on Tuesday night",
            "after a five-hour meeting",
            "despite {n} objections",
            "in a report published this week",
            "ahead of the budget in {month}",
            "",
        ],
    ),
    "sport": (
        [
            "The home side",
            "The visitors",
            "{name}",
            "The manager",
            "The captain",
            "The substitute striker",
            "The goalkeeper",
            "{town} Rovers",
        ],
        [
            "took the lead after {n} minutes",
            "equalised with a deflected shot",
            "said he was proud of the players' effort",
            "struck the post twice",
            "made {m} saves in the first half",
            "moved {n} points clear at the top",
            "won a penalty in stoppage time",
            "celebrated a first clean sheet since {month}",
        ],
        [
            "in front of {m},000 fans",
            "on a bitterly cold evening",
            "at the new stadium",
            "despite losing their captain to injury",
            "",
            "in the second half",
        ],
    ),
    "weather": (
        [
            "Forecasters",
            "The Met Office",
            "Drivers in {town}",
            "Farmers",
            "Residents near the river",
            "Ferry operators",
        ],
        [
            "expect heavy rain to spread from the west",
            "issued a yellow warning for wind",
            "have been told to expect gusts of {m} miles an hour",
            "are preparing for temperatures of {n} degrees",
            "warned of flooding on low-lying roads",
            "cancelled {n} sailings",
        ],
        [
            "from early on {weekday}",
            "until the end of the week",
            "across the region",
            "for the first time since {month}",
            "",
        ],
    ),
    "business": (
        [
            "The company",
            "The chief executive, {name},",
            "Shares in the firm",
            "A family bakery in {town}",
            "The retailer",
            "Analysts",
        ],
        [
            "reported a rise in profits of {n} per cent",
            "plans to create {m} new jobs",
            "rose sharply in early trading",
            "said demand had stayed strong",
            "will open a new site in {town}",
            "expects sales to fall by {n} per cent",
        ],
        [
            "in the year to {month}",
            "over the next two years",
            "despite higher costs",
            "according to figures published on {weekday}",
            "",
        ],
    ),
    "culture": (
        ["The production", "The cast", "The exhibition", "The festival", "{name}", "The new novel"],
        [
            "is a bold reimagining of a familiar play",
            "brings together {m} works",
            "has announced a line-up of {n} bands",
            "is set in a seaside town in {town}",
            "was praised by critics for its design",
            "has been extended by {n} weeks",
        ],
        [
            "this summer",
            "at the refurbished theatre",
            "for the first time since {month}",
            "with tickets on sale from {weekday}",
            "",
        ],
    ),
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
TOWNS = [
    "Ashby",
    "Thornbury",
    "Kettlewell",
    "Marston",
    "Holbeck",
    "Redhill",
    "Eastwood",
    "Littleport",
    "Stanton",
    "Westbury",
    "Norbury",
    "Fairford",
]
POLICING_HEADLINES = [
    "Man charged after march in {place}",
    "Police arrest two at {place} rally",
    "Officers seize banners at {place} protest",
    "Arrests as protesters block {place} road",
]


def _fill(template: str, rng: random.Random, **fixed) -> str:
    values = {
        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "name2": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        "town": rng.choice(TOWNS),
        "n": rng.randint(2, 60),
        "m": rng.randint(3, 900),
        "age": rng.randint(18, 80),
        "month": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
        "hour": f"{rng.randint(1, 5)}.{rng.choice(['05', '15', '30', '40', '50'])}pm",
        "spot": rng.choice(SPOTS),
        "rank": rng.choice(RANKS),
        "officer_quote": rng.choice(OFFICER_QUOTES),
        "group_quote": rng.choice(GROUP_QUOTES),
        "crowd": rng.randint(40, 2000),
    } | fixed
    return template.format(**values)


def relevant_text(rng: random.Random) -> tuple[str, str]:
    force, city = rng.choice(FORCES)
    n = rng.choice(NUMBERS)
    trigger, provision = rng.choice(TRIGGERS)
    fixed = {
        "force": force,
        "city": city,
        "group": rng.choice(GROUPS),
        "cause": rng.choice(CAUSES),
        "trigger": trigger,
        "provision": provision,
    }
    lead = _fill(
        rng.choice(
            [
                "{n_cap} people were arrested {day} after a protest against {cause} "
                "in {city} {spot}, {force} said.",
                "{force} arrested {n} people in {city} {day} during a demonstration organised by "
                "{group} over {cause}.",
                "Police arrested {n} protesters {spot} in {city} {day} "
                "after a dispute over {trigger}.",
            ]
        ),
        rng,
        n=n,
        n_cap=n.capitalize(),
        day=rng.choice(DAYS),
        **fixed,
    )
    detail = _fill(
        "The force said {n} people were held under {provision} for {trigger}.",
        rng,
        n=n,
        **{k: v for k, v in fixed.items() if k != "n"},
    )
    body = [_fill(p, rng, **fixed) for p in rng.sample(RELEVANT_PARAGRAPHS, rng.randint(4, 8))]
    paragraphs = [lead, detail, *body]
    return f"{n.capitalize()} arrested at {city} protest over {fixed['cause']}", "\n\n".join(
        paragraphs
    )


def other_text(rng: random.Random, topic: str) -> tuple[str, str]:
    subjects, predicates, adjuncts = TOPIC_WORDS[topic]
    paragraphs = []
    for _ in range(rng.randint(8, 16)):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            sentence = " ".join(
                filter(
                    None,
                    [
                        _fill(rng.choice(subjects), rng),
                        _fill(rng.choice(predicates), rng),
                        _fill(rng.choice(adjuncts), rng),
                    ],
                )
            )
            sentences.append(sentence + ".")
        paragraphs.append(" ".join(sentences))
    return f"{topic.capitalize()}: {paragraphs[0][:70]}", "\n\n".join(paragraphs)


def build_stream(pages: int, seed: int, folder: Path) -> Counter:
    """Write the pages as .html files into `folder`; returns what was planted."""
    from casebook.monitor.demo.pages import PLACES, filler_headlines, page_html

    rng = random.Random(seed)
    planted = Counter()
    relevant_so_far = []
    sizes = ["small", "medium", "medium", "large"]
    for number in range(pages):
        roll = rng.random()
        if roll < 0.01 and relevant_so_far:
            title, text = rng.choice(relevant_so_far)
            text += "\n\nThis article first appeared in a partner newspaper."
            kind = "syndicated"
        elif roll < 0.06:
            title, text = relevant_text(rng)
            relevant_so_far.append((title, text))
            kind = "relevant"
        else:
            title, text = other_text(rng, rng.choice(list(TOPIC_WORDS)))
            kind = "other"
        planted[kind] += 1
        headlines = filler_headlines(rng, 9)
        if rng.random() < 0.25:
            headlines.insert(
                rng.randint(0, 9), rng.choice(POLICING_HEADLINES).format(place=rng.choice(PLACES))
            )
        markup = page_html(
            title=title,
            text=text,
            published=f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            site=f"Invented Daily {number % 40}",
            rng=rng,
            size=rng.choice(sizes),
            most_read=headlines,
        )
        (folder / f"page-{number:06d}.html").write_text(markup, encoding="utf-8")
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-prefilter",
        action="store_true",
        help="Send every page through main-text extraction, deduplication and "
        "the extractor, to measure what the prefilter saves.",
    )
    args = parser.parse_args()

    os.environ.setdefault("CASEBOOK_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    os.environ.setdefault("CASEBOOK_DATA_DIR", tempfile.mkdtemp(prefix="casebook-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from casebook.installation.bootstrap import bootstrap_reference_data
    from casebook.monitor.intake import InProcessRunner, ingest
    from casebook.monitor.models import Candidate, Page
    from casebook.monitor.pipeline import STAGES, Context, default_extract

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    bootstrap_reference_data()

    folder = Path(tempfile.mkdtemp(prefix="casebook-bench-pages-"))
    started = time.perf_counter()
    planted = build_stream(args.pages, args.seed, folder)
    sizes = [path.stat().st_size for path in folder.iterdir()]
    print(
        f"backend {connection.vendor}; {len(sizes):,} stored pages written in "
        f"{time.perf_counter() - started:.1f} s: {sum(sizes) / 1e6:.0f} MB of markup, "
        f"{min(sizes) // 1024}–{max(sizes) // 1024} KB each (mean "
        f"{sum(sizes) / len(sizes) / 1024:.0f} KB)"
    )
    print(
        f"planted: {planted['relevant']} relevant, {planted['syndicated']} syndicated copies, "
        f"{planted['other']} other"
    )
    load = os.getloadavg()[0]
    print(
        f"load average before the run: {load:.1f} on {os.cpu_count()} cores"
        + (" (busy: wall-clock figures will be low; see CPU time)" if load > 1.5 else "")
    )

    warm = time.perf_counter()
    from casebook.monitor.extraction import warm_up

    warm_up()  # the rules, the gazetteer and the parser, once per process
    default_extract(article_id="warm-up", text="Police arrested two people at a protest.")
    print(f"extractor warm-up (once per process): {time.perf_counter() - warm:.2f} s")

    if args.no_prefilter:
        from casebook.monitor import pipeline

        pipeline.STAGE_FUNCTIONS["prefilter"] = lambda page, work, ctx: "disabled (benchmark)"
        print("prefilter disabled: every page goes through every stage")
    runner = InProcessRunner(ctx=Context())
    cap = 5 * 1024 * 1024
    started, cpu = time.perf_counter(), time.process_time()
    report = ingest(folder, runner, cap=cap)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = report.submitted

    print(
        f"\nend to end: {pages:,} pages in {elapsed:.1f} s = {pages / elapsed:,.0f} pages/s "
        f"(CPU {cpu:.1f} s = {pages / cpu:,.0f} pages per CPU-second); peak memory "
        f"{peak:,.0f} MB (RSS)"
    )
    per_stage: dict[str, float] = defaultdict(float)
    reached: Counter = Counter()
    for stages in Page.objects.values_list("stages", flat=True):
        for name, record in stages.items():
            per_stage[name] += record["ms"] / 1000
            reached[name] += 1
    in_stages = sum(per_stage.values())
    print(f"{'stage':<12}{'pages':>8}{'total s':>10}{'ms/page':>10}{'share':>8}")
    for name in STAGES:
        total = per_stage.get(name, 0.0)
        print(
            f"{name:<12}{reached[name]:>8,}{total:>10.2f}"
            f"{(total / reached[name] * 1000 if reached[name] else 0):>10.2f}"
            f"{total / elapsed:>8.0%}"
        )
    other = elapsed - in_stages
    print(
        f"{'other':<12}{pages:>8,}{other:>10.2f}"
        f"{other / pages * 1000:>10.2f}{other / elapsed:>8.0%}"
        "   (reading the files, looking pages up, saving rows)"
    )

    statuses = Counter(Page.objects.values_list("status", flat=True))
    relevant = Page.objects.filter(relevant=True).count()
    print(
        f"\npages: {dict(statuses)}; relevant {relevant} (planted {planted['relevant']}); "
        f"candidates {Candidate.objects.count()}; passed the prefilter "
        f"{reached['text']} ({reached['text'] / pages:.0%})"
    )

    started = time.perf_counter()
    before = (Page.objects.count(), Candidate.objects.count())
    again_report = ingest(folder, runner, cap=cap)
    again = time.perf_counter() - started
    after = (Page.objects.count(), Candidate.objects.count())
    print(
        f"re-run over the same files: {again:.1f} s ({again_report.unchanged / again:,.0f} "
        f"pages/s), new pages {after[0] - before[0]}, new candidates {after[1] - before[1]}"
    )
    shutil.rmtree(folder)


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    main()
