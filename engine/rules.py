"""Rule primitives: named predicates that cite their source, explain a refusal and, where only time
stands in the way, say the earliest date the rule will hold.

Rules compute eligibility and arithmetic; they never make the organizational decision themselves.
A vote rule checks the recorded counts against the threshold, it does not vote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from engine.definitions import DurationUnit, Rule, Span, Verdict

if TYPE_CHECKING:
    from engine.calendar import WorkingCalendar


@dataclass(frozen=True)
class EventView:
    """A past act of the case as rules see it."""

    action: str
    on: date
    actor_user_id: int | None
    inputs: Mapping[str, Any]


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may read: the day the step is taken, its inputs, and the case so far."""

    on: date
    inputs: Mapping[str, Any]
    data: Mapping[str, Any]
    events: Sequence[EventView]
    policy: Mapping[str, Any]
    calendar: WorkingCalendar
    entered_on: date
    # What the runtime looked up for the rules: "subject" and "org" (the case's), and "people":
    # every person named by a PERSON field of the inputs, by id (status, dates, extra).
    facts: Mapping[str, Any] = field(default_factory=dict)

    def person(self, field_name: str) -> Mapping[str, Any] | None:
        """The facts of the person a PERSON input field names, or None if absent or unknown."""
        person_id = self.inputs.get(field_name)
        people: Mapping[int, Mapping[str, Any]] = self.facts.get("people", {})
        return people.get(person_id) if isinstance(person_id, int) else None

    def last(self, action: str) -> EventView | None:
        for event in reversed(self.events):
            if event.action == action:
                return event
        return None

    def anchor_date(self, anchor: str) -> date | None:
        """Resolve 'entered', 'data.<key>' or 'event.<action>' to a date, or None if not yet known."""
        if anchor == "entered":
            return self.entered_on
        kind, _, key = anchor.partition(".")
        if kind == "event":
            event = self.last(key)
            if event:
                return event.on
            recorded = self.data.get(key)  # a case imported part-way carries its earlier acts' dates
            on = recorded.get("on") if isinstance(recorded, Mapping) else None
            return date.fromisoformat(on) if isinstance(on, str) else None
        if kind == "data":
            value = self.data.get(key)
            return date.fromisoformat(value) if isinstance(value, str) else value
        raise ValueError(f"unknown anchor {anchor!r}")

    def due(self, anchor: str, span: Span) -> date | None:
        start = self.anchor_date(anchor)
        if start is None:
            return None
        return self.calendar.add(start, span.resolve(self.policy)).day


def rule(
    name: str, citation: str, message: str, *, waivable: bool = False, needs_input: bool = False
) -> Callable[[Callable[[RuleContext], Verdict]], Rule]:
    """Decorator form for a workflow's own small rules: the function is the predicate."""

    def wrap(check: Callable[[RuleContext], Verdict]) -> Rule:
        return Rule(name, citation, message, check, waivable=waivable, needs_input=needs_input)

    return wrap


def elapsed(name: str, anchor: str, span: Span, citation: str, message: str) -> Rule:
    """At least `span` must have passed since `anchor`: refused until then, with that date."""

    def check(ctx: RuleContext) -> Verdict:
        earliest = ctx.due(anchor, span)
        if earliest is None:
            return Verdict.fails("起算日期尚未登记")
        return Verdict.holds() if ctx.on >= earliest else Verdict.fails(earliest=earliest)

    return Rule(name, citation, message, check, time_bound=True)


def within(name: str, anchor: str, span: Span, citation: str, message: str, *, waivable: bool = True) -> Rule:
    """The act must happen no later than `span` after `anchor`; lateness is waivable with a reason."""

    def check(ctx: RuleContext) -> Verdict:
        deadline = ctx.due(anchor, span)
        if deadline is None or ctx.on <= deadline:
            return Verdict.holds()
        return Verdict.fails(f"期限为{deadline.isoformat()}，已逾期{(ctx.on - deadline).days}天")

    return Rule(name, citation, message, check, waivable=waivable)


def not_before(name: str, anchor: str, citation: str, message: str) -> Rule:
    """The act cannot be dated before an earlier act (the record must stay in order)."""

    def check(ctx: RuleContext) -> Verdict:
        start = ctx.anchor_date(anchor)
        if start is None or ctx.on >= start:
            return Verdict.holds()
        return Verdict.fails(f"不得早于{start.isoformat()}")

    return Rule(name, citation, message, check)


def field_is(name: str, field_name: str, expected: Any, citation: str, message: str) -> Rule:
    def check(ctx: RuleContext) -> Verdict:
        return Verdict(ctx.inputs.get(field_name) == expected)

    return Rule(name, citation, message, check, needs_input=True)


def at_least(name: str, field_name: str, minimum: int | str, citation: str, message: str) -> Rule:
    """A counted input (days, hours, people) reaches a floor, fixed or from a policy setting."""

    def check(ctx: RuleContext) -> Verdict:
        floor = int(ctx.policy[minimum]) if isinstance(minimum, str) else minimum
        value = ctx.inputs.get(field_name)
        if isinstance(value, int) and value >= floor:
            return Verdict.holds()
        return Verdict.fails(f"应不少于{floor}，实为{value}")

    return Rule(name, citation, message, check, needs_input=True)


@dataclass(frozen=True)
class VoteFields:
    expected: str = "voters_expected"
    present: str = "voters_present"
    written: str = "written_opinions"
    in_favour: str = "votes_for"


def majority_vote(name: str, citation: str, message: str, fields: VoteFields = VoteFields()) -> Rule:
    """Quorum and majority over N, the voting members who should attend (党章 第七条 arithmetic).

    Present voting members must exceed half of N; votes in favour, written opinions of absent
    voting members included, must exceed half of N. Written opinions do not make the quorum.
    """

    def check(ctx: RuleContext) -> Verdict:
        n = int(ctx.inputs.get(fields.expected, 0))
        present = int(ctx.inputs.get(fields.present, 0))
        written = int(ctx.inputs.get(fields.written, 0) or 0)
        in_favour = int(ctx.inputs.get(fields.in_favour, 0))
        if n <= 0 or present + written > n or in_favour > present + written:
            return Verdict.fails(
                "表决人数不合逻辑：实到与书面意见之和不得超过应到，赞成票不得超过参加表决人数"
            )
        if present * 2 <= n:
            return Verdict.fails(f"实到有表决权的党员{present}人，未超过应到{n}人的半数")
        if in_favour * 2 <= n:
            return Verdict.fails(f"赞成票{in_favour}票，未超过应到有表决权的党员{n}人的半数")
        return Verdict.holds()

    return Rule(name, citation, message, check, needs_input=True)


# The key of `Person.extra` that records how and when a person left the party, e.g.
# {"kind": "removal", "on": "2026-05-20", ...}; kinds are the GLOSSARY names of the measures.
PARTY_EXIT = "party_exit"
READMISSION_BAR = Span(DurationUnit.YEARS, 5, "readmission_bar_years")


def no_recent_removal(
    name: str,
    citation: str,
    message: str,
    *,
    bar: Span = READMISSION_BAR,
    kinds: Sequence[str] = ("removal", "advised_withdrawal"),
) -> Rule:
    """A person removed (除名) or advised to withdraw (劝退) is not admitted again until `bar` has passed
    since that day (处置办法(2024): five years): refused until then, with the first day it holds.

    Reads the subject's `extra[PARTY_EXIT]` from the facts; a record whose measure was rescinded on
    appeal (`rescinded_on`) bars nothing."""

    def check(ctx: RuleContext) -> Verdict:
        extra = (ctx.facts.get("subject") or {}).get("extra") or {}
        record = extra.get(PARTY_EXIT)
        if not isinstance(record, Mapping) or record.get("kind") not in kinds or record.get("rescinded_on"):
            return Verdict.holds()
        left = record.get("on")
        if not isinstance(left, str):
            return Verdict.fails("出党记录缺少日期，请先核实")
        span = bar.resolve(ctx.policy)
        earliest = ctx.calendar.add(date.fromisoformat(left), span).day
        if ctx.on >= earliest:
            return Verdict.holds()
        return Verdict.fails(f"{left}被劝退或除名，{span.zh()}内不得重新入党", earliest)

    return Rule(name, citation, message, check, time_bound=True)


# -- ballots: each count checked on its own, so a refusal names the count that fell short ---------


@dataclass(frozen=True)
class BallotFields(VoteFields):
    """`VoteFields` plus the votes against and the abstentions, so the counts can be added up."""

    against: str = "votes_against"
    abstain: str = "votes_abstain"


def _short_of_half(count: int, n: int) -> int:
    """How many more `count` needs to be more than half of `n` (0 when it already is)."""
    return max(0, n // 2 + 1 - count)


def _counts(ctx: RuleContext, fields: BallotFields) -> tuple[int, int, int, int, int, int]:
    def get(name: str) -> int:
        value = ctx.inputs.get(name)
        return value if isinstance(value, int) else 0

    return (
        get(fields.expected),
        get(fields.present),
        get(fields.written),
        get(fields.in_favour),
        get(fields.against),
        get(fields.abstain),
    )


def ballot_consistent(name: str, citation: str, message: str, fields: BallotFields = BallotFields()) -> Rule:
    """The recorded counts add up: those present and the written opinions of absentees are at most N,
    and every one of them is counted once, for, against or abstaining.

    `majority_vote` checks a looser bound; a resolution that records against and abstain too (细则
    第二十一条) must add up exactly, or the quorum and majority computed from it mean nothing."""

    def check(ctx: RuleContext) -> Verdict:
        n, present, written, in_favour, against, abstain = _counts(ctx, fields)
        if present + written > n:
            return Verdict.fails(f"实到{present}人与书面意见{written}份之和超过应到{n}人")
        if in_favour + against + abstain != present + written:
            return Verdict.fails(
                f"赞成{in_favour}、反对{against}、弃权{abstain}之和应等于实到人数与书面意见数之和"
                f"{present + written}"
            )
        return Verdict.holds()

    return Rule(name, citation, message, check, needs_input=True)


def ballot_quorum(
    name: str,
    citation: str,
    message: str,
    fields: BallotFields = BallotFields(),
    *,
    written_in_quorum: bool | Callable[[RuleContext], bool] = False,
    voters: str = "有表决权的党员",
) -> Rule:
    """More than half of N, the voting members who should attend, are present; a refusal says how
    many were missing. Whether absentees' written opinions make the quorum is not settled by the
    texts (REGULATIONS §1 row 13 [?]): `written_in_quorum` is fixed or read from the policy.
    `voters` names who votes in the refusal (a 党委 votes with its members, "党委委员")."""

    def check(ctx: RuleContext) -> Verdict:
        n, present, written, *_ = _counts(ctx, fields)
        counts_written = written_in_quorum(ctx) if callable(written_in_quorum) else written_in_quorum
        attending = present + written if counts_written else present
        short = _short_of_half(attending, n)
        if short == 0:
            return Verdict.holds()
        note = "" if counts_written or not written else "，书面意见不计入到会人数"
        return Verdict.fails(f"应到{voters}{n}人，实到{present}人，未超过半数，还差{short}人{note}")

    return Rule(name, citation, message, check, needs_input=True)


def ballot_majority(
    name: str,
    citation: str,
    message: str,
    fields: BallotFields = BallotFields(),
    *,
    voters: str = "有表决权的党员",
) -> Rule:
    """Votes in favour, absentees' written opinions included, are more than half of N (not of those
    present); a refusal says how many votes were missing."""

    def check(ctx: RuleContext) -> Verdict:
        n, _present, _written, in_favour, *_ = _counts(ctx, fields)
        short = _short_of_half(in_favour, n)
        if short == 0:
            return Verdict.holds()
        return Verdict.fails(f"应到{voters}{n}人，赞成{in_favour}票，未超过半数，还差{short}票")

    return Rule(name, citation, message, check, needs_input=True)
