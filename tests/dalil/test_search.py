"""Catalog search: the guesses the bot offers and the agents' console ranks."""

from __future__ import annotations

import pytest

from dalil.catalog import load_catalog
from dalil.catalog.search import NAMED, CatalogSearch


@pytest.fixture(scope="module")
def search() -> CatalogSearch:
    return CatalogSearch(load_catalog())


def test_a_name_typed_ranks_its_service_first(search: CatalogSearch) -> None:
    assert search.search("ابي استرداد الرسوم", 3, min_score=NAMED)[0].service.id == "visa_refund"
    assert search.search("نقل كفالة", 3, min_score=NAMED)[0].service.id == "worker_transfer"


def test_an_aspect_word_names_no_service_with_or_without_its_article(search) -> None:
    """«كم الرسوم» asks a fee of no service in particular: no guess to offer."""
    assert search.search("كم الرسوم", 3, min_score=NAMED) == []
    assert search.search("كم رسوم", 3, min_score=NAMED) == []


def test_a_word_shared_by_several_names_offers_each(search: CatalogSearch) -> None:
    hits = {h.service.id for h in search.search("كم رسوم البلاغ", 3, min_score=NAMED)}
    assert hits == {"absence_report", "absence_report_cancel", "violation_report"}
