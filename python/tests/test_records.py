"""Records from Python that once went wrong: nesting and cycles in extra
fields, HTML records, record numbering across calls and interruptions,
errors named under `chaff`, a missing file, one path for a list of them,
a cleaner shared by threads."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

import chaff
from conftest import DEVSET, SEEDS, run_binary


def jsonl(results):
    results = list(results)
    return "".join(r.to_json() for r in results).encode(), "".join(r.report_json() for r in results).encode()


@pytest.mark.parametrize(
    "make",
    [
        "x = []; x.append(x)",
        "x = {}; x['k'] = x",
        "x = []\nfor _ in range(30000): x = [x]",
        "x = {}\nfor _ in range(30000): x = {'k': x}",
    ],
)
def test_a_cyclic_or_deep_field_is_a_record_error_not_a_crash(make):
    # In a child process: before the fix, the Rust stack overflowed (SIGSEGV).
    code = f"""
import chaff
{make}
try:
    list(chaff.Cleaner().clean([{{"id": "a", "text": "正文。", "x": x}}]))
except chaff.RecordError as e:
    print("RecordError", e.line, e)
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("RecordError 1 ") and '"x"' in run.stdout and "128" in run.stdout


def test_nesting_as_deep_as_jsonl_allows_is_carried_through():
    x: object = "leaf"
    for _ in range(100):
        x = [x]
    result = next(chaff.Cleaner().clean([{"id": "a", "text": "正文。", "x": x}]))
    assert json.loads(result.to_json())["x"] == x


def test_html_records_are_cleaned_as_html_as_the_chaff_command_does(tmp_path):
    pages = sorted(DEVSET.glob("*.html"))[:4]
    assert len(pages) == 4
    source = tmp_path / "html.jsonl"
    with open(source, "w", encoding="utf-8") as f:
        for page in pages:
            f.write(json.dumps({"id": page.stem, "html": page.read_text(encoding="utf-8")}, ensure_ascii=False) + "\n")
    records = chaff.read_documents(source)
    assert all("html" in r and "text" not in r for r in records)
    assert jsonl(chaff.Cleaner().clean(records)) == run_binary([source], tmp_path / "bin")
    # As text, the markup would be paragraphs; as HTML it is not.
    as_text = next(chaff.Cleaner().clean([{"id": "a", "text": "<p>正文一段。</p>"}]))
    as_html = next(chaff.Cleaner().clean([{"id": "a", "html": "<p>正文一段。</p>"}]))
    assert as_text.text == "<p>正文一段。</p>" and as_html.text == "正文一段。"


def test_errors_count_records_within_the_call_and_ids_over_the_cleaners_life():
    cleaner = chaff.Cleaner()
    first = list(cleaner.clean([{"text": f"第{i}段正文。"} for i in range(5)]))
    assert [r.id for r in first] == [f"<records>:{i}" for i in range(1, 6)]
    with pytest.raises(chaff.RecordError) as err:
        list(cleaner.clean([{"text": "一。"}, {"text": "二。"}, {"text": 3}], batch=2))
    assert err.value.line == 3 and err.value.path == "<records>"
    # The first batch of the failed call went in; the failing one did not.
    assert cleaner.records == 7
    assert next(cleaner.clean([{"text": "新的一段。"}])).id == "<records>:8"


class _InterruptedAfterTheBatch:
    """The native cleaner, with a KeyboardInterrupt right after a batch
    is taken in (where Ctrl-C used to land between the state and the
    record counter)."""

    def __init__(self, native):
        self.native = native

    def clean_batch(self, records, first_line):
        self.native.clean_batch(records, first_line)
        raise KeyboardInterrupt

    def __getattr__(self, name):
        return getattr(self.native, name)


def test_an_interrupt_after_a_batch_does_not_reuse_ids():
    page = chaff.read_documents(SEEDS)[0]["text"]
    cleaner = chaff.Cleaner()
    native = cleaner._native
    cleaner._native = _InterruptedAfterTheBatch(native)
    with pytest.raises(KeyboardInterrupt):
        list(cleaner.clean([{"text": page}]))
    cleaner._native = native
    result = next(cleaner.clean([{"text": page}]))
    assert result.id == "<records>:2"
    repeats = [d for d in result.decisions if d["reason"] == "exact_duplicate"]
    assert repeats and all(d["duplicate_of"]["id"] == "<records>:1" for d in repeats)


def test_a_surrogate_in_a_field_name_is_a_record_error():
    with pytest.raises(chaff.RecordError) as err:
        list(chaff.Cleaner().clean([{"id": "a", "text": "正文。", "\ud800": 1}]))
    assert err.value.line == 1


def test_exceptions_are_named_under_chaff_and_a_missing_file_is_a_file_not_found(tmp_path):
    for kind in (chaff.ChaffError, chaff.ConfigError, chaff.RecordError, chaff.StateError, chaff.NotFoundError):
        assert kind.__module__ == "chaff", kind
    assert issubclass(chaff.NotFoundError, chaff.ChaffError) and issubclass(chaff.NotFoundError, FileNotFoundError)
    missing = tmp_path / "missing.jsonl"
    for call in (
        lambda: chaff.read_documents([missing]),
        lambda: chaff.Cleaner().load_state(missing),
        lambda: chaff.SiteTemplates.load(str(missing)),
    ):
        with pytest.raises(FileNotFoundError) as err:
            call()
        assert isinstance(err.value, chaff.ChaffError)
        assert err.value.path == str(missing) and err.value.filename == str(missing)
        assert str(missing) in str(err.value)


def test_one_path_is_taken_as_one_path_not_its_characters():
    assert chaff.read_documents(SEEDS) == chaff.read_documents([SEEDS])
    assert chaff.read_documents(str(SEEDS)) == chaff.read_documents([str(SEEDS)])
    with pytest.raises(TypeError, match="path"):
        chaff.read_documents(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="iterable of records"):
        list(chaff.Cleaner().clean("not records"))  # type: ignore[arg-type]


def test_template_thresholds_are_checked():
    with pytest.raises(chaff.ConfigError, match="min_share"):
        chaff.Config(templates={"min_share": 5.0})
    with pytest.raises(chaff.ConfigError, match="min_share"):
        chaff.Config(templates={"min_share": -1})
    with pytest.raises(chaff.ConfigError, match="min_pages"):
        chaff.Config(templates={"min_pages": 0})
    chaff.Config(templates={"min_pages": 1, "min_share": 0})


def test_a_cleaner_shared_by_threads_takes_turns():
    records = chaff.read_documents([SEEDS])
    expected = sorted(r.to_json() for r in chaff.Cleaner().clean(records * 4, batch=1))
    cleaner = chaff.Cleaner()
    out, errors = [], []

    def work(part):
        try:
            out.extend(r.to_json() for r in cleaner.clean(part, batch=1))
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(records,)) for _ in range(4)]
    threads.append(threading.Thread(target=lambda: [cleaner.summary for _ in range(50)]))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(out) == 4 * len(records)
    # Which thread's copy comes first varies; what is kept in all does not.
    assert sum(json.loads(line)["text"] != "" for line in out) == sum(
        json.loads(line)["text"] != "" for line in expected
    )
    assert cleaner.summary["documents"] == 4 * len(records)


def test_a_cleaner_has_a_repr():
    cleaner = chaff.Cleaner()
    list(cleaner.clean(chaff.read_documents(SEEDS)))
    assert repr(cleaner).startswith("Cleaner(records=5, documents=5, config=Config(")
