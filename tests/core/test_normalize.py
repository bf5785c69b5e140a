import pytest

from hamdeli.core.text import normalize, search_key


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("كرمان", "کرمان"),  # Arabic kaf
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ دوستی", "خانه دوستی"),  # heh with yeh above
        ("می\u200cخواهیم", "می خواهیم"),  # ZWNJ as space
        ("اصــــفهان", "اصفهان"),  # tatweel
        ("مُحَمَّد", "محمد"),  # diacritics
        ("۱۳۹۹", "1399"),  # Persian digits
        ("١٣٩٩", "1399"),  # Arabic-Indic digits
        ("Iași", "iasi"),  # Latin accents and case
        ("  فضای   شهری ", "فضای شهری"),
    ],
)
def test_variants_normalise_to_one_key(variant, canonical):
    assert normalize(variant) == normalize(canonical)


def test_search_key_joins_parts_and_skips_empty_ones():
    assert search_key("Barcelona", None, "بارسلون", "") == "barcelona بارسلون"
