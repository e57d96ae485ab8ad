"""Words the public reads that are stored elsewhere in English: the codebook's act types,
triggers and outcomes, and the kinds of source. Listed here so that `makemessages` finds
them; the pages translate them as they are drawn (`templatetags/public.py`, `public_term`).
A test checks that every such word in the codebook is listed: a new one without its
translation would show in English, never break a page.

Forces, laws and places are names: they are shown as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACT_TYPES = (
    gettext_noop("Arrest"),
    gettext_noop("Charge"),
    gettext_noop("Caution"),
    gettext_noop("Fine or fixed penalty"),
    gettext_noop("Seizure"),
    gettext_noop("Stop and search"),
    gettext_noop("Dispersal"),
    gettext_noop("Conditions or ban"),
    gettext_noop("Containment (kettling)"),
    gettext_noop("Use of force"),
    gettext_noop("Image appeal"),
    gettext_noop("Personal details published"),
    gettext_noop("Home visit"),
    gettext_noop("Surveillance"),
    gettext_noop("Other"),
)
TRIGGER_TYPES = (
    gettext_noop("Placard or sign"),
    gettext_noop("Flag"),
    gettext_noop("Banner"),
    gettext_noop("Clothing or worn item"),
    gettext_noop("Symbol or gesture"),
    gettext_noop("Chant or song"),
    gettext_noop("Speech"),
    gettext_noop("Noise"),
    gettext_noop("Leaflet or sticker"),
    gettext_noop("Online post"),
    gettext_noop("Filming or photographing"),
    gettext_noop("Gathering"),
    gettext_noop("Obstruction"),
    gettext_noop("Violence or damage"),
    gettext_noop("Other"),
)
OUTCOME_TYPES = (
    gettext_noop("Released"),
    gettext_noop("Released under investigation"),
    gettext_noop("Bailed"),
    gettext_noop("No further action"),
    gettext_noop("Cautioned"),
    gettext_noop("Charged"),
    gettext_noop("Convicted"),
    gettext_noop("Acquitted"),
    gettext_noop("Dropped"),
    gettext_noop("Pending"),
    gettext_noop("Unknown"),
)
SOURCE_KINDS = (
    gettext_noop("Testimony"),
    gettext_noop("News article"),
    gettext_noop("Police statement"),
    gettext_noop("Social-media post"),
    gettext_noop("Court record"),
    gettext_noop("Legal-observer report"),
    gettext_noop("Video"),
)
PUBLIC_TERMS = frozenset(ACT_TYPES + TRIGGER_TYPES + OUTCOME_TYPES + SOURCE_KINDS)
