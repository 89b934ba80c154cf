"""In a big book a company has near-namesakes: those that are other entities stay unmatched."""

from typing import Any

from leadrouter.matching import AccountIndex, MatchResult
from leadrouter.model import Account, Lead
from leadrouter.normalize import normalize_lead

_WORDS = [a + b for a in ("bel", "cor", "dan", "fel", "gar", "hol", "jen", "kor")
          for b in ("ton", "vex", "mar", "lin", "dor", "sen", "wick", "ford")]  # fmt: skip
# Fillers make the book large enough for word weights to mean something.
_FILLERS = [
    Account(id=f"x{i}", name=f"{_WORDS[i % 64]} {_WORDS[i // 64 % 64]} Works") for i in range(300)
]


def _index(*accounts: Account) -> AccountIndex:
    return AccountIndex.build([*_FILLERS, *accounts])


def lead(**raw: str) -> Lead:
    return normalize_lead(raw)


def account(account_id: str, name: str, **fields: Any) -> Account:
    return Account(id=account_id, name=name, **fields)


def messages(result: MatchResult) -> str:
    return " | ".join(note.message for note in result.notes)


def test_match__a_lead_from_abroad_is_not_the_account_its_name_places_in_its_country() -> None:
    index = _index(account("in", "Agfa Healthcare India Private Limited", country="IN"))

    result = index.match(lead(company="Agfa Healthcare", country="Belgium"))

    assert result.match is None
    assert "the account's name places it in IN ('india'), the lead in BE" in messages(result)


def test_match__the_same_lead_from_the_accounts_country_still_matches() -> None:
    index = _index(account("in", "Agfa Healthcare India Private Limited", country="IN"))

    result = index.match(lead(company="Agfa Healthcare", country="India"))

    assert result.match is not None
    assert result.match.account.id == "in"


def test_match__a_lead_inside_a_name_after_another_brand_is_that_brands_company() -> None:
    index = _index(account("ber", "Ber Hays Solar Holdings Inc."))

    result = index.match(lead(company="Hays Solar"))

    assert result.match is None


def test_match__a_lead_after_a_common_first_word_is_still_a_short_name() -> None:
    index = _index(
        account("jd", "John Deere"), account("jl", "John Lewis"), account("js", "John Smith")
    )

    result = index.match(lead(company="Deere"))

    assert result.match is not None
    assert result.match.account.id == "jd"
