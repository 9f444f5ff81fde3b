"""Every bench script imports: `make bench` does not stop on a renamed constant."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHES = sorted(p.stem for p in (Path(__file__).parents[2] / "bench").glob("*.py")
                 if p.stem != "__init__")


@pytest.mark.parametrize("name", BENCHES)
def test_bench_script_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert callable(getattr(module, "main", None)), f"bench/{name}.py has no main()"
