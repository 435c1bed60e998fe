"""The datatrove step (skipped when datatrove is not installed)."""

from __future__ import annotations

import pytest

datatrove = pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402

import chaff  # noqa: E402
from chaff.datatrove import ChaffCleaner  # noqa: E402
from conftest import SEEDS  # noqa: E402


def test_the_step_cleans_a_task_as_the_cleaner_does():
    records = chaff.read_documents([SEEDS])
    docs = [Document(text=r["text"], id=r["id"], metadata={}) for r in records]
    step = ChaffCleaner(batch=2, keep_decisions=True)
    out = list(step.run(iter(docs)))
    expected = [r for r in chaff.Cleaner().clean(records) if r.paragraphs]
    assert [d.text for d in out] == [r.text for r in expected]
    assert [d.id for d in out] == [r.id for r in expected]
    assert all(isinstance(d.metadata["chaff"], list) for d in out)
    assert list(ChaffCleaner().run(None)) == []
