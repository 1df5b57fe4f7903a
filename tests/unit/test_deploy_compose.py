"""deploy/compose.yaml runs what benchmarks/cluster.py runs on loopback: the same commands, stop
signals and shared settings, every setting one addon/settings.py declares, every secret taken
from the host rather than written down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from addon.settings import PREFIX, all_settings
from benchmarks import cluster

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
REMIT_SERVICES = ("migrate", "web", "worker")


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]


def declared() -> dict:
    return {PREFIX + setting.name: setting for setting in all_settings()}


def test_the_host_runs_a_database_a_queue_the_add_on_and_a_tls_proxy(services):
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "proxy"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["proxy"]["image"].startswith("caddy:")
    images = {services[name]["image"] for name in REMIT_SERVICES}
    assert len(images) == 1, "web, worker and migration run one image"
    for name in REMIT_SERVICES:
        assert (DEPLOY.parent / services[name]["build"]["dockerfile"]).is_file()


def test_each_process_runs_the_command_the_cluster_script_runs(services):
    assert services["migrate"]["command"] == cluster.command(cluster.MIGRATE_COMMAND, app="addon")
    assert services["web"]["command"] == cluster.command(
        cluster.WEB_COMMAND, bind="0.0.0.0:8000", app="addon")
    assert services["worker"]["command"] == cluster.command(cluster.WORKER_COMMAND, app="addon")
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert re.search(r"reverse_proxy\s+web:8000\b", caddyfile)


def test_processes_stop_as_the_cluster_script_stops_them(services):
    """gunicorn finishes its requests on SIGTERM; Huey finishes its task only on SIGINT (SIGTERM
    would cut it short); both within the grace the cluster script gives."""
    for role in ("web", "worker"):
        service = services[role]
        assert service["stop_signal"] == cluster.STOP_SIGNALS[role].name
        assert service["stop_grace_period"] == f"{cluster.STOP_GRACE}s"
    graceful = re.search(r"--graceful-timeout (\d+)",
                         cluster.shared_settings()["GUNICORN_CMD_ARGS"])
    assert graceful and int(graceful.group(1)) < cluster.STOP_GRACE


def test_the_shared_settings_are_declared_settings_and_reach_both(services):
    shared = cluster.shared_settings()
    for name, value in shared.items():
        if name.startswith(PREFIX):
            assert name in declared(), f"{name} is not declared in addon/settings.py"
            assert not declared()[name].secret, f"{name} is a secret: not in a shared file"
            declared()[name].kind(value)  # parses as its declared type
    for name in REMIT_SERVICES:
        assert services[name]["env_file"] == "settings.env"
    loopback = cluster.Cluster("postgresql://postgres@127.0.0.1/unused", "redis://127.0.0.1/0")
    assert shared.items() <= loopback.env.items()


def test_production_gets_every_required_setting_and_no_secret_is_written_down(services):
    for name in REMIT_SERVICES:
        environment = services[name]["environment"]
        assert environment["REMIT_ENV"] == "production"
        assert set(environment) <= set(declared()), "only declared settings"
        required = {n for n, setting in declared().items() if setting.required}
        assert required <= set(environment)
        for variable, setting in declared().items():
            if setting.secret and variable in environment:
                assert re.fullmatch(r"\$\{[A-Z_]+:[?-]\}", environment[variable]), variable
        assert environment["REMIT_BASE_URL"].startswith("https://")
        assert "@db:5432/" in environment["REMIT_DATABASE_URL"]
        assert environment["REMIT_REDIS_URL"].startswith("redis://redis:6379/")


def test_the_workers_wait_for_the_migration(services):
    for role in ("web", "worker"):
        assert services[role]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully")
