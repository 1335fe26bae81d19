"""``lifetime.keep`` keeps a value only in a process that said it ends with ``os._exit``."""

from __future__ import annotations

import gc
import weakref

import pytest

from agentpack import lifetime


class _Value:
    """Something a weak reference can follow (a list cannot)."""


def test_a_process_that_goes_on_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifetime, "_kept", None)
    value = _Value()
    seen = weakref.ref(value)
    lifetime.keep(value)
    del value
    gc.collect()
    assert seen() is None


def test_a_process_ending_without_cleanup_keeps_what_it_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lifetime, "_kept", None)
    lifetime.ending_without_cleanup()
    value = _Value()
    seen = weakref.ref(value)
    lifetime.keep(value)
    del value
    gc.collect()
    assert seen() is not None
    lifetime.ending_without_cleanup()  # saying it twice keeps what was kept
    assert seen() is not None
