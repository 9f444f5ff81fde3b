"""The deployment files parse and say what the README promises (they cannot run here)."""

from __future__ import annotations

import re

import yaml

from dalil import project

DEPLOY = project.ROOT / "deploy"


def test_helm_values_turn_on_the_production_engines() -> None:
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text(encoding="utf-8"))
    endpoints = values["applicationSettings"]["endpoints"]
    assert endpoints["trackerStore"]["enabled"] and endpoints["trackerStore"]["type"] == "sql"
    assert endpoints["trackerStore"]["dialect"] == "postgresql"
    assert endpoints["lockStore"]["enabled"] and endpoints["lockStore"]["type"] == "redis"
    assert values["replicaCount"] >= 2
    assert values["rasa-action-server"]["install"] is True
    assert values["applicationSettings"]["trainInitialModel"] is False
    assert endpoints["models"]["enabled"]  # every replica loads the model from one place


def test_the_compose_file_wires_replicas_databases_and_the_balancer() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    for name, service in services.items():
        assert "image" in service, name
        for needed in service.get("depends_on", []):
            assert needed in services, f"{name} depends on unknown {needed}"
    rasa = [s for s in services.values() if "rasa run" in str(s.get("command", ""))]
    assert len(rasa) == 2
    assert all("endpoints.production.yml" in s["command"] for s in rasa)
    upstream = re.findall(r"server (\S+):5005;", (DEPLOY / "nginx.conf").read_text())
    assert sorted(upstream) == sorted(n for n, s in services.items() if s in rasa)


def test_the_production_endpoints_read_everything_from_the_environment() -> None:
    text = (project.ROOT / "endpoints.production.yml").read_text(encoding="utf-8")
    endpoints = yaml.safe_load(text)
    assert endpoints["tracker_store"]["type"] == "dalil.tracker_store.MaskingSQLTrackerStore"
    assert endpoints["lock_store"]["type"] == "dalil.lock_store.AtomicRedisLockStore"
    assert not re.search(r"password:\s*[^$\s]", text)  # no secret written in the file
