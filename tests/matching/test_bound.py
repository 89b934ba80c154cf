"""The cheap bound that spares most full comparisons never spares one that could reach the bar."""

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.matching import AccountIndex
from leadrouter.matching.bound import may_reach, sketch
from leadrouter.matching.lookup import lead_words
from leadrouter.matching.names import company_name
from leadrouter.matching.similarity import compare
from leadrouter.model import Account

# Names that share words, start alike, join and split, and spell initials.
NAMES = (
    "Scottish Power",
    "ScottishPower Renewables",
    "Capgemini",
    "Capgemini Portugal",
    "Cushman and Wakefield",
    "Carnegie Mellon University",
    "Three6five Network",
    "Alpha Growth Feeder Fund",
    "Alpha Growth Fund",
    "Mercadolibre",
    "Technologies Holding",
    "Sitel Group",
    "Mitel Networks",
    "Banco de Portugal",
    "Westinghouse Air Brake Technologies",
    "Rexel Holdings",
    "Fund 2 Alpha",
    "Centre de Distribution de la Morinie",
    "Johnson and Johnson",
    "GG Industries",
)
WORDS = sorted(
    {w for name in NAMES for w in name.lower().split()}
    | {
        "group",
        "uk",
        "sales",
        "the",
        "of",
        "and",
        "fund",
        "12",
        "cmu",
        "mercado",
        "libre",
        "de",
        "g",
    }
)
INDEX = AccountIndex.build(Account(id=f"a{n}", name=name) for n, name in enumerate(NAMES))


def _typo(word: str, at: int, letter: str) -> str:
    at %= len(word)
    return word[:at] + letter + word[at + 1 :]


lead_word = st.one_of(
    st.sampled_from(WORDS),
    st.builds(_typo, st.sampled_from(WORDS), st.integers(0, 12), st.sampled_from("aeiostx")),
    st.builds(lambda a, b: a + b, st.sampled_from(WORDS), st.sampled_from(WORDS)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(lead_word, min_size=1, max_size=5), st.sampled_from((0.5, 0.73, 0.8)))
def test_may_reach__false_only_when_the_comparison_scores_below_the_floor(
    words: list[str], floor: float
) -> None:
    name = company_name(" ".join(words))
    if name is None:
        return
    lead = lead_words(INDEX, name.tokens)
    drawn, similar = sketch(lead), {}
    for entry in range(len(INDEX._entry_tokens)):
        if not may_reach(INDEX, drawn, entry, floor, similar):
            score = compare(INDEX, lead, entry, {}, None, name.parts).score
            assert score < floor, (words, INDEX._entry_text[entry], score)


def test_may_reach__rules_out_a_name_that_shares_only_a_place() -> None:
    name = company_name("Capgemini Portugal")
    assert name is not None
    lead = lead_words(INDEX, name.tokens)
    drawn = sketch(lead)
    banco = NAMES.index("Banco de Portugal")
    capgemini = NAMES.index("Capgemini")
    assert not may_reach(INDEX, drawn, banco, 0.73, {})
    assert may_reach(INDEX, drawn, capgemini, 0.73, {})
