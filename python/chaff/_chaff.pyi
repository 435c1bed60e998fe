"""Type stubs of the native module chaff._chaff (PyO3). The public API is
the `chaff` package; these are what it calls."""

from typing import Any, Dict, List, Literal, Optional, Sequence, Tuple, TypedDict

# pyarrow.RecordBatch: only the Spark stages take and give them, and the
# cleaner does not need pyarrow, so the stubs do not import it.
RecordBatch = Any

__version__: str

Reason = Literal["kept", "boilerplate", "site_template", "exact_duplicate", "near_duplicate", "trimmed_sentences"]

class Origin(TypedDict):
    """The kept paragraph a duplicate repeats: its document's id and its
    0-based index there."""

    id: str
    paragraph: int

class TrimmedSentence(TypedDict):
    offset: int
    text: str
    duplicate_of: Origin
    similarity: float

class _Verdict(TypedDict, total=False):
    # Only the keys of the paragraph's reason are present.
    rule: str
    """boilerplate: the rule's name (`footer`, `nav_container`, …)."""
    detail: str
    """boilerplate, structural rules: what decided the rule."""
    pages: int
    """site_template: pages of the site that have the paragraph."""
    site_pages: int
    """site_template: pages of the site."""
    duplicate_of: Origin
    """exact_duplicate, near_duplicate: the earlier kept paragraph."""
    hamming: int
    """near_duplicate: Hamming distance of the SimHashes, in bits."""
    similarity: float
    """near_duplicate: Jaccard similarity of the shingle sets, 0 to 1."""
    sentences: List[TrimmedSentence]
    """trimmed_sentences: the sentences taken out."""
    joins: List[int]
    """Byte offsets where broken lines were joined into this paragraph."""

class Decision(_Verdict):
    """A paragraph and its decision (`CleanResult.decisions`). Keys that do
    not apply to its reason are absent: use `d.get("rule")`."""

    index: int
    """0-based position of the paragraph in its document."""
    line: int
    """1-based line of the paragraph in the input text."""
    byte_offset: int
    """Byte offset (UTF-8) of the paragraph in the input text."""
    text: str
    kept: bool
    reason: Reason

class ReportEntry(_Verdict):
    """A report entry (`CleanResult.report`): a dropped or trimmed paragraph."""

    id: str
    paragraph: int
    line: int
    byte_offset: int
    text: str
    reason: Reason

class ChaffError(Exception):
    """An error of chaff; `path`, `line` (1-based) and `byte_offset` say
    where, or are None when not known."""

    path: Optional[str]
    line: Optional[int]
    byte_offset: Optional[int]

class ConfigError(ChaffError):
    """A configuration value out of range, or a configuration that does not parse."""

class RecordError(ChaffError):
    """A malformed input record: bad JSON, a WARC record that does not frame,
    invalid UTF-8, a record without a string `text`. For records given from
    Python, `path` is "<records>" and `line` the record's 1-based position."""

class NotFoundError(ChaffError, FileNotFoundError):
    """A file that is not there; `except FileNotFoundError` and `except
    OSError` catch it too, and `filename` names it."""

class StateError(ChaffError):
    """A saved dedup state, site-templates file or staging file that cannot be used."""

class StageError(ChaffError):
    """A distributed stage got rows it cannot have been meant to get."""

class CleanResult:
    """One cleaned document; each view is built when read."""

    @property
    def id(self) -> str: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def text(self) -> str:
        """The kept paragraphs joined by newlines."""
    @property
    def paragraphs(self) -> List[str]:
        """The kept paragraphs, in order."""
    @property
    def bytes_in(self) -> int:
        """Bytes (UTF-8) of input text."""
    @property
    def decisions(self) -> List[Decision]:
        """Every paragraph in input order: `index`, `line` (1-based),
        `byte_offset`, `text`, `kept`, `reason` (`kept`, `boilerplate`,
        `site_template`, `exact_duplicate`, `near_duplicate`) and its fields:
        `rule`; `duplicate_of` {`id`, `paragraph`}, `hamming` (bits),
        `similarity` (Jaccard, 0-1); `pages`, `site_pages`."""
    @property
    def report(self) -> List[ReportEntry]:
        """The report entries: `id`, `paragraph`, `line`, `byte_offset`,
        `text`, `reason` and its fields."""
    def to_json(self, paragraphs: bool = False) -> str:
        """The clean JSONL line (with its newline) the chaff command writes."""
    def report_json(self) -> str:
        """The report JSONL lines (each with its newline)."""

class SiteTemplates:
    """Paragraphs that recur on many pages of a site."""

    def __len__(self) -> int: ...
    def save(self, path: str) -> None: ...
    @staticmethod
    def load(path: str) -> "SiteTemplates": ...

class Cleaner:
    def __init__(self, config_json: str) -> None: ...
    @property
    def records(self) -> int: ...
    def clean_batch(self, records: Sequence[Any], first_line: int) -> List[CleanResult]: ...
    def clean_batch_count(self, records: Sequence[Any], first_line: int) -> int: ...
    @staticmethod
    def learn_site_templates(config_json: str, records: Sequence[Any]) -> SiteTemplates: ...
    def set_site_templates(self, templates: SiteTemplates) -> None: ...
    def save_state(self, path: str) -> None: ...
    def load_state(self, path: str) -> None: ...
    def summary_json(self) -> str: ...
    def run_record_json(self) -> str: ...

class NearCandidates:
    def __init__(self, config_json: str) -> None: ...
    def push(self, rows: RecordBatch) -> RecordBatch: ...
    def finish(self) -> RecordBatch: ...

class Resolver:
    def __init__(self, config_json: str) -> None: ...
    def push(self, rows: RecordBatch) -> RecordBatch: ...
    def finish(self) -> RecordBatch: ...

def config_normalize(json: str) -> str: ...
def read_documents(paths: Sequence[str], lossy: bool = False) -> List[Dict[str, Any]]: ...
def input_files(paths: Sequence[str]) -> List[str]: ...
def map_file(
    config_json: str, file: int, path: str, staging: str, lossy: bool = False, skip_bad_records: bool = False
) -> Tuple[RecordBatch, int]: ...
def template_rows(config_json: str, rows: RecordBatch) -> RecordBatch: ...
def candidate_rows(rows: RecordBatch, lookups: bool) -> RecordBatch: ...
def verify(config_json: str, rows: RecordBatch) -> RecordBatch: ...
def components(batches: Sequence[RecordBatch]) -> RecordBatch: ...
def apply_file(
    staging: str,
    verdicts: Sequence[RecordBatch],
    templates: Sequence[RecordBatch],
    output: str,
    report: Optional[str] = None,
    paragraphs: bool = False,
    drop_empty: bool = False,
) -> str: ...
def merge_summaries(summaries: Sequence[str]) -> str: ...
