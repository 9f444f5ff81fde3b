"""The NLU bench runs on this Python and prints the figures the README quotes."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml

from bench import nlu_eval


def test_nlu_eval_reports_accuracy_on_held_out_questions(
    trained_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every held-out file gets its accuracy lines, and the model is far above chance."""
    paths = nlu_eval.HELDOUT_FILES[:2]
    files = [yaml.safe_load(path.read_text(encoding="utf-8"))[:60] for path in paths]
    parses = asyncio.run(
        nlu_eval.parse_all(trained_model, [[item["text"] for item in items] for items in files])
    )
    for path, items, parsed in zip(paths, files, parses, strict=True):
        nlu_eval.report(path, parsed, items)
    printed = capsys.readouterr().out

    for path in paths:
        assert str(path.relative_to(nlu_eval.ROOT)) in printed
    intent = [float(x) for x in re.findall(r"intent accuracy\s+([\d.]+)", printed)]
    service = [float(x) for x in re.findall(r"service accuracy\s+([\d.]+)", printed)]
    assert len(intent) == len(service) == 2
    assert min(intent) >= 0.8 and min(service) >= 0.9
