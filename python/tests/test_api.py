"""The Python API on the sample pages: the same bytes as the chaff binary,
every decision, state, templates, errors."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

import chaff
from conftest import SEEDS, run_binary


def seed_records():
    return chaff.read_documents([SEEDS])


def jsonl(results, paragraphs=False):
    results = list(results)
    return "".join(r.to_json(paragraphs) for r in results).encode(), "".join(r.report_json() for r in results).encode()


def test_config_round_trips_and_checks():
    default = chaff.Config()
    assert chaff.Config(default.to_json()) == default
    assert chaff.Config(default.to_dict()) == default
    changed = chaff.Config({"dedup": {"max_hamming": 5}}, split={"repair_breaks": False})
    assert changed["dedup"]["max_hamming"] == 5
    assert changed["dedup"]["min_similarity"] == default["dedup"]["min_similarity"]
    assert changed["split"]["repair_breaks"] is False
    assert chaff.Config.from_json(changed.to_json()) == changed
    with pytest.raises(chaff.ConfigError, match="min_similarity 2"):
        chaff.Config(dedup={"min_similarity": 2})
    with pytest.raises(chaff.ConfigError, match="unknown field"):
        chaff.Config({"dedup": {"max_hamming_typo": 5}})
    with pytest.raises(chaff.ConfigError):
        chaff.Config("{not json")


def test_sample_pages_give_the_binarys_bytes(tmp_path):
    results = list(chaff.Cleaner().clean(seed_records()))
    assert jsonl(results) == run_binary([SEEDS], tmp_path / "a")
    assert jsonl(results, paragraphs=True) == run_binary([SEEDS], tmp_path / "b", "--paragraphs")


@pytest.mark.parametrize("batch", [1, 3, 512])
def test_batch_size_and_calls_do_not_change_the_result(batch):
    records = seed_records()
    whole = jsonl(chaff.Cleaner().clean(records))
    cleaner = chaff.Cleaner()
    pieces = list(cleaner.clean(records[:2], batch=batch)) + list(cleaner.clean(records[2:], batch=batch))
    assert jsonl(pieces) == whole


def test_every_paragraph_has_a_decision_and_the_report_matches():
    cleaner = chaff.Cleaner()
    results = list(cleaner.clean(seed_records()))
    total = 0
    for r in results:
        decisions = r.decisions
        total += len(decisions)
        assert [d["index"] for d in decisions] == list(range(len(decisions)))
        assert [d["text"] for d in decisions if d["kept"]] == r.paragraphs
        assert "\n".join(r.paragraphs) == r.text
        dropped = [d for d in decisions if d["reason"] != "kept"]
        assert len(dropped) == len(r.report)
        for d, entry in zip(dropped, r.report):
            assert entry["paragraph"] == d["index"] and entry["reason"] == d["reason"]
            if d["reason"] == "exact_duplicate":
                assert set(d["duplicate_of"]) == {"id", "paragraph"}
            if d["reason"] == "near_duplicate":
                assert d["hamming"] <= 11 and d["similarity"] >= 0.75
    assert cleaner.summary["paragraphs_in"] == total
    assert cleaner.summary["dropped"]["exact_duplicate"] > 0
    assert cleaner.run_record()["config"] == chaff.Config().to_dict()


def test_repeats_are_found_across_calls_first_occurrence_wins():
    cleaner = chaff.Cleaner()
    text = "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各部门负责人参加。"
    (first,) = cleaner.clean([{"id": "a", "text": text}])
    (second,) = cleaner.clean([{"id": 7, "text": text.replace("，", ","), "url": "https://x.cn/"}])
    assert first.paragraphs == [text]
    assert second.id == "7" and second.url == "https://x.cn/" and second.paragraphs == []
    assert second.decisions[0]["duplicate_of"] == {"id": "a", "paragraph": 0}


def test_state_saves_and_loads(tmp_path):
    records = seed_records()
    first = chaff.Cleaner()
    list(first.clean(records[:3]))
    state = tmp_path / "seen.idx"
    first.save_state(state)
    later = chaff.Cleaner()
    later.load_state(state)
    again = list(later.clean(records[:3]))
    assert all(not r.paragraphs for r in again), "everything was seen by the first run"
    state.write_bytes(state.read_bytes()[:100])
    with pytest.raises(chaff.StateError) as err:
        chaff.Cleaner().load_state(state)
    assert err.value.path == str(state) and err.value.byte_offset is not None


def test_site_templates(tmp_path):
    disclaimer = "城市发展研究中心长期关注这座城市的交通、住房与公共服务。"
    pages = [
        {"id": str(i), "text": f"第{i}篇文章的正文内容，讲述了城市的发展。\n{disclaimer}", "url": f"https://news.example.cn/{i}.html"}
        for i in range(8)
    ]
    cleaner = chaff.Cleaner()
    templates = cleaner.learn_site_templates(pages)
    assert len(templates) == 1
    path = tmp_path / "t.json"
    templates.save(str(path))
    cleaner.set_site_templates(chaff.SiteTemplates.load(str(path)))
    results = list(cleaner.clean(pages))
    assert results[0].paragraphs == ["第0篇文章的正文内容，讲述了城市的发展。"]
    assert results[0].decisions[1]["reason"] == "site_template"
    assert results[0].decisions[1]["pages"] == 8 and results[0].decisions[1]["site_pages"] == 8


def test_errors_say_where():
    cleaner = chaff.Cleaner()
    with pytest.raises(chaff.RecordError) as err:
        list(cleaner.clean([{"id": "a", "text": "一"}, {"id": "b"}]))
    assert err.value.path == "<records>" and err.value.line == 2
    with pytest.raises(chaff.RecordError, match="mapping"):
        list(cleaner.clean(["just a string"]))
    with pytest.raises(chaff.RecordError, match='"text" must be a string'):
        list(cleaner.clean([{"id": "a", "text": b"bytes"}]))
    with pytest.raises(ValueError):
        list(cleaner.clean([], batch=0))
    with pytest.raises(chaff.ChaffError) as err:
        chaff.read_documents(["/nonexistent/x.jsonl"])
    assert err.value.path == "/nonexistent/x.jsonl"
    assert issubclass(chaff.RecordError, chaff.ChaffError)


def test_the_gil_is_released_while_rust_works():
    text = "\n".join(f"第{i}段：市政府召开常务会议，研究部署今年的第{i}项重点工作，会议由市长主持。" for i in range(3000))
    records = [{"id": str(i), "text": text + str(i)} for i in range(40)]
    ticks = 0
    done = False

    def tick():
        nonlocal ticks
        while not done:
            ticks += 1
            time.sleep(0)

    thread = threading.Thread(target=tick)
    thread.start()
    started = ticks
    list(chaff.Cleaner().clean(records, batch=40))
    done = True
    thread.join()
    assert ticks - started > 100
