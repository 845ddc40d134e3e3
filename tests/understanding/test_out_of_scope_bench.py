"""bench/clinc_out_of_scope.py, whose comparison the docs quote, on small made-up arrays."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from relaydesk.assistant.understanding.datasets import OUT_OF_SCOPE

SCRIPT = Path(__file__).parents[2] / "bench" / "clinc_out_of_scope.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("clinc_out_of_scope", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split(rng: np.random.Generator, per_intent: int, outside: int) -> dict[str, np.ndarray]:
    """Two intents as tight clusters, out-of-scope messages scattered far from both."""
    centres = np.array([[4.0, 0.0, 0.0], [0.0, 4.0, 0.0]])
    features = [centres[i] + rng.normal(scale=0.3, size=(per_intent, 3)) for i in range(2)]
    features.append(rng.normal(scale=0.3, size=(outside, 3)) + np.array([0.0, 0.0, 4.0]))
    labels = ["a"] * per_intent + ["b"] * per_intent + [OUT_OF_SCOPE] * outside
    vectors = np.vstack(features)
    logits = vectors @ np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    linear = np.exp(vectors[:, :2]) / np.exp(vectors[:, :2]).sum(axis=1, keepdims=True)
    return {"features": vectors, "logits": logits, "labels": np.array(labels), "linear": linear}


@pytest.fixture
def arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    result = {
        "intents": np.array(["a", "b"]),
        "tuned_classes": np.array(["a", "b", OUT_OF_SCOPE]),
        "weight": np.array(0.5),
        "temperature": np.array(1.0),
    }
    for name, sizes in {"train": (40, 10), "val": (20, 10), "test": (20, 10)}.items():
        result |= {f"{name}_{key}": value for key, value in split(rng, *sizes).items()}
    return result


def test_that_the_comparison_reports_every_score_on_validation(
    arrays: dict[str, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    script = load_script()
    script.compare(arrays, 0.9)
    printed = capsys.readouterr().out
    assert "no rejection: 1.0000" in printed
    for name in script.COMBINATIONS:
        row = next(line for line in printed.splitlines() if line.startswith(name + " "))
        auroc = float(row.split()[1])
        assert auroc > 0.9, row  # the made-up out-of-scope cluster is easy to tell apart
    assert "test" not in printed


def test_that_one_score_is_reported_on_test_with_the_validation_threshold(
    arrays: dict[str, np.ndarray], capsys: pytest.CaptureFixture[str]
) -> None:
    load_script().test(arrays, "probability+neighbours", 0.9)
    printed = capsys.readouterr().out
    assert printed.startswith("probability+neighbours: test in-scope accuracy 1.0000")
    assert "out-of-scope recall 1.000" in printed
