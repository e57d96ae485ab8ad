"""From acts to events: totals, breakdowns and duplicates, by the labelling rules.

Within one event (one force, place, date and operation):

- the same count of the same act stated twice ("53 arrested ... the 53 people") is one act;
- a count whose breakdown follows ("Seven arrests: four for X, two for Y, one for Z"), or which
  the text marks as a total ("a total of 145 arrests") while other arrest acts are reported, is
  the event's ``total_arrests`` and not an act itself; so is a count that the other counted arrest
  acts add up to exactly (the text said both);
- a single exact arrest count with no other arrest act is both the total and the one act;
- a vague arrest statement with no count and no offence ("more than 100 arrests") is dropped
  when more specific arrest acts exist: they say the same thing better;
- other acts without a count collapse to one per type (one dispersal, one image appeal...);
  "other" acts only within their kind (fines, containment, checkpoints, separating groups);
- an act whose subject points back ("Those arrested were held on suspicion of X") adds its
  offence to the counted act before it rather than standing alone, and "those arrested were
  charged" is a charge of that many people;
- a charge count that other charge counts add up to ("three charged: two with X, one with Y")
  is dropped for its parts.

Nothing is ever summed into a number the text does not state.
"""

from __future__ import annotations

from casebook.monitor.extraction.act import Act

__all__ = ["settle_event"]


def _merge(into: Act, other: Act) -> None:
    for name in ("count", "offence", "legal_basis", "trigger"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
            setattr(into, f"{name}_span", getattr(other, f"{name}_span"))
    into.total_marker = into.total_marker or other.total_marker
    told = {o.outcome for o in into.outcomes}
    into.outcomes.extend(o for o in other.outcomes if o.outcome not in told)
    for child in other.children:
        child.parent = into
        into.children.append(child)


def _link_subsets(arrests: list[Act]) -> None:
    """ "14 of the arrests were for X": a part of the latest larger count before it."""
    for act in arrests:
        if act.subset and act.count is not None and act.parent is None:
            larger = [
                a
                for a in arrests
                if a.count is not None
                and a.count > act.count
                and a.anchor[0] < act.anchor[0]
                and not a.subset
            ]
            if larger:
                act.parent = larger[-1]
                larger[-1].children.append(act)
    for act in arrests:
        if act.sibling is not None and act.sibling.parent is not None and act.parent is None:
            act.parent = act.sibling.parent
            act.parent.children.append(act)


def _dedupe_counts(acts: list[Act]) -> list[Act]:
    kept: list[Act] = []
    by_count: dict[tuple[str, int | None], list[Act]] = {}
    for act in acts:
        twin = next(
            (
                k
                for k in by_count.get((act.type, act.count), ())
                if k.count is not None
                and not act.item
                and not act.additive
                and k.legal_basis in (None, act.legal_basis)
                # "a man ... a woman": two people; "a man ... the man": one.
                and not (
                    act.type in {"arrest", "charge"}
                    and act.implicit_one
                    and k.implicit_one
                    and not (act.definite or act.headline or k.headline)
                )
            ),
            None,
        )
        if twin is not None:
            _merge(twin, act)
        else:
            kept.append(act)
            if act.count is not None:
                by_count.setdefault((act.type, act.count), []).append(act)
    return kept


def _fold_references(acts: list[Act]) -> list[Act]:
    """ "Seven arrested ... Those arrested were held on suspicion of X": the second sentence
    tells more about the seven (its offence), it is not another act. "Those arrested were
    charged with Y": the charge is an act, of the same seven people."""
    kept: list[Act] = []
    for act in acts:
        if act.reference and act.count is None and act.type == "charge" and act.all_of_them:
            arrested = next(
                (
                    k
                    for k in reversed(kept)
                    if k.type == "arrest" and k.count is not None and not k.vague
                ),
                None,
            )
            if arrested is not None:
                act.count, act.count_span = arrested.count, arrested.count_span
        if act.reference and act.count is None and not act.children:
            target = next(
                (k for k in reversed(kept) if k.type == act.type and k.count is not None), None
            )
            if target is not None:
                if target.offence is None and target.legal_basis in (None, act.legal_basis):
                    if act.offence is not None and act.trigger is not None:
                        # the offence told of these people says what they did better than the
                        # conduct read around the first mention
                        target.trigger, target.trigger_span = None, None
                    _merge(target, act)
                elif target.legal_basis is None and act.legal_basis is not None:
                    target.legal_basis = act.legal_basis
                    target.legal_basis_span = act.legal_basis_span
                continue
        kept.append(act)
    return kept


def _drop_superseded(acts: list[Act]) -> list[Act]:
    """ "Initially, 132 arrests were reported ... a total of 210": the earlier figure goes, and so
    does "At the time, 89 arrests were made" beside later arrests told as they stand now; alone,
    it is the only figure the event has."""
    largest = max(
        (a.count or 0 for a in acts if a.type == "arrest" and not a.earlier_figure), default=0
    )
    return [
        a
        for a in acts
        if not (
            a.type == "arrest"
            and a.earlier_figure
            and a.count is not None
            and largest > 0
            and a.count != largest
        )
    ]


def _fold_bounds_into(total: Act, acts: list[Act]) -> list[Act]:
    """ "More than 200 arrested for failing to disperse ... a total of 210 arrested": the bounded
    figure is the same arrests, told roughly; its offence and trigger join the total."""
    kept = []
    for act in acts:
        if (
            act is not total
            and act.type == "arrest"
            and act.count is None
            and act.bound is not None
            and total.count is not None
            and 0.5 * total.count <= act.bound <= 1.5 * total.count
        ):
            _merge(total, act)
            continue
        kept.append(act)
    return kept


def _same_power(a: Act, b: Act) -> bool:
    """Orders under two sections ("conditions under sections 12 and 14") are two acts."""
    return a.legal_basis is None or b.legal_basis is None or a.legal_basis == b.legal_basis


def _drop_nested(acts: list[Act]) -> list[Act]:
    """ "48 arrested, including six who locked on": the six stay inside the 48."""
    return [
        a
        for a in acts
        if not (
            a.nested
            and any(
                b.type == a.type and not b.nested and (b.count or 0) > (a.count or 0) for b in acts
            )
        )
    ]


def _total_told_before_its_parts(counted: list[Act]) -> Act | None:
    """ "Police arrested 14 people. Six were held for X and three for Y": the 14 is the total
    and the six and the three are parts of it, though they do not add up (the rest is not said,
    so nothing is invented for it)."""
    if len(counted) < 2:
        return None
    first, parts = counted[0], counted[1:]
    if first.additive or first.nested or first.implicit_one or first.count is None:
        return None
    if first.offence or first.legal_basis:
        return None  # "857 held for X and 33 for Y": two groups, not a total and its part
    if any(p.additive or p.sibling is first or (p.count or 0) >= first.count for p in parts):
        return None
    if all(p.implicit_one for p in parts) or sum(p.count or 0 for p in parts) > first.count:
        return None
    return first


def settle_event(acts: list[Act]) -> tuple[list[Act], int | None, Act | None]:
    """The acts an event reports, its total arrests, and the act that stated the total."""
    acts = _dedupe_counts(sorted(acts, key=lambda a: (a.anchor[0], a.segment[0])))
    acts = _drop_superseded(_drop_nested(_fold_references(acts)))
    arrests = [a for a in acts if a.type == "arrest"]
    _link_subsets(arrests)
    present = {id(a) for a in acts}
    counted = [a for a in arrests if a.count is not None]
    total: int | None = None
    total_act: Act | None = None

    for act in counted:
        parts = [c for c in act.children if id(c) in present]
        if parts and sum(c.count or 0 for c in parts) <= act.count:
            total, total_act = act.count, act
            break
    if total is None:
        for act in counted:
            if act.total_marker:
                total, total_act = act.count, act
                break
    if total is None:
        for act in counted:
            others = [b.count for b in counted if b is not act]
            if len(others) >= 2 and sum(others) == act.count:  # type: ignore[arg-type]
                total, total_act = act.count, act
                break

    if total is None:
        total_act = _total_told_before_its_parts(counted)
        total = total_act.count if total_act else None

    if total_act is not None:
        acts = _fold_bounds_into(total_act, acts)
        arrests = [a for a in acts if a.type == "arrest"]
        # The total stands as the act too unless the others say something it does not: "More
        # than a dozen arrested ... A total of 20 people have been arrested" is one act of 20.
        rest = [
            a
            for a in arrests
            if a is not total_act
            and (
                a.count is not None
                or a.offence
                or (a.trigger is not None and a.trigger != total_act.trigger)
            )
        ]
        if rest:
            acts = [a for a in acts if a is not total_act]
    remaining = [a for a in acts if a.type == "arrest"]
    specific = [a for a in remaining if a.count is not None or a.offence is not None]
    if specific:
        # A bare "arrests were made" says nothing the specific acts do not, unless it names a
        # kind of conduct none of them has ("organisers were arrested"); a bare headline
        # ("Arrests outside weapons expo") restates the story below it.
        told = {a.trigger for a in specific}
        acts = [
            a
            for a in acts
            if not (
                a.type == "arrest"
                and a.count is None
                and a.offence is None
                and (a.trigger is None or a.trigger in told or a.headline)
            )
        ]
    if total is None:
        remaining = [a for a in acts if a.type == "arrest"]
        only = remaining[0] if len(remaining) == 1 else None
        # "a further 47 on Sunday" is the whole of its own day's event.
        alone = only is not None and (
            not only.additive or only.sibling is None or id(only.sibling) not in present
        )
        told = only is not None and not (only.implicit_one or only.unwritten)
        if only is not None and only.count is not None and alone and told:
            total, total_act = only.count, only

    # "Three men were charged ... Two with X and one with Y": the three is the sum of its parts.
    charges = [a for a in acts if a.type == "charge" and a.count is not None]
    for act in charges:
        others = [b.count for b in charges if b is not act]
        if len(others) >= 2 and sum(others) == act.count:  # type: ignore[arg-type]
            acts = [a for a in acts if a is not act]
            break

    settled: list[Act] = []
    for act in acts:
        if act.count is None:
            twin = next(
                (
                    k
                    for k in settled
                    if k.type == act.type
                    and k.count is None
                    and k.kind_of == act.kind_of
                    and _same_power(k, act)
                    and (
                        act.type != "arrest"
                        or (k.offence or "").lower() == (act.offence or "").lower()
                    )
                ),
                None,
            )
            if twin is not None:
                _merge(twin, act)
                continue
            if act.type != "arrest":
                counted_twin = next(
                    (
                        k
                        for k in settled
                        if k.type == act.type and k.kind_of == act.kind_of and _same_power(k, act)
                    ),
                    None,
                )
                if counted_twin is not None:
                    _merge(counted_twin, act)
                    continue
        elif act.type != "arrest":
            vague_twin = next(
                (
                    k
                    for k in settled
                    if k.type == act.type and k.count is None and k.kind_of == act.kind_of
                ),
                None,
            )
            if vague_twin is not None:
                settled[settled.index(vague_twin)] = act
                _merge(act, vague_twin)
                continue
        settled.append(act)
    _share_triggers(settled)
    return settled, total, total_act


def _share_triggers(acts: list[Act]) -> None:
    """ "Four were arrested ... the four have been charged with assaulting an officer": an
    arrest and a charge of the same people answer the same conduct, so one that names it tells
    the other's trigger. Same people: the only arrest and the only charge of that count."""
    for count in {a.count for a in acts if a.type == "charge" and a.count is not None}:
        pair = [a for a in acts if a.type in {"arrest", "charge"} and a.count == count]
        arrests = [a for a in pair if a.type == "arrest"]
        if len(pair) != 2 or len(arrests) != 1:
            continue
        told = [a for a in pair if a.trigger is not None]
        if len(told) == 1:
            other = next(a for a in pair if a.trigger is None)
            other.trigger, other.trigger_span = told[0].trigger, told[0].trigger_span
