"""Evaluation semantics of compiled conditions: missing fields, case, ISO codes, lists, regexes."""

from __future__ import annotations

import pytest

from tests.policy.factories import compile_, condition, holds

SETS = 'sets:\n  EMEA: [GB, DE, "Netherlands"]\n  big: [1000, 5000]\n'
WEST = (
    "territories:\n"
    '  us_west: {countries: [US], states: [CA, Oregon], postal_codes: ["97*", "98000-98999"]}\n'
    '  zips: {postal_codes: ["500-1500", "A10-A20", "10115"]}\n'
    "  dach: {countries: [DE, Austria, CH]}\n"
)


@pytest.mark.parametrize(
    "when",
    [
        'country == "US"',
        'country != "US"',
        "country in [US, CA]",
        "country not in [US, CA]",
        'industry contains "fin"',
        'email ends with ".edu"',
        'email matches "@acme"',
        "employees >= 10",
        "employees != 10",
        'product_interest contains "api"',
        "product_interest in [api]",
        "product_interest not in [api]",
        "account.owner == existing.owner",
    ],
)
def test_comparison__is_false_when_its_field_is_missing_whatever_the_operator(when: str) -> None:
    assert not holds(when)


def test_not__is_plain_negation_so_it_holds_for_a_missing_field() -> None:
    assert holds('not (country == "US")')
    assert not holds('country is present and country != "US"')


def test_is_missing_and_is_present__test_whether_the_lead_has_the_field() -> None:
    assert holds("phone is missing")
    assert not holds("phone is missing", phone="+14155550100")
    assert holds("phone is present", phone="+14155550100")


def test_string_comparisons__ignore_case_of_both_value_and_literal() -> None:
    assert holds('industry == "FinTech"', industry="fintech")
    assert holds('industry in ["BANKING", Fintech]', industry="FINTECH")
    assert holds('email starts with "JO"', email="jo@tiny.io")
    assert holds('company contains "ACME"', company="The Acme Corp")
    assert holds('email matches "^JO@"', email="jo@tiny.io")
    assert holds('product_interest contains "API"', product_interest=("Api", "sdk"))


def test_matches__keeps_regex_backslashes_and_searches_anywhere_in_the_value() -> None:
    assert holds('postal_code matches "^\\d{5}$"', postal_code="97201")
    assert not holds('postal_code matches "^\\d{5}$"', postal_code="SW1A 1AA")
    assert holds('email matches "\\.edu$"', email="jo@mit.edu")
    assert holds('company matches "it\\"s"', company='It"s Here')


def test_country_literals__are_normalized_to_iso_codes_at_compile_time() -> None:
    assert holds('country == "Germany"', country="DE")
    assert holds('country in ["United Kingdom", USA]', country="US")
    assert holds('account.country != "Deutschland"', account__country="FR")


def test_state_literals__are_normalized_to_iso_3166_2_codes() -> None:
    assert holds('state == "California"', state="US-CA")
    assert holds("state in [US-OR, Bavaria]", state="DE-BY")


def test_set_members__become_country_codes_only_when_compared_with_country() -> None:
    assert holds("country in EMEA", SETS, country="NL")
    assert not holds("country not in EMEA", SETS, country="NL")
    assert holds("company in EMEA", SETS, company="netherlands")


def test_number_sets_and_suffixed_literals__compare_as_numbers() -> None:
    assert holds("employees in big", SETS, employees=5000.0)
    assert holds("revenue >= 1.5M and revenue < 2B", revenue=1_500_000.0)
    assert holds("employees > 5k", employees=5001.0)
    assert not holds("employees > 5k", employees=5000.0)


def test_list_field_in_a_list__holds_when_any_item_is_in_it() -> None:
    assert holds("product_interest in [api, sdk]", product_interest=("crm", "API"))
    assert not holds("product_interest in [api, sdk]", product_interest=("crm",))
    assert holds("product_interest not in [api]", product_interest=())


def test_bool_field_alone__is_a_condition_true_only_when_the_value_is_true() -> None:
    assert holds("free_email", free_email=True)
    assert not holds("free_email", free_email=False)
    assert holds("not free_email and account.matched", free_email=False, account__matched=True)
    assert holds("mql == true", mql=True)


def test_two_fields__compare_with_each_other_ignoring_case() -> None:
    assert holds("account.owner == existing.owner", account__owner="ANA", existing__owner="ana")
    assert holds("employees_max > employees_min", employees_min=10.0, employees_max=50.0)


def test_and__binds_tighter_than_or() -> None:
    when = 'country == "US" or country == "CA" and employees > 100'
    assert holds(when, country="US", employees=1.0)
    assert not holds(when, country="CA", employees=1.0)


def test_not__binds_tighter_than_and_but_looser_than_comparison() -> None:
    assert holds('not country == "US" and employees > 1', country="CA", employees=2.0)
    assert not holds('not (country == "US" and employees > 1)', country="US", employees=2.0)


def test_keywords__may_be_written_in_capitals() -> None:
    assert holds('country == "US" AND NOT free_email', country="US", free_email=False)


def test_territory__with_countries_only_is_a_country_lookup() -> None:
    assert holds("dach", WEST, country="AT")
    assert not holds("dach", WEST, country="FR")
    assert not holds("dach", WEST)


def test_territory__needs_its_country_and_then_a_state_or_a_postal_code() -> None:
    assert holds("us_west", WEST, country="US", state="US-CA")
    assert holds("us_west", WEST, country="US", state="US-OR")
    assert holds("us_west", WEST, country="US", postal_code="97201")
    assert holds("us_west", WEST, country="US", postal_code="98101")
    assert not holds("us_west", WEST, country="US", state="US-NY", postal_code="10001")
    assert not holds("us_west", WEST, country="CA", state="US-CA")


def test_postal_ranges__compare_digit_codes_as_numbers_and_others_as_text() -> None:
    assert holds("zips", WEST, postal_code="981")
    assert holds("zips", WEST, postal_code="1500")
    assert not holds("zips", WEST, postal_code="1501")
    assert holds("zips", WEST, postal_code="a15")
    assert not holds("zips", WEST, postal_code="A21")
    assert holds("zips", WEST, postal_code="10115")


def test_clauses__are_the_top_level_conjuncts_with_their_text_and_fields() -> None:
    found = condition('country in [US] and employees >= 1000 and (free_email or form == "demo")')
    assert [c.source for c in found.clauses] == [
        "country in [US]",
        "employees >= 1000",
        '(free_email or form == "demo")',
    ]
    assert [c.fields for c in found.clauses] == [
        ("country",),
        ("employees",),
        ("free_email", "form"),
    ]


def test_first_false__names_the_clause_that_stopped_the_rule() -> None:
    found = condition('country == "US" and employees >= 1000')
    assert found.first_false({"country": "US", "employees": 10.0}) == 1


def test_always__compiles_to_a_condition_without_clauses() -> None:
    policy = compile_(
        """
        version: "1"
        fallback_queue: unrouted
        rules:
          - {id: everyone, when: always, route: queue unrouted}
        """
    )
    assert policy.rules[0].condition.always


def test_condition__categorical_literals_are_written_as_normalization_writes_leads():
    from leadrouter.normalize import normalize_lead

    cond = condition(
        "form == 'Demo Request' and industry in ['Financial Services', E-Commerce]"
        " and product_interest contains 'API Platform'"
    )
    lead = normalize_lead(
        {
            "form": "demo-request",
            "industry": "financial services",
            "product_interest": "API platform; CRM",
            "email": "a@b.io",
        }
    )

    assert cond.first_false(lead.fields) == -1
