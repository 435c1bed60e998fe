"""chaff in datatrove pipelines (an optional import: ``chaff`` works without
datatrove installed; importing this module needs it).

:class:`ChaffCleaner` is a ``PipelineStep`` that cleans the documents of a
task: boilerplate by rules and layout, repeats within the task (first
occurrence wins), each document's ``text`` replaced by its kept paragraphs,
the decisions counted in the step's stats and (optionally) stored in
``metadata["chaff"]``. Every datatrove executor (local, Slurm, Ray) runs it
per task.

For repeats across the whole corpus use :mod:`chaff.spark`, which runs the
distributed stages with one global order. Those stages as datatrove steps
(map per rank, one resolve task, apply per rank) are not written yet.

datatrove's ``JsonlReader`` and ``JsonlWriter`` need ``orjson`` (``pip
install "datatrove[io]"``, or ``pip install './python[datatrove]'``, which
brings both)::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from chaff.datatrove import ChaffCleaner

    LocalPipelineExecutor(pipeline=[
        JsonlReader("crawl/"),
        ChaffCleaner({"dedup": {"max_hamming": 7}}),
        JsonlWriter("clean/"),
    ], tasks=4).run()
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, List, Optional

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from . import Cleaner, Config, ConfigLike


class ChaffCleaner(PipelineStep):
    """Cleans each task's documents with one :class:`chaff.Cleaner`.

    ``batch`` documents are cleaned at a time (in parallel in Rust);
    ``drop_empty`` drops documents with no paragraph kept; ``keep_decisions``
    stores each document's decisions (dropped paragraphs with reason, rule,
    ``duplicate_of``, Hamming distance, similarity) in
    ``metadata["chaff"]``. The URL, when a reader put one in
    ``metadata["url"]``, names the site for site templates.
    """

    name = "🌾 chaff"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: ConfigLike = None,
        batch: int = 512,
        drop_empty: bool = True,
        keep_decisions: bool = False,
    ) -> None:
        super().__init__()
        self.config = config if isinstance(config, Config) else Config(config)
        self.batch = batch
        self.drop_empty = drop_empty
        self.keep_decisions = keep_decisions

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if data is None:
            return
        cleaner = Cleaner(self.config)
        pending: List[Document] = []
        for document in data:
            pending.append(document)
            if len(pending) == self.batch:
                yield from self._clean(cleaner, pending)
                pending = []
        if pending:
            yield from self._clean(cleaner, pending)

    def _clean(self, cleaner: Cleaner, documents: List[Document]) -> Iterator[Document]:
        records = [
            {"id": str(d.id), "text": d.text, "url": (d.metadata or {}).get("url")} for d in documents
        ]
        with self.track_time():
            results = list(cleaner.clean(records, batch=len(records)))
        for document, result in zip(documents, results):
            decisions = result.report
            self.stat_update("paragraphs_dropped", value=len(decisions))
            for entry in decisions:
                self.stat_update(f"dropped_{entry['reason']}")
            if not result.paragraphs and self.drop_empty:
                self.stat_update("dropped_documents")
                continue
            document.text = result.text
            if self.keep_decisions:
                document.metadata["chaff"] = decisions
            self.stat_update("kept_documents")
            yield document
