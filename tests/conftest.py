"""Shared fixtures: a pack factory, the reference pack, a registry with built-ins only."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from agentpack import aliases
from agentpack.lab import Lab
from agentpack.targets import Registry

ROOT = Path(__file__).resolve().parent.parent
BUILTIN = aliases.builtin(Registry(third_party=False).all())
"""The built-in targets' model aliases."""
MANIFEST = (
    "name: test-pack\nversion: 1.0.0\ndescription: A pack for tests.\n"
    "author: {name: Tester}\nlicense: MIT\n"
)

MakePack = Callable[..., Path]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Export snapshots go to a folder of this test run, not the user's cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AGENTPACK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def make_pack(tmp_path: Path) -> MakePack:
    """Write files (str or bytes) under a new pack folder; a default manifest unless given."""

    def make(files: Mapping[str, str | bytes], *, manifest: str | None = MANIFEST) -> Path:
        root = tmp_path / "pack"
        root.mkdir(exist_ok=True)
        if manifest is not None:
            (root / "agentpack.yaml").write_text(manifest, encoding="utf-8")
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8"))
        return root

    return make


@pytest.fixture
def registry() -> Registry:
    return Registry(third_party=False)


@pytest.fixture
def reference_pack() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def lab() -> Lab:
    """The conformance lab's clients (see tests/lab.py)."""
    return Lab()
