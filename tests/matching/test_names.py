import pytest

from leadrouter.matching.names import company_name, is_identifier


def tokens(text: str) -> tuple[str, ...] | None:
    name = company_name(text)
    return None if name is None else name.tokens


@pytest.mark.parametrize(
    "text",
    [
        "Acme Inc",
        "ACME, Inc.",
        "Acme LLC",
        "Acme L.L.C.",
        "Acme Ltd",
        "Acme Limited",
        "Acme GmbH",
        "Acme G.m.b.H.",
        "Acme GmbH & Co. KG",
        "Acme S.A.",
        "Acme SA",
        "Acme S.A.S.",
        "Acme SAS",
        "Acme Sp. z o.o.",
        "Acme K.K.",
        "Acme Kabushiki Kaisha",
        "Acme Pty Ltd",
        "Acme Pty. Ltd.",
        "Acme AG",
        "Acme Aktiengesellschaft",
        "Acme BV",
        "Acme B.V.",
        "Acme AB",
        "Acme Oy",
        "Acme Oyj",
        "Acme S.r.l.",
        "Acme S.p.A.",
        "Acme PLC",
        "Acme Private Limited",
        "PT Acme",
        "OOO Acme",
        "The Acme Company",
        "Acme Corporaton",
    ],
)
def test_company_name__strips_legal_forms_of_many_languages(text: str) -> None:
    assert tokens(text) == ("acme",)


def test_company_name__folds_accents_case_and_ampersand() -> None:
    assert tokens("MÜLLER & Söhne GmbH") == tokens("Muller and Sohne")


def test_company_name__writes_out_common_abbreviations() -> None:
    assert tokens("Acme Intl Mfg") == ("acme", "international", "manufacturing")


def test_company_name__keeps_a_name_that_is_only_a_legal_form_word() -> None:
    assert tokens("Holding AG") == ("holding",)


@pytest.mark.parametrize(
    "text", ["n/a", "-", "test", "asdf", "none", "unknown", "self", "Self-employed", "private",
             "individual", "aaaa", "123", "?", "  "],
)  # fmt: skip
def test_company_name__is_none_for_placeholders(text: str) -> None:
    assert company_name(text) is None


@pytest.mark.parametrize(
    ("token", "expected"),
    [("ii", True), ("iv", True), ("lxiii", True), ("cxl", True), ("2", True), ("1952f", True),
     ("a", True), ("acme", False), ("mix", False), ("civil", False), ("dim", False)],
)  # fmt: skip
def test_is_identifier__marks_numbers_roman_numerals_and_letters(
    token: str, expected: bool
) -> None:
    assert is_identifier(token) is expected


def test_company_name__keeps_a_place_that_cleanco_lists_as_a_legal_form() -> None:
    assert tokens("Tetra Pak Processing UK Limited") == ("tetra", "pak", "processing", "uk")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Acme Co., Ltd.", "co ltd"),
        ("ACME Company Limited", "co ltd"),
        ("Acme GmbH & Co. KG", "gmbh & co kg"),
        ("PT Acme Tbk", "pt tbk"),
        ("Acme", ""),
    ],
)
def test_company_name__keeps_the_legal_form_in_one_spelling(text: str, form: str) -> None:
    name = company_name(text)

    assert name is not None and name.legal_form == form
