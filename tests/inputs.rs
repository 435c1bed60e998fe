//! Readers, errors and edge cases of input.

use std::path::PathBuf;

use chaff::io::{Utf8Policy, documents};
use chaff::{Cleaner, Config, Document, Error};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chaff-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn invalid_utf8_names_the_file_line_and_offset() {
    let dir = temp_dir("utf8");
    let path = dir.join("bad.txt");
    std::fs::write(&path, b"first line\nsecond \xE4\xB8 broken").unwrap();
    let err = documents(std::slice::from_ref(&path), Utf8Policy::Strict)
        .next()
        .unwrap()
        .unwrap_err();
    match &err {
        Error::InvalidUtf8 {
            source_name,
            line,
            byte_offset,
            ..
        } => {
            assert_eq!(source_name, &path);
            assert_eq!((*line, *byte_offset), (2, 18));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .ends_with("bad.txt:2: invalid UTF-8 at byte offset 18")
    );

    let doc = documents(&[path], Utf8Policy::Lossy)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(doc.replaced_invalid_utf8, 1);
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    cleaner.clean(doc);
    assert_eq!(cleaner.summary().replaced_invalid_utf8, 1);
}

#[test]
fn jsonl_errors_name_the_line_and_do_not_take_other_records() {
    let dir = temp_dir("jsonl");
    let path = dir.join("in.jsonl");
    std::fs::write(
        &path,
        "{\"id\":\"a\",\"text\":\"甲。\",\"url\":\"http://x.cn/1\"}\n{not json}\n{\"id\":7,\"text\":\"乙。\"}\n{\"text\":\"丙。\"}\n",
    )
    .unwrap();
    let results: Vec<Result<Document, Error>> =
        documents(std::slice::from_ref(&path), Utf8Policy::Strict).collect();
    assert_eq!(results.len(), 4);
    assert_eq!(
        results[0].as_ref().unwrap().url.as_deref(),
        Some("http://x.cn/1")
    );
    let err = results[1].as_ref().unwrap_err().to_string();
    assert!(
        err.contains("in.jsonl:2: bad record at byte offset 49: not a JSONL record"),
        "{err}"
    );
    assert_eq!(results[2].as_ref().unwrap().id, "7");
    assert!(results[3].as_ref().unwrap().id.ends_with("in.jsonl:4"));
    assert!(err.contains("(column 2 of the line)"), "{err}");
    // A record cut off inside a string ends at its line break: that is
    // where the error is, not at a column 0.
    std::fs::write(
        &path,
        "{\"id\":\"a\",\"text\":\"abc\n{\"id\":\"b\",\"text\":\"d\"}\n",
    )
    .unwrap();
    let results: Vec<Result<Document, Error>> =
        documents(std::slice::from_ref(&path), Utf8Policy::Strict).collect();
    let err = results[0].as_ref().unwrap_err().to_string();
    assert!(err.contains("(at the end of the line)"), "{err}");
    assert!(!err.contains("column 0"), "{err}");
}

#[test]
fn a_missing_input_is_an_error_naming_it() {
    let missing = PathBuf::from("/nonexistent/chaff/page.txt");
    let err = documents(std::slice::from_ref(&missing), Utf8Policy::Strict)
        .next()
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().starts_with("/nonexistent/chaff/page.txt: "));
}

#[test]
fn empty_input_gives_empty_output() {
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let clean = cleaner.clean(Document::new("empty", ""));
    assert!(clean.paragraphs.is_empty());
    let clean = cleaner.clean(Document::new("blank", " \n\r\n\u{3000}\u{200B}\n"));
    assert!(clean.paragraphs.is_empty());
    assert!(cleaner.clean_batch(Vec::new()).is_empty());
    assert_eq!(cleaner.summary().documents, 2);
}

#[test]
fn run_stops_at_the_first_input_error_after_cleaning_what_came_before() {
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let mut out = Vec::new();
    let inputs = vec![
        Ok(Document::new("a", "正文。")),
        Err(Error::Config("boom".into())),
        Ok(Document::new("b", "另一段。")),
    ];
    assert!(cleaner.run(inputs, 1, &mut out).is_err());
    assert_eq!(out.len(), 1);
}

#[test]
fn bad_configuration_is_rejected() {
    let mut config = Config::default();
    config.dedup.max_hamming = 65; // a SimHash has 64 bits
    assert!(matches!(Cleaner::new(config), Err(Error::Config(_))));
    let mut config = Config::default();
    config.fingerprint.cjk_shingle_chars = 0;
    assert!(Cleaner::new(config).is_err());
    assert!(serde_json::from_str::<Config>(r#"{"dedup": {"max_haming": 3}}"#).is_err());
}

#[test]
fn near_repeats_across_documents_point_at_the_first() {
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let original = "2023年,呼和浩特全力培育“六大产业集群”,产值实现2430亿元,占全市工业总产值比重突破90%,为呼和浩特推进高质量发展提供了“新动能”。全年新增规模以上工业企业41户,总数达到322户。";
    // a different comma and an inserted quote: a new key, the same shingles
    let edited = original
        .replacen(",", "、", 2)
        .replacen("六大", "『六大", 1);
    let clean = cleaner.clean_batch(vec![
        Document::new("a", original),
        Document::new("b", edited),
    ]);
    match &clean[1].paragraphs[0].verdict {
        chaff::Verdict::NearDuplicate {
            duplicate_of,
            hamming,
            similarity,
        } => {
            assert_eq!(&*duplicate_of.id, "a");
            assert!(
                *hamming <= 11 && *similarity >= 0.75,
                "{hamming} {similarity}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_document_stream_can_be_read_on_another_thread() {
    let dir = temp_dir("send");
    std::fs::write(dir.join("a.txt"), "正文。").unwrap();
    let stream = documents([&dir], Utf8Policy::Strict);
    let ids: Vec<String> = std::thread::spawn(move || stream.map(|d| d.unwrap().id).collect())
        .join()
        .unwrap();
    assert_eq!(ids, ["a.txt"]);
}

#[test]
fn saved_pages_in_a_directory_are_read_as_html_whatever_their_name() {
    let dir = temp_dir("saved-pages");
    let page = "<!DOCTYPE html><html><head><title>t</title><script>var x = 1;</script></head>\
                <body><p>市政府召开常务会议，研究部署今年的重点工作。</p></body></html>";
    for name in ["a.shtml", "b.php", "c.aspx", "d", "e.txt", "f.JSP"] {
        std::fs::write(dir.join(name), page).unwrap();
    }
    // Not HTML: a file with no ending that is notes, and a server page
    // ending that is not a page.
    std::fs::write(dir.join("NOTES"), "Notes about the crawl.").unwrap();
    std::fs::write(dir.join("g.php"), "<?php echo 1; ?>").unwrap();
    let found = chaff::io::input_files([&dir]).unwrap();
    let names: Vec<String> = found
        .files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.shtml", "b.php", "c.aspx", "d", "e.txt", "f.JSP"]);
    let skipped: Vec<String> = found
        .skipped
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(skipped, ["NOTES", "g.php"]);
    // Every one, the `.txt` included, is read as HTML: no script source,
    // no markup.
    for document in documents(&found.files, Utf8Policy::Strict) {
        let document = document.unwrap();
        assert_eq!(
            document.kind,
            chaff::document::Kind::Html,
            "{}",
            document.id
        );
        let mut cleaner = Cleaner::new(Config::default()).unwrap();
        let clean = cleaner.clean_batch(vec![document]);
        let kept: Vec<&str> = clean[0].kept().collect();
        assert_eq!(
            kept,
            ["市政府召开常务会议，研究部署今年的重点工作。"],
            "{}",
            clean[0].id
        );
    }
    // `--format txt` still reads the `.txt` file as text.
    let forced = chaff::io::documents_as(
        [dir.join("e.txt")],
        Utf8Policy::Strict,
        Some(chaff::io::Format::Txt),
    )
    .next()
    .unwrap()
    .unwrap();
    assert_eq!(forced.kind, chaff::document::Kind::Text);
}
