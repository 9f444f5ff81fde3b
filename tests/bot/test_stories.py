"""Runs the conversation tests in tests/stories through Rasa's own story evaluation."""

from __future__ import annotations

import asyncio
from pathlib import Path

from dalil import project


def test_every_test_story_passes(agent, tmp_path: Path) -> None:
    from rasa.core.test import test

    result = asyncio.run(test(str(project.TEST_STORIES), agent, out_directory=str(tmp_path)))
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert "None of the test stories failed" in failed, failed
    assert result["accuracy"] == 1.0
