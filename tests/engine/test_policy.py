"""Policy profiles: the rule set in force on a day, regional additions, and refusing any relaxation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from engine.errors import DefinitionError, NotFound
from engine.policy import PolicyProfile, RuleSet, Setting, Stricter
from engine.registry import Registry

SETTINGS = (
    Setting("notice_period_working_days", "公示期（工作日）", Stricter.HIGHER, "细则 第十三条"),
    Setting("letter_validity_days", "介绍信有效期（日）", Stricter.LOWER, "组织关系转接 第五条"),
    Setting("talk_required", "须经谈话", Stricter.TRUE, "细则 第八条"),
    Setting("form_colour", "表格底色", Stricter.NONE, "地方自定"),
)
OLD = RuleSet(
    "细则(2014)",
    date(2014, 6, 10),
    {"notice_period_working_days": 5, "letter_validity_days": 90, "talk_required": True},
)
NEW = RuleSet(
    "细则(2026)",
    date(2026, 5, 11),
    {"notice_period_working_days": 5, "letter_validity_days": 60, "talk_required": True},
)
NATIONAL = PolicyProfile("national", "1", "全国统一规定", SETTINGS, (NEW, OLD))  # order must not matter


def _regional(**additions: object) -> PolicyProfile:
    return PolicyProfile("gansu", "1", "甘肃省补充规定", SETTINGS, (OLD, NEW), additions)


def test_the_rule_set_in_force_is_picked_by_its_effective_date() -> None:
    assert NATIONAL.ruleset_on(date(2026, 5, 10)).name == "细则(2014)"
    assert NATIONAL.ruleset_on(date(2026, 5, 11)).name == "细则(2026)"
    assert NATIONAL.values_on(date(2026, 5, 10))["letter_validity_days"] == 90
    assert NATIONAL.values_on(date(2026, 5, 11))["letter_validity_days"] == 60
    assert NATIONAL.label_on(date(2026, 5, 11)) == "national@1/细则(2026)"


def test_a_day_before_every_rule_set_falls_back_to_the_earliest() -> None:
    assert NATIONAL.ruleset_on(date(2000, 1, 1)).name == "细则(2014)"


def test_regional_additions_overlay_the_national_values_of_the_day() -> None:
    gansu = _regional(notice_period_working_days=7, form_colour="red")
    assert gansu.values_on(date(2026, 5, 10)) == {
        "notice_period_working_days": 7,
        "letter_validity_days": 90,
        "talk_required": True,
        "form_colour": "red",
    }
    assert gansu.values_on(date(2026, 5, 11))["letter_validity_days"] == 60
    assert gansu.values_on(date(2026, 5, 11))["notice_period_working_days"] == 7
    assert NATIONAL.values_on(date(2026, 5, 11))["notice_period_working_days"] == 5  # untouched


def test_a_shorter_notice_period_than_the_national_minimum_is_reported_and_refused() -> None:
    looser = _regional(notice_period_working_days=3)
    assert looser.problems() == [
        "gansu: notice_period_working_days=3 relaxes the national value 5 of 细则(2014) (细则 第十三条)",
        "gansu: notice_period_working_days=3 relaxes the national value 5 of 细则(2026) (细则 第十三条)",
    ]
    registry = Registry()
    with pytest.raises(DefinitionError) as refused:
        registry.add_profile(looser)
    assert refused.value.problems == looser.problems()
    assert "gansu 1" in refused.value.message
    with pytest.raises(NotFound):
        registry.profile("gansu")


def test_a_longer_validity_than_the_national_maximum_is_reported_and_refused() -> None:
    looser = _regional(letter_validity_days=120)
    problems = looser.problems()
    assert problems == [
        "gansu: letter_validity_days=120 relaxes the national value 90 of 细则(2014) (组织关系转接 第五条)",
        "gansu: letter_validity_days=120 relaxes the national value 60 of 细则(2026) (组织关系转接 第五条)",
    ]
    with pytest.raises(DefinitionError):
        Registry().add_profile(looser)


def test_a_validity_between_the_old_and_new_maximum_relaxes_only_the_new_rule_set() -> None:
    assert _regional(letter_validity_days=75).problems() == [
        "gansu: letter_validity_days=75 relaxes the national value 60 of 细则(2026) (组织关系转接 第五条)"
    ]


def test_turning_off_a_national_requirement_is_reported_and_refused() -> None:
    looser = _regional(talk_required=False)
    assert [p.split(" relaxes ")[0] for p in looser.problems()] == ["gansu: talk_required=False"] * 2
    with pytest.raises(DefinitionError):
        Registry().add_profile(looser)


def test_a_requirement_the_nation_leaves_off_may_be_turned_on_but_not_relaxed_further() -> None:
    optional = (replace(OLD, values={**OLD.values, "talk_required": False}),)
    profile = PolicyProfile("gansu", "1", "甘肃省补充规定", SETTINGS, optional, {"talk_required": True})
    assert profile.problems() == []
    assert replace(profile, additions={"talk_required": False}).problems() == []


def test_stricter_regional_additions_are_accepted_and_become_the_current_profile() -> None:
    stricter = _regional(
        notice_period_working_days=7, letter_validity_days=30, talk_required=True, form_colour="red"
    )
    assert stricter.problems() == []
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add_profile(stricter)
    assert registry.profile("gansu") is stricter
    assert registry.profile("national") is NATIONAL


def test_an_equal_value_is_as_strict_as_the_national_one() -> None:
    assert _regional(notice_period_working_days=5, letter_validity_days=60).problems() == []


def test_an_unknown_setting_key_is_reported_in_additions_and_in_rule_sets() -> None:
    assert _regional(notice_period_days=7).problems() == ["gansu: unknown setting 'notice_period_days'"]
    typo = PolicyProfile(
        "national", "2", "全国统一规定", SETTINGS, (replace(NEW, values={"notice_days": 5}),)
    )
    assert typo.problems() == ["细则(2026): unknown setting 'notice_days'"]
    with pytest.raises(DefinitionError) as refused:
        Registry().add_profile(typo)
    assert refused.value.problems == ["细则(2026): unknown setting 'notice_days'"]
