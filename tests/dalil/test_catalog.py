"""The catalog loads, and a broken catalog is refused with an error an editor can act on."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dalil import project
from dalil.catalog import CatalogError, load_catalog, parse_catalog
from dalil.catalog.model import ASPECTS

REQUIRED_SERVICES = {
    "work_permit_issue", "work_permit_renewal", "worker_transfer", "profession_change",
    "recruitment_visa", "visa_refund", "saudization_certificate", "nitaqat_inquiry",
    "establishment_file", "labor_complaint", "wage_protection", "contract_authentication",
    "end_of_service_benefit", "absence_report", "absence_report_cancel",
    "domestic_worker_recruitment", "violation_report", "violation_objection",
    "office_appointment", "job_seeker_registration", "portal_account",
}  # fmt: skip


@pytest.fixture
def raw() -> dict:
    """The shipped catalog as plain data, to break on purpose."""
    return yaml.safe_load(project.CATALOG.read_text(encoding="utf-8"))


def test_the_shipped_catalog_has_every_service_with_every_aspect() -> None:
    catalog = load_catalog()
    assert catalog.service_ids() >= REQUIRED_SERVICES
    for service in catalog.services:
        assert service.aliases, service.id
        assert str(service.e_service_url).startswith("https://")
        for aspect in ASPECTS:
            assert getattr(service.answers, aspect).strip(), (service.id, aspect)


def test_the_colloquial_names_people_use_are_in_the_catalog() -> None:
    catalog = load_catalog()
    assert "نقل كفالة" in catalog.service("worker_transfer").phrases()
    assert "بلاغ هروب" in catalog.service("absence_report").phrases()
    assert "شهادة السعودة" in catalog.service("saudization_certificate").phrases()


def test_a_synonym_names_the_service_as_the_word_it_replaces(raw: dict) -> None:
    raw["synonyms"] = [["رخصة", "تصريح"]]
    (renewal,) = [s for s in raw["services"] if s["id"] == "work_permit_renewal"]
    renewal["aliases"].append("الرخصة انتهت")
    catalog = parse_catalog(raw)
    phrases = catalog.phrases_of(catalog.service("work_permit_renewal"))
    assert phrases[0] == "تجديد رخصة عمل"  # the catalog's own wording first
    assert "تجديد تصريح عمل" in phrases
    assert "التصريح انتهت" in phrases  # the article stays


def test_a_synonym_group_needs_two_single_words(raw: dict) -> None:
    raw["synonyms"] = [["رخصة"]]
    with pytest.raises(CatalogError, match="synonyms"):
        parse_catalog(raw, "catalog.yml")
    raw["synonyms"] = [["رخصة", "تصريح عمل"]]
    with pytest.raises(CatalogError, match="synonyms"):
        parse_catalog(raw, "catalog.yml")


def test_offices_cover_the_main_cities() -> None:
    cities = {o.city for o in load_catalog().general.offices}
    assert cities >= {"riyadh", "jeddah", "dammam", "makkah", "madinah", "abha"}


def test_a_missing_answer_names_the_service_and_the_field(raw: dict) -> None:
    del raw["services"][2]["answers"]["fees"]
    with pytest.raises(CatalogError) as error:
        parse_catalog(raw, "catalog.yml")
    message = str(error.value)
    assert "catalog.yml" in message
    assert f"service '{raw['services'][2]['id']}'" in message
    assert "fees" in message


def test_a_duplicated_service_id_is_refused(raw: dict) -> None:
    twin = copy.deepcopy(raw["services"][0])
    twin["aliases"] = ["عبارة لا يستعملها غيره"]
    twin["name_ar"] = "اسم آخر تماماً"
    raw["services"].append(twin)
    with pytest.raises(CatalogError, match=f"service '{twin['id']}' is defined twice"):
        parse_catalog(raw, "catalog.yml")


def test_an_alias_shared_by_two_services_is_refused(raw: dict) -> None:
    raw["services"][1]["aliases"].append(raw["services"][0]["name_ar"])
    with pytest.raises(CatalogError, match="is also used by"):
        parse_catalog(raw, "catalog.yml")


@pytest.mark.parametrize("field", ["narrows", "acts_on"])
def test_relating_to_a_service_that_does_not_exist_is_refused(raw: dict, field: str) -> None:
    raw["services"][0][field] = ["recruitment_visas"]
    with pytest.raises(CatalogError, match=f"{field} 'recruitment_visas'"):
        parse_catalog(raw, "catalog.yml")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("e_service_url", "http://insecure.example.sa/x", "https"),
        ("reviewed", "last week", "reviewed"),
        ("audience", "everyone", "audience"),
        ("answer", "typo in the key name", "extra fields not permitted"),
    ],
)
def test_malformed_fields_are_named(raw: dict, field: str, value: str, expected: str) -> None:
    raw["services"][0][field] = value
    with pytest.raises(CatalogError, match=expected):
        parse_catalog(raw, "catalog.yml")


def test_catalog_check_command_reports_a_broken_file(raw: dict, tmp_path: Path) -> None:
    del raw["services"][0]["department"]
    broken = tmp_path / "catalog.yml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    command = [sys.executable, "-m", "dalil.cli", "catalog", "check"]
    good = subprocess.run(command, capture_output=True, text=True, cwd=project.ROOT)
    bad = subprocess.run([*command, str(broken)], capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert bad.returncode != 0
    assert "department" in bad.stderr + bad.stdout
