"""tf-idf rows made without scikit-learn's per-call checks are the rows it makes."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from relaydesk.assistant.understanding.tfidf_rows import tfidf_rows

TRAINING = [
    "when is my next payment",
    "can I push my next payment back a week",
    "Wann ist meine nächste Zahlung fällig?",
    "quand est mon prochain paiement",
    "I want to talk to a person",
    "明日払います",
]
ASKED = [
    "when when when is my payment?",  # repeated words: sublinear counts
    "Zahlung bitte",
    "zzzz qqqq",  # nothing it knows
    "",
    "明日",
]


def fitted(**settings: object) -> TfidfVectorizer:
    return TfidfVectorizer(sublinear_tf=True, lowercase=True, **settings).fit(TRAINING)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "vectorizer",
    [fitted(ngram_range=(1, 2)), fitted(analyzer="char_wb", ngram_range=(2, 5))],
    ids=["words", "characters"],
)
@pytest.mark.parametrize("texts", [[text] for text in ASKED] + [ASKED], ids=repr)
def test_the_rows_are_the_ones_transform_gives(
    vectorizer: TfidfVectorizer, texts: list[str]
) -> None:
    expected, rows = vectorizer.transform(texts), tfidf_rows(vectorizer, texts)
    assert rows.shape == expected.shape
    assert rows.format == "csr"
    np.testing.assert_allclose(rows.toarray(), expected.toarray(), rtol=1e-12, atol=1e-15)
    assert rows.nnz == expected.nnz  # no stored zeros


def test_settings_it_does_not_follow_are_left_to_scikit_learn() -> None:
    plain = TfidfVectorizer(sublinear_tf=False).fit(TRAINING)
    texts = ["when when is my payment"]
    np.testing.assert_array_equal(
        tfidf_rows(plain, texts).toarray(), plain.transform(texts).toarray()
    )
