"""Article → candidate incidents, every field traced to the words it came from.

The text analysed is ``title + "\\n\\n" + text`` when a title is given and the text does not
already start with it, otherwise the text alone; ``span_base`` in the result says which
("title+text" or "text"), and every span is ``[start, end]`` into that string. Texts longer than
:data:`MAX_CHARS` are read up to that point only, so a runaway page costs bounded time.

Stages, cheapest first (most pages stop at the first):

1. prefilter: a police-action word and a protest word must both occur (two regex scans);
2. sentences, and police-action anchors in them (:mod:`acts`);
3. context: an act counts only when a protest word is within three sentences of it (orders
   and authorisations are often told a paragraph after the protest is named);
4. legal bases: each citation given to the act it belongs to (:mod:`citations`);
5. forces (codebook aliases), places (gazetteer), dates (resolved against publication), and
   each act placed among them (:mod:`placing`);
6. events: acts grouped by force, place and date, then totals and breakdowns settled
   (:mod:`grouping`, :mod:`events`).

Rules built from the codebook and a gazetteer do most of the work and give exact spans; spaCy's
dependency parser reads who did an act, only in the few sentences where someone other than the
police might have (:mod:`grammar`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import logging
from typing import Any

from casebook.codebook.matching import (
    ProvisionIndex,
    default_codebook_path,
    load_codebook_file,
)
from casebook.monitor.extraction import lexicon as lx
from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.acts import find_acts, opens_breakdown
from casebook.monitor.extraction.citations import CitationFinder, attach_legal_bases
from casebook.monitor.extraction.dates import (
    dateline_span,
    find_dates,
    full_dates_in,
    infer_published,
    parse_published,
    resolve_chains,
    url_year,
)
from casebook.monitor.extraction.forces import ForceFinder
from casebook.monitor.extraction.grammar import drop_acts_of_others, load_parser
from casebook.monitor.extraction.grouping import group_events
from casebook.monitor.extraction.outcomes import attach_outcomes
from casebook.monitor.extraction.parsed_acts import find_acts_by_grammar
from casebook.monitor.extraction.patients import count_by_grammar
from casebook.monitor.extraction.places import Gazetteer
from casebook.monitor.extraction.placing import find_places, place_acts
from casebook.monitor.extraction.text import Sentence, link_sentences, split_sentences
from casebook.monitor.extraction.triggers import set_context_triggers

__all__ = ["MAX_CHARS", "Extractor", "extract_article", "warm_up"]

log = logging.getLogger(__name__)

MAX_CHARS = 200_000
_CONTEXT = 3  # sentences either side in which a protest word makes an act relevant
_RELEVANT = 0.5
_HEADLINE_CHARS = 120


class Extractor:
    """Reusable extractor: build once (codebook indexes and gazetteer), call many times."""

    def __init__(self, codebook: dict[str, Any] | None = None) -> None:
        codebook = codebook or load_codebook_file(default_codebook_path())
        self.gazetteer = Gazetteer()
        self.forces = ForceFinder(codebook["organisations"], self.gazetteer)
        self.provisions = ProvisionIndex.from_codebook(codebook)
        self.citations = CitationFinder(self.provisions, codebook["statutes"])

    # -- public -------------------------------------------------------------------------------

    def extract(
        self,
        *,
        article_id: str,
        text: str,
        title: str = "",
        url: str = "",
        published: dt.date | str | None = None,
    ) -> dict[str, Any]:
        """One article in the extraction format, extended with spans and confidences."""
        text = text or ""
        title = (title or "").strip()
        if title and not text.lstrip().startswith(title[:60]):
            full, base = f"{title}\n\n{text}", "title+text"
        else:
            full, base = text, "text"
        full = full[:MAX_CHARS]
        given = parse_published(published)
        from_text, published_span = infer_published(full, url)
        given = given or from_text
        if published_span is None:
            published_span = infer_published(full)[1]
        result: dict[str, Any] = {
            "id": article_id,
            "relevant": False,
            "relevance_score": 0.0,
            "published": given.isoformat() if given else None,
            "span_base": base,
            "events": [],
        }
        if published_span:
            result["published_span"] = list(published_span)
        low = lx.lowered(full)
        protest_word = bool(lx.protest_positions(full, low, first_only=True))
        if not (protest_word and lx.PREFILTER_ACTION.search(low)):
            result["relevance_score"] = 0.05 if protest_word else 0.0
            return result
        events, score = self._events(full, low, given, published_span, url)
        result["relevance_score"] = round(score, 3)
        if score >= _RELEVANT and events:
            result["relevant"] = True
            result["events"] = events
        log.debug("extracted %s: %d events, score %.2f", article_id, len(events), score)
        return result

    # -- stages -------------------------------------------------------------------------------

    def _events(
        self,
        text: str,
        low: str,
        published: dt.date | None,
        published_span: tuple[int, int] | None,
        url: str = "",
    ) -> tuple[list[dict[str, Any]], float]:
        year_of_url = url_year(url)
        sentences = split_sentences(text)
        starts = [s.start for s in sentences]
        protest = [False] * len(sentences)
        for position in lx.protest_positions(text, low):
            protest[max(0, bisect.bisect_right(starts, position) - 1)] = True
        # A headline about a protest puts the whole story in its context.
        about_protest = bool(sentences) and protest[0] and sentences[0].paragraph == 1
        links = link_sentences(sentences)  # other stories' headlines tell no act of this one
        acts: list[Act] = []
        quiet: list[int] = []  # in a protest's context, no act found by the word rules
        for index, sentence in enumerate(sentences):
            if index in links:
                continue
            window = protest[max(0, index - _CONTEXT) : index + _CONTEXT + 1]
            in_context = about_protest or any(window)
            if in_context:
                quiet.append(index)
            if not in_context or not (
                lx.PREFILTER_ACTION.search(low, sentence.start, sentence.end)
                or opens_breakdown(text, sentences, index)
            ):
                continue
            acts.extend(find_acts(text, sentences, index, low))
        acts.extend(find_acts_by_grammar(text, sentences, quiet, acts))
        acts = drop_acts_of_others(text, sentences, acts)
        count_by_grammar(text, sentences, acts)
        if not acts:
            return [], 0.1
        _mark_headline_acts(acts, sentences)
        score = max(self._act_score(a, protest) for a in acts)
        set_context_triggers(acts, text, sentences, protest)
        attach_legal_bases(text, sentences, acts, self.citations)
        attach_outcomes(text, sentences, acts)
        forces = self.forces.find(text)
        if not forces and (publisher := self.forces.publisher(url)) is not None:
            forces = [publisher]  # a force's own press release, which says "we"
        act_sentences = sorted({a.sentence for a in acts})
        places = find_places(
            self.gazetteer,
            text,
            sentences,
            act_sentences,
            protest,
            home_visit=any(a.type == "home_visit" for a in acts),
        )
        skip = [span for span in (published_span, dateline_span(text)) if span]
        anchors = full_dates_in(text) if published is None else []
        wanted = (
            {i for a in acts for i in (a.sentence - 1, a.sentence)}
            | {i for i, flag in enumerate(protest) if flag}
            | {0, 1}
        )
        dates = resolve_chains(
            [
                d
                for i in sorted(wanted)
                if 0 <= i < len(sentences)
                for d in find_dates(
                    text, sentences[i].start, sentences[i].end, published, anchors, year_of_url
                )
                if not any(d.start < b and a < d.end for a, b in skip)
            ]
        )
        placed = place_acts(text, sentences, acts, forces, places, dates, protest)
        if forces:
            score = min(1.0, score + 0.05)
        return group_events(self.forces, text, placed, forces, sentences), score

    @staticmethod
    def _act_score(act: Act, protest: list[bool]) -> float:
        score = 0.5
        if protest[act.sentence]:
            score += 0.25
        if act.count is not None:
            score += 0.1
        if act.offence or act.legal_basis:
            score += 0.05
        return min(score, 0.95)


def _mark_headline_acts(acts: list[Act], sentences: list[Sentence]) -> None:
    """Acts told in a headline (a short first line without a full stop, standing as its own
    paragraph above the story) restate the story below it ("Arrests outside weapons expo")."""
    first = sentences[0].text.strip() if sentences else ""
    if (
        len(sentences) > 1
        and sentences[1].paragraph > sentences[0].paragraph
        and len(first) <= _HEADLINE_CHARS
        and not first.endswith((".", "!", "?", ":"))
    ):
        for act in acts:
            if act.sentence == 0:
                act.headline = True


@functools.lru_cache(maxsize=1)
def _shared() -> Extractor:
    return Extractor()


def extract_article(
    *,
    article_id: str,
    text: str,
    title: str = "",
    url: str = "",
    published: dt.date | None = None,
) -> dict[str, Any]:
    """Extract one article with a process-wide :class:`Extractor` (built on first use)."""
    return _shared().extract(
        article_id=article_id, text=text, title=title, url=url, published=published
    )


def warm_up() -> None:
    """Build the shared extractor and load the parser, so that the first article costs no more
    than the others (a long-running worker calls this once at start)."""
    _shared()
    load_parser()
