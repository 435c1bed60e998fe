"""chaff from Python: scraped web pages in, clean unique paragraphs out.

The same library as the Rust crate, behind a thin layer::

    import chaff

    cleaner = chaff.Cleaner({"dedup": {"max_hamming": 7}})
    for result in cleaner.clean([{"id": "a", "text": "分享到:\\n正文一段。"}]):
        print(result.id, result.text)          # the kept paragraphs, joined by newlines
        for d in result.decisions:             # every paragraph and why
            print(d["index"], d["reason"], d.get("rule"), d.get("duplicate_of"))

- :class:`Config` is the Rust ``Config`` (serde), from a dict or JSON, with
  every default filled in; it round-trips through :meth:`Config.to_dict` and
  :meth:`Config.to_json`.
- :class:`Cleaner` holds the dedup state: repeats are found across every
  call, first occurrence wins. Work runs in Rust with the GIL released, the
  per-document stages in parallel on rayon's pool (``RAYON_NUM_THREADS``).
- Errors are :class:`ChaffError` subclasses carrying ``path``, ``line`` and
  ``byte_offset`` (None when not known); a file that is not there raises
  :class:`NotFoundError`, which is also a :class:`FileNotFoundError`.
- ``chaff.spark`` runs the pipeline on Spark, byte-identical to one
  :class:`Cleaner`; ``chaff.datatrove`` plugs it into datatrove pipelines.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from . import _chaff
from ._chaff import (
    ChaffError,
    CleanResult,
    ConfigError,
    NotFoundError,
    RecordError,
    SiteTemplates,
    StageError,
    StateError,
)

__version__: str = _chaff.__version__

__all__ = [
    "ChaffError",
    "CleanResult",
    "Cleaner",
    "Config",
    "ConfigError",
    "NotFoundError",
    "RecordError",
    "SiteTemplates",
    "StageError",
    "StateError",
    "read_documents",
]

ConfigLike = Union["Config", Mapping[str, Any], str, None]


def _merge(base: Dict[str, Any], overrides: Mapping[str, Any]) -> Dict[str, Any]:
    out = dict(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


class Config:
    """The cleaning recipe: one section per stage (``split``, ``boilerplate``,
    ``fingerprint``, ``dedup``, ``templates``) and a ``version``.

    ``Config()`` is the default; ``Config({"dedup": {"max_hamming": 5}})``,
    ``Config('{"dedup": {"max_hamming": 5}}')`` or ``Config(dedup={"max_hamming": 5})``
    change what they name and keep every other default. Unknown fields and
    out-of-range values raise :class:`ConfigError`.

    >>> Config(dedup={"max_hamming": 5})["dedup"]["max_hamming"]
    5
    >>> Config(Config().to_json()) == Config()
    True
    """

    __slots__ = ("_json",)

    def __init__(self, config: ConfigLike = None, /, **sections: Any) -> None:
        if config is None:
            data: Dict[str, Any] = {}
        elif isinstance(config, Config):
            data = config.to_dict()
        elif isinstance(config, str):
            try:
                data = json.loads(config)
            except json.JSONDecodeError as e:
                raise ConfigError(f"invalid configuration: not JSON: {e}") from None
            if not isinstance(data, dict):
                raise ConfigError("invalid configuration: the JSON is not an object")
        elif isinstance(config, Mapping):
            data = dict(config)
        else:
            raise TypeError(f"a Config is made from a dict, a JSON string or a Config, not {type(config).__name__}")
        data = _merge(data, sections)
        self._json: str = _chaff.config_normalize(json.dumps(data))

    @classmethod
    def from_json(cls, text: str) -> "Config":
        """The configuration a JSON text describes."""
        return cls(text)

    def to_dict(self) -> Dict[str, Any]:
        """The whole configuration as a new dict (every default filled in)."""
        return json.loads(self._json)

    def to_json(self, indent: Optional[int] = None) -> str:
        """The whole configuration as JSON, as the Rust library writes it."""
        return self._json if indent is None else json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def __getitem__(self, section: str) -> Any:
        return self.to_dict()[section]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Config) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        return f"Config({self._json})"


Record = Mapping[str, Any]
PathLike = Union[str, "os.PathLike[str]"]


def _paths(paths: Union[PathLike, Iterable[PathLike]], what: str = "paths") -> List[str]:
    """A list of path strings from one path or an iterable of them (a
    single ``str``, ``bytes`` or PathLike is one path, never its characters)."""
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    if isinstance(paths, bytes):
        raise TypeError(f"{what}: give paths as str or os.PathLike, not bytes")
    try:
        items = list(paths)
    except TypeError:
        raise TypeError(f"{what}: a path or a list of paths, not {type(paths).__name__}") from None
    out = []
    for p in items:
        if not isinstance(p, (str, os.PathLike)):
            raise TypeError(f"{what}: each path is a str or os.PathLike, not {type(p).__name__}")
        out.append(os.fspath(p))
    return out


class Cleaner:
    """Cleans records and remembers what it kept, so repeats are found
    across every call (first occurrence wins).

    ``clean(records, batch=512)`` takes an iterable of ``{"id", "text" or
    "html", "url"?}`` mappings (``id`` a string or an integer; missing, it
    becomes ``<records>:N``, N counting every record this cleaner took in;
    ``html`` makes an HTML page, as in the chaff command's JSONL) and yields
    a :class:`CleanResult` per record, in input order: ``id``, ``url``,
    ``text`` (kept paragraphs joined by newlines), ``paragraphs`` (the kept
    ones), ``decisions`` (every paragraph with ``reason``, ``rule``,
    ``duplicate_of``, ``hamming``, ``similarity``, ``pages``,
    ``site_pages``), ``report`` (the report entries), ``to_json()`` (the
    clean JSONL line the chaff command writes).

    Records are read ``batch`` at a time; each batch is cleaned in Rust with
    the GIL released, the per-document stages in parallel. A batch goes
    into the dedup state whole, before its results are yielded: stopping
    early (``break``, an exception, Ctrl-C) loses the rest of that batch's
    results, but not the state's consistency; a batch with a malformed
    record changes nothing.

    One cleaner may be shared by threads: calls take their turn, a batch at
    a time (which batch comes first decides first occurrence).
    """

    def __init__(self, config: ConfigLike = None) -> None:
        self.config: Config = config if isinstance(config, Config) else Config(config)
        self._native = _chaff.Cleaner(self.config.to_json())
        self._lock = threading.Lock()

    @property
    def records(self) -> int:
        """How many records this cleaner has taken in."""
        return int(self._native.records)

    def __repr__(self) -> str:
        with self._lock:
            documents = json.loads(self._native.summary_json())["documents"]
        return f"Cleaner(records={self.records}, documents={documents}, config={self.config!r})"

    def clean(self, records: Iterable[Record], batch: int = 512) -> Iterator[CleanResult]:
        """Yields one :class:`CleanResult` per record, in input order.

        A record that is not a mapping with a string ``text`` (or ``html``)
        raises :class:`RecordError` with ``line`` its 1-based position among
        the records of this call.
        """
        if not isinstance(batch, int) or batch < 1:
            raise ValueError(f"batch must be a positive integer, not {batch!r}")
        if isinstance(records, (Mapping, str, bytes)):
            raise TypeError("clean takes an iterable of records; wrap a single record in a list")
        chunk: List[Record] = []
        seen = 0
        for record in records:
            chunk.append(record)
            if len(chunk) == batch:
                yield from self._clean_chunk(chunk, seen)
                seen += len(chunk)
                chunk = []
        if chunk:
            yield from self._clean_chunk(chunk, seen)

    def _clean_chunk(self, chunk: List[Record], first_line: int = 0) -> List[CleanResult]:
        # The native cleaner counts the records in the same call that
        # changes its state, so nothing (not even a signal) comes between.
        with self._lock:
            return self._native.clean_batch(chunk, first_line)

    def clean_text(self, text: str, id: str = "text", url: Optional[str] = None) -> CleanResult:
        """Cleans one page given as a string."""
        return self._clean_chunk([{"id": id, "text": text, "url": url}])[0]

    def learn_site_templates(self, records: Iterable[Record]) -> SiteTemplates:
        """The first pass of site templates: counts on how many pages of each
        site (URL host, or the id up to its first ``/``) each paragraph
        occurs, and returns those over ``templates.min_pages`` and
        ``templates.min_share``. Give them to :meth:`set_site_templates`."""
        return _chaff.Cleaner.learn_site_templates(self.config.to_json(), list(records))

    def set_site_templates(self, templates: SiteTemplates) -> None:
        """Drops template paragraphs from the pages of their sites (reason
        ``site_template``) from now on."""
        with self._lock:
            self._native.set_site_templates(templates)

    def save_state(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Saves what this cleaner has seen (written under ``PATH.partial``,
        renamed when complete); the chaff command's ``--load-state`` reads it."""
        with self._lock:
            self._native.save_state(os.fspath(path))

    def load_state(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Replaces what this cleaner remembers by a saved state (from
        :meth:`save_state` or the chaff command's ``--save-state``); a wrong,
        truncated or corrupt file raises :class:`StateError` with its
        ``byte_offset``, a missing one :class:`NotFoundError`. The summary
        starts again from zero."""
        with self._lock:
            self._native.load_state(os.fspath(path))

    @property
    def summary(self) -> Dict[str, Any]:
        """Counts so far: documents, paragraphs in and out, bytes, and dropped
        paragraphs per reason."""
        with self._lock:
            return json.loads(self._native.summary_json())

    def run_record(self) -> Dict[str, Any]:
        """Versions, configuration, counts and stage timings so far (the
        chaff command's ``--summary`` file)."""
        with self._lock:
            return json.loads(self._native.run_record_json())


def read_documents(paths: Union[PathLike, Iterable[PathLike]], lossy: bool = False) -> List[Dict[str, Any]]:
    """The records of input files as the chaff command reads them (``.txt``
    pages, directories of them sorted by name, JSONL, WARC/WET, ``.html``,
    ``.gz`` and ``.zst``), as ``{"id", "text" or "html", "url"?, …}`` dicts
    (``html`` for HTML pages, which :meth:`Cleaner.clean` reads as HTML;
    other JSONL fields carried along). ``paths`` is one path or a list of
    them; a missing one raises :class:`NotFoundError`."""
    return _chaff.read_documents(_paths(paths), lossy)

