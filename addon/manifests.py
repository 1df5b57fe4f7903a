"""App-registration manifests (manifest/*.yaml) filled in for one deployment's base URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from addon import platforms
from addon.settings import PREFIX

MANIFEST_DIR = Path(__file__).resolve().parent.parent / "manifest"


class ManifestError(ValueError):
    """The platform has no manifest or the base URL cannot be used for one."""


def available() -> list[str]:
    return sorted(path.stem for path in MANIFEST_DIR.glob("*.yaml"))


def render(platform: str, base_url: str) -> dict[str, Any]:
    path = MANIFEST_DIR / f"{platform}.yaml"
    if platform not in available():
        choices = ", ".join(available())
        raise ManifestError(f"No manifest for {platform!r}; choose one of: {choices}.")
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ManifestError("--base-url must look like https://remit.example.com")
    values = {"base_url": base_url.rstrip("/"), "host": parts.netloc}
    ledger = platforms.get(platform)
    # Scopes and setting names come from the plugin, so the manifest cannot drift from them.
    lists = {"{scopes}": ledger.scope.split(),
             "{settings}": [PREFIX + setting.name for setting in ledger.settings]}
    return _fill(yaml.safe_load(path.read_text()), values, lists)


def urls(manifest: Any) -> list[str]:
    """Every URL string in a rendered manifest."""
    if isinstance(manifest, dict):
        return [url for value in manifest.values() for url in urls(value)]
    if isinstance(manifest, list):
        return [url for value in manifest for url in urls(value)]
    return [manifest] if isinstance(manifest, str) and "://" in manifest else []


def _fill(node: Any, values: dict[str, str], lists: dict[str, list[str]]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values, lists) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, values, lists) for value in node]
    if isinstance(node, str) and node in lists:
        return lists[node]
    return node.format(**values) if isinstance(node, str) else node
