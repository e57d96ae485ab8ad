"""How fast faces and personal data are redacted; prints figures.

    .venv/bin/python bench/redaction.py                      # both, default sizes
    .venv/bin/python bench/redaction.py --images 20 --kb 200 --compare-models

Faces: 1920×1080 JPEG frames built from scikit-image's astronaut photograph (the one real
photo we may use): a "portrait" frame (the photo upscaled to 1080 px, tiled twice: 2 faces of
~250 px) and a "crowd" frame (fifteen copies at 360 px: faces of ~85 px). Each is redacted end
to end: decode, detect, blur, re-encode without metadata. Detection runs on a copy whose
longer side is at most --max-side (default 1280, Casebook's default); 1920 is full size.

Text: a synthetic corpus of testimonies (invented names, Ofcom drama phone numbers, invented
addresses and postcodes, dates of birth, number plates, collar numbers) of about --kb
kilobytes, redacted testimony by testimony. Recall is the share of the invented names,
addresses, phones and e-mails that no longer appear in the output. --compare-models also runs
the corpus with spaCy's full pipeline (parser on) and with a blank pipeline (no NER).
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

FIRST = [
    "Amira",
    "Daniel",
    "Tobias",
    "Priya",
    "Kwame",
    "Siobhan",
    "Mateusz",
    "Leila",
    "Rhys",
    "Nadia",
    "Callum",
    "Yusuf",
    "Imogen",
    "Tariq",
    "Bethan",
    "Oluwaseun",
    "Freya",
    "Hamza",
    "Eilidh",
    "Marek",
]
LAST = [
    "Okafor",
    "Quarrie",
    "Haddad",
    "Nair",
    "Mensah",
    "Gallagher",
    "Kowalski",
    "Farouk",
    "Pritchard",
    "Begum",
    "Lindqvist",
    "Osei",
    "Treharne",
    "Mahmood",
    "Doyle",
    "Adeyemi",
    "Sorensen",
    "Iqbal",
    "MacLeod",
    "Novak",
]
STREETS = [
    "Acacia Avenue",
    "Wickham Road",
    "Orchard Close",
    "Station Road",
    "Mill Lane",
    "Chapel Street",
    "Victoria Terrace",
    "Beech Grove",
    "Kingsway Crescent",
    "Elm Drive",
]
TOWNS = [("Testford", "TF"), ("Exampleton", "EX"), ("Sampleby", "SY"), ("Fakenham Parva", "FP")]


def testimony(rng: random.Random) -> tuple[str, list[str]]:
    """One invented testimony and the personal values it contains (the first three: names).

    Half the names come with a cue ("my name is", "my friend", "Mr") and half without, so
    that the figures show what the language model adds over patterns.
    """
    me, friend, witness = (f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3))
    address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
    town, area = rng.choice(TOWNS)
    postcode = (
        f"{area}{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}"
        f"{rng.choice('LNPQRSTU')}"
    )
    phone = f"07700 900{rng.randint(0, 999):03d}"
    email = f"{me.split()[0].lower()}.{rng.randint(10, 99)}@example.org"
    plate = f"{rng.choice('ABDEFGHK')}{rng.choice('ABCDEFG')}{rng.randint(51, 74)} " + "".join(
        rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)
    )
    born = (
        f"{rng.randint(1, 28)} {rng.choice(['March', 'June', 'October'])} {rng.randint(1960, 2006)}"
    )
    collar = rng.randint(1000, 9999)
    cued = rng.random() < 0.5
    intro = (
        f"My name is {me} and I live at {address}, {town} {postcode}."
        if cued
        else f"This statement is by {me}, of {address}, {town} {postcode}."
    )
    company = f"with my friend {friend}" if cued else f"with {friend}"
    text = (
        f"{intro} I was born on {born}. On Saturday I went to the march {company}. Near the "
        f"square, PC {collar} told us to take down our placard, which read 'No to the war'. "
        f"When I asked under which law, two officers pushed me against a van, registration "
        f"{plate}. {witness} saw it from across the road and {friend} filmed it on her phone. "
        f"I was arrested under section 14 of the Public Order Act and held for six hours "
        f"before being released without charge. My solicitor can be reached through me on "
        f"{phone} or at {email}. I would like the force to return my phone and apologise.\n\n"
    )
    return text, [me, friend, witness, address, postcode, phone, email, plate, born]


def corpus(kilobytes: int, seed: int) -> list[tuple[str, list[str]]]:
    rng, out, size = random.Random(seed), [], 0
    while size < kilobytes * 1024:
        item = testimony(rng)
        out.append(item)
        size += len(item[0].encode())
    return out


def bench_text(kilobytes: int, seed: int, compare: bool) -> None:
    from casebook.redaction import text as redaction

    items = corpus(kilobytes, seed)
    total = sum(len(t.encode()) for t, _ in items)
    words = sum(len(t.split()) for t, _ in items)
    print(f"\nText redaction: {len(items)} testimonies, {total / 1024:.0f} KB, {words:,} words")
    started = time.perf_counter()
    engine = redaction._load_engine()
    print(
        f"  model and recognisers loaded in {time.perf_counter() - started:.1f} s "
        f"({redaction.SPACY_MODEL}, parser excluded)"
    )

    def run(label: str) -> None:
        redaction.redact_text(items[0][0])  # warm
        started = time.perf_counter()
        outputs = [redaction.redact_text(t) for t, _ in items]
        elapsed = time.perf_counter() - started
        values = [(v, out.text) for (_t, vs), out in zip(items, outputs, strict=True) for v in vs]
        recall = sum(v not in o for v, o in values) / len(values)
        names = [
            (v, out.text) for (_t, vs), out in zip(items, outputs, strict=True) for v in vs[:3]
        ]
        name_recall = sum(v not in o for v, o in names) / len(names)
        print(
            f"  {label:<34} {total / 1024 / elapsed:7.1f} KB/s  {words / elapsed:8,.0f} "
            f"words/s  recall {recall:6.1%} (names {name_recall:6.1%})"
        )

    run("en_core_web_sm, no parser")
    if compare:
        import spacy

        nlp = engine.nlp_engine.nlp["en"]
        engine.nlp_engine.nlp["en"] = spacy.load(redaction.SPACY_MODEL)
        run("en_core_web_sm, full pipeline")
        engine.nlp_engine.nlp["en"] = spacy.blank("en")
        run("blank pipeline (no NER)")
        engine.nlp_engine.nlp["en"] = nlp


def frames():
    import cv2
    import numpy as np
    from skimage import data

    photo = data.astronaut()
    big = cv2.resize(photo, (1080, 1080), interpolation=cv2.INTER_CUBIC)
    portrait = np.concatenate([big, big], axis=1)[:, :1920]
    crowd = np.full((1080, 1920, 3), 90, np.uint8)
    tile = cv2.resize(photo, (360, 360), interpolation=cv2.INTER_AREA)
    for row in range(3):
        for col in range(5):
            y, x = row * 360, 30 + col * 375
            crowd[y : y + 360, x : x + 360] = tile
    from PIL import Image

    def jpeg(pixels) -> bytes:
        out = io.BytesIO()
        Image.fromarray(pixels).save(out, "JPEG", quality=90)
        return out.getvalue()

    return {"portrait (2 faces)": (jpeg(portrait), 2), "crowd (15 faces)": (jpeg(crowd), 15)}


def bench_faces(count: int, sides: list[int]) -> None:
    from casebook.redaction import faces

    print(
        f"\nFace redaction: 1920×1080 JPEG, {count} images per row, end to end "
        "(decode, detect, blur, encode)"
    )
    for label, (content, expected) in frames().items():
        for side in sides:
            faces.redact_image(content, max_side=side)  # load the network for this shape
            times, found = [], 0
            for _ in range(count):
                started = time.perf_counter()
                _out, boxes = faces.redact_image(content, max_side=side)
                times.append(time.perf_counter() - started)
                found = len(boxes)
            pixels, _fmt = faces.decode_image(content)
            started = time.perf_counter()
            for _ in range(count):
                faces.detect_faces(pixels, max_side=side)
            detect = (time.perf_counter() - started) / count
            print(
                f"  {label:<20} detect at ≤{side:>4} px: {1 / statistics.mean(times):5.2f} "
                f"images/s (median {statistics.median(times) * 1000:5.0f} ms, detection "
                f"{detect * 1000:4.0f} ms), faces found {found}/{expected}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=10, help="images per measurement")
    parser.add_argument(
        "--max-side",
        type=int,
        action="append",
        help="detection size(s) to measure (default 1280 and 1920)",
    )
    parser.add_argument("--kb", type=int, default=200, help="size of the text corpus")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--compare-models",
        action="store_true",
        help="also time spaCy's full pipeline and a blank pipeline",
    )
    parser.add_argument("--only", choices=["faces", "text"])
    args = parser.parse_args()
    import cv2

    print(f"OpenCV {cv2.__version__}, {cv2.getNumThreads()} threads")
    if args.only != "text":
        bench_faces(args.images, args.max_side or [1280, 1920])
    if args.only != "faces":
        bench_text(args.kb, args.seed, args.compare_models)


if __name__ == "__main__":
    main()
