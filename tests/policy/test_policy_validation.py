"""Every problem policy.yaml can have is reported with its file, line, column and field path."""

from __future__ import annotations

from tests.policy.factories import (
    CATCH_ALL,
    HEADER,
    WHEN_COLUMN,
    problem,
    problems,
    when_problem,
)


def where(error: object) -> tuple[int, int, str]:
    return error.line, error.column, error.field  # type: ignore[attr-defined]


# ---------------------------------------------------------------- YAML and document shape


def test_yaml_with_a_tab__is_reported_at_the_tab() -> None:
    error = problem('version: "1"\nrules:\n\t- id: x\n')
    assert (error.line, error.column) == (3, 1)
    assert "tabs" in error.message


def test_duplicate_key__is_reported_at_the_second_occurrence() -> None:
    error = problem('version: "1"\nfallback_queue: unrouted\nversion: "2"\n')
    assert (error.line, error.column) == (3, 1)
    assert "duplicate key" in error.message


def test_bad_indentation__is_reported_with_the_yaml_parser_position() -> None:
    error = problem("rules:\n  - id: x\n    route: queue unrouted\n   when: a\n")
    assert error.line == 4
    assert error.message.startswith("invalid YAML")


def test_unknown_top_level_key__suggests_the_closest_known_key() -> None:
    found = problems(HEADER + "rules:\n" + CATCH_ALL + "scorng: {}\n")
    assert [(e.line, e.column, e.message) for e in found] == [
        (5, 1, "unknown key 'scorng' (did you mean 'scoring'?)")
    ]


def test_misspelled_key__reports_the_unknown_key_and_the_missing_one() -> None:
    found = problems(HEADER + "rules:\n  - id: x\n    rout: queue unrouted\n" + CATCH_ALL)
    assert [(e.line, e.column, e.field, e.message) for e in found] == [
        (4, 5, "rules[0].route", "missing required key 'route'"),
        (5, 5, "rules[0].rout", "unknown key 'rout' (did you mean 'route'?)"),
    ]


def test_missing_version__is_reported_at_the_document_start() -> None:
    error = problem("fallback_queue: unrouted\nrules:\n" + CATCH_ALL)
    assert where(error) == (1, 1, "version")
    assert error.message == "missing required key 'version'"


def test_missing_fallback_queue__is_reported() -> None:
    error = problem('version: "1"\nrules:\n' + CATCH_ALL)
    assert error.field == "fallback_queue"
    assert error.message == "missing required key 'fallback_queue'"


def test_unknown_fallback_queue__is_reported_at_its_value_with_a_suggestion() -> None:
    error = problem('version: "1"\nfallback_queue: unroutd\nrules:\n' + CATCH_ALL)
    assert where(error) == (2, 17, "fallback_queue")
    assert error.message == "unknown queue 'unroutd' (did you mean 'unrouted'?)"


def test_wrong_type__points_at_the_value() -> None:
    error = problem(
        HEADER
        + "scoring:\n  fit:\n    - {when: employees > 10, points: ten}\n"
        + "rules:\n"
        + CATCH_ALL
    )
    assert where(error) == (5, 38, "scoring.fit[0].points")
    assert error.message == "expected a number, got the text 'ten'"


def test_version_written_as_a_number__asks_for_quotes() -> None:
    error = problem("version: 2026.10\nfallback_queue: unrouted\nrules:\n" + CATCH_ALL)
    assert where(error) == (1, 10, "version")
    assert "put it in quotes" in error.message


def test_every_problem__is_reported_not_just_the_first() -> None:
    found = problems(
        HEADER
        + "rules:\n"
        + "  - {id: a, when: contry == US, route: pool nope}\n"
        + "  - {id: a, route: queue nowhere}\n"
    )
    assert [e.field for e in found] == [
        "rules[0].when",
        "rules[0].when",
        "rules[0].route",
        "rules[1].id",
        "rules[1].route",
    ]


# ---------------------------------------------------------------- routes and ids


def test_unknown_pool_in_a_route__points_at_the_pool_id() -> None:
    error = problem(HEADER + "rules:\n  - {id: x, route: pool naa}\n" + CATCH_ALL)
    assert where(error) == (4, 25, "rules[0].route")
    assert error.message == "unknown pool 'naa' (did you mean 'na'?)"


def test_unknown_rep_in_a_route__is_reported() -> None:
    error = problem(HEADER + "rules:\n  - {id: x, route: rep anna}\n" + CATCH_ALL)
    assert where(error) == (4, 24, "rules[0].route")
    assert error.message == "unknown rep 'anna' (did you mean 'ana'?)"


def test_unknown_queue_in_otherwise__is_reported() -> None:
    error = problem(
        HEADER
        + "rules:\n  - {id: x, route: account owner, otherwise: nurture nurtur}\n"
        + CATCH_ALL
    )
    assert where(error) == (4, 54, "rules[0].otherwise")
    assert error.message == "unknown queue 'nurtur' (did you mean 'nurture'?)"


def test_unknown_rep_in_otherwise__is_reported() -> None:
    error = problem(
        HEADER + "rules:\n  - {id: x, route: existing owner, otherwise: rep bbo}\n" + CATCH_ALL
    )
    assert where(error) == (4, 51, "rules[0].otherwise")
    assert error.message == "unknown rep 'bbo' (did you mean 'bob'?)"


def test_unknown_route_kind__lists_the_routes_there_are() -> None:
    error = problem(HEADER + "rules:\n  - {id: x, route: poool na}\n" + CATCH_ALL)
    assert error.message.startswith("unknown route 'poool na' (did you mean 'pool'?)")


def test_backup__is_only_allowed_in_otherwise() -> None:
    error = problem(HEADER + "rules:\n  - {id: x, route: backup}\n" + CATCH_ALL)
    assert where(error) == (4, 20, "rules[0].route")
    assert "only allowed in 'otherwise'" in error.message


def test_manager_in_otherwise__needs_an_owner_route() -> None:
    error = problem(
        HEADER + "rules:\n  - {id: x, when: mql, route: pool na, otherwise: manager}\n" + CATCH_ALL
    )
    assert error.field == "rules[0].otherwise"
    assert "needs an owner or a rep" in error.message


def test_duplicate_rule_id__names_the_first_line() -> None:
    error = problem(
        HEADER
        + "rules:\n  - {id: x, when: free_email, route: pool na}\n  - {id: x, route: pool na}\n"
    )
    assert where(error) == (5, 10, "rules[1].id")
    assert error.message == "duplicate rule id 'x' (first at line 4)"


def test_rule_after_an_unconditional_rule__is_unreachable() -> None:
    error = problem(HEADER + "rules:\n" + CATCH_ALL + "  - {id: late, route: pool na}\n")
    assert where(error) == (5, 10, "rules[1].id")
    assert error.message == "unreachable: rule 'late' after 'catch-all', which always matches"


def test_unconditional_owner_rule__does_not_make_later_rules_unreachable() -> None:
    found = problems(
        HEADER + "rules:\n  - {id: own, route: account owner}\n" + CATCH_ALL + "x: 1\n"
    )
    assert [e.message for e in found] == ["unknown key 'x'"]


def test_last_rule_with_a_condition__is_a_missing_catch_all() -> None:
    error = problem(HEADER + "rules:\n  - {id: only, when: free_email, route: pool na}\n")
    assert where(error) == (4, 5, "rules[0]")
    assert error.message.startswith("the last rule must have no 'when'")


def test_last_rule_routing_to_an_owner_without_otherwise__is_a_missing_catch_all() -> None:
    error = problem(HEADER + "rules:\n  - {id: own, route: account owner}\n")
    assert "owner who may be missing" in error.message


# ---------------------------------------------------------------- conditions


def test_unknown_field__points_inside_the_expression_with_a_suggestion() -> None:
    error = when_problem("free_email and contry == 'US'")
    assert where(error) == (4, WHEN_COLUMN + 15, "rules[0].when")
    assert error.message == "unknown field 'contry' (did you mean 'country'?)"


def test_unknown_field_in_a_plain_scalar__points_inside_the_expression() -> None:
    error = problem(
        HEADER + "rules:\n  - id: x\n    when: emplyees > 5\n    route: pool na\n" + CATCH_ALL
    )
    assert where(error) == (5, 11, "rules[0].when")
    assert error.message == "unknown field 'emplyees' (did you mean 'employees'?)"


def test_error_in_a_block_scalar__points_at_the_scalar_line() -> None:
    error = problem(
        HEADER + "rules:\n  - id: x\n    when: >\n      free_email and\n      emplyees > 5\n"
        "    route: pool na\n" + CATCH_ALL
    )
    assert (error.line, error.field) == (5, "rules[0].when")


def test_number_field_compared_with_text__is_a_type_error_at_the_literal() -> None:
    error = when_problem("employees >= '1000'")
    assert error.column == WHEN_COLUMN + 13
    assert error.message == "'employees' holds a number, not the text '1000'"


def test_text_field_compared_with_a_number__asks_for_quotes() -> None:
    error = when_problem("postal_code == 97201")
    assert error.column == WHEN_COLUMN + 15
    assert error.message == "'postal_code' holds text, not the number 97201 (put it in quotes)"


def test_contains_on_a_number__is_reported_at_the_operator() -> None:
    error = when_problem("employees contains '5'")
    assert error.column == WHEN_COLUMN + 10
    assert error.message == "'contains' needs text, and 'employees' holds a number"


def test_in_a_list_of_another_type__points_at_the_offending_element() -> None:
    error = when_problem("employees in [10, big, 30]")
    assert error.column == WHEN_COLUMN + 18
    assert error.message == "'employees' holds a number, not the text 'big'"


def test_in_a_set_of_another_type__points_at_the_set_member() -> None:
    error = when_problem("industry in sizes", "sets:\n  sizes: [10, fintech]\n")
    assert where(error) == (4, 11, "sets.sizes[0]")
    assert error.message == "'industry' holds text, not the number 10 (put it in quotes)"


def test_bool_compared_with_less_than__is_reported() -> None:
    error = when_problem("free_email < 3")
    assert error.column == WHEN_COLUMN + 11
    assert error.message == "'<' compares numbers, and 'free_email' holds true/false"


def test_regex_that_does_not_compile__points_into_the_pattern() -> None:
    error = when_problem("email matches 'a(b'")
    assert error.column == WHEN_COLUMN + 16
    assert error.message.startswith("invalid regular expression: missing )")


def test_unknown_set__suggests_the_closest_set() -> None:
    error = when_problem("country in EMEAA", "sets:\n  EMEA: [DE]\n")
    assert error.column == WHEN_COLUMN + 11
    assert error.message == "'EMEAA' is an unknown set (did you mean 'EMEA'?)"


def test_unknown_territory__is_an_unknown_name_with_a_suggestion() -> None:
    error = when_problem("us_wst", "territories:\n  us_west: {countries: [US]}\n")
    assert error.message == "unknown name 'us_wst' (did you mean 'us_west'?)"


def test_set_used_as_a_condition__says_how_to_use_it() -> None:
    error = when_problem("EMEA", "sets:\n  EMEA: [DE]\n")
    assert error.message == "'EMEA' is a set, not a condition: write '<field> in EMEA'"


def test_unknown_country_literal__points_at_the_literal() -> None:
    error = when_problem("country == 'Germny'")
    assert error.column == WHEN_COLUMN + 11
    assert error.message == "unknown country 'Germny' (did you mean 'DE', Germany?)"


def test_unknown_country_in_a_set__points_at_the_member() -> None:
    error = when_problem("country in EMEA", "sets:\n  EMEA: [DE, Narnia]\n")
    assert where(error) == (4, 14, "sets.EMEA[1]")
    assert error.message == "unknown country 'Narnia'"


def test_syntax_error__points_at_the_unexpected_token() -> None:
    error = when_problem("country == 'US' and and free_email")
    assert error.column == WHEN_COLUMN + 20
    assert error.message == "expected a field name, a territory, 'not' or '(', found 'and'"


def test_single_equals__suggests_double_equals() -> None:
    error = when_problem("country = 'US'")
    assert error.column == WHEN_COLUMN + 8
    assert error.message == "unexpected character '='; compare with =="


def test_unclosed_string__points_at_its_opening_quote() -> None:
    error = when_problem("country == 'US")
    assert error.column == WHEN_COLUMN + 11
    assert error.message == "text opened with ' is never closed"


def test_non_bool_field_alone__is_not_a_condition() -> None:
    error = when_problem("employees")
    assert error.message.startswith("'employees' is a number, not a condition")


def test_scoring_condition_reading_the_score__is_circular() -> None:
    error = problem(
        HEADER + "scoring:\n  fit:\n    - {when: score > 10, points: 5}\nrules:\n" + CATCH_ALL
    )
    assert where(error) == (5, 14, "scoring.fit[0].when")
    assert error.message == "scoring cannot use 'score': it is computed from the score"


def test_empty_when__asks_for_always_or_no_when() -> None:
    error = problem(HEADER + "rules:\n  - {id: x, when: , route: pool na}\n" + CATCH_ALL)
    assert error.field == "rules[0].when"


# ---------------------------------------------------------------- names and test cases


def test_custom_field_shadowing_a_lead_field__is_reported() -> None:
    error = problem(HEADER + "fields: {email: string}\nrules:\n" + CATCH_ALL)
    assert where(error) == (3, 10, "fields.email")


def test_custom_field_with_an_unknown_type__suggests_one() -> None:
    error = problem(HEADER + "fields: {budget: nummber}\nrules:\n" + CATCH_ALL)
    assert error.message.startswith("unknown value 'nummber' (did you mean 'number'?)")


def test_test_case_expecting_unknown_things__reports_each_at_its_value() -> None:
    found = problems(
        HEADER
        + "rules:\n"
        + CATCH_ALL
        + "tests:\n"
        + "  - name: t\n"
        + "    lead: {email: jo@tiny.io}\n"
        + "    expect: {rule: catchall, owner: anna, queue: nope, pool: nah, kind: rpe, who: x}\n"
    )
    assert [(e.line, e.column, e.field) for e in found] == [
        (8, 20, "tests[0].expect.rule"),
        (8, 37, "tests[0].expect.owner"),
        (8, 50, "tests[0].expect.queue"),
        (8, 62, "tests[0].expect.pool"),
        (8, 73, "tests[0].expect.kind"),
        (8, 78, "tests[0].expect.who"),
    ]
    assert found[0].message == "unknown rule 'catchall' (did you mean 'catch-all'?)"
    assert found[5].message == "unknown key 'who'"
