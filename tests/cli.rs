//! The `chaff` binary as a process: one test per kind of data loss of
//! issue 12 (each failed on the code before the fix), and what a user sees.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const CHAFF: &str = env!("CARGO_BIN_EXE_chaff");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chaff-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs chaff in `dir` with standard input from /dev/null.
fn chaff(dir: &Path, args: &[&str]) -> Output {
    Command::new(CHAFF)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs chaff in `dir` with `input` piped to standard input.
fn chaff_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(CHAFF)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[track_caller]
fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstderr: {}",
        output.status,
        stderr(output)
    );
}

/// Exit code 1 or 2 with one `chaff: ` message: never a panic or an abort.
#[track_caller]
fn assert_refused(output: &Output, mentions: &str) {
    let err = stderr(output);
    assert!(
        matches!(output.status.code(), Some(1 | 2)),
        "exit {:?}\nstderr: {err}",
        output.status
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains(mentions),
        "stderr does not mention {mentions:?}: {err}"
    );
    assert!(!err.contains(".partial"), "names a temporary file: {err}");
}

const PAGE: &str =
    "分享到:\n市统计局发布数据,全市经济运行总体平稳,工业生产稳步增长。\n蒙ICP备16003084号-4\n";

fn record(id: &str, text: &str) -> String {
    format!("{}\n", serde_json::json!({"id": id, "text": text}))
}

/// Records with a distinct kept paragraph each.
fn records(n: usize) -> String {
    (0..n)
        .map(|i| {
            record(
                &format!("doc-{i}"),
                &format!("分享到:\n第{i}篇:市统计局发布数据,全市经济运行总体平稳,编号{i}。"),
            )
        })
        .collect()
}

fn jsonl_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

// 1. An output path equal to an input is refused before anything is read.
#[test]
fn an_output_equal_to_an_input_is_refused() {
    let dir = temp_dir("same");
    let input = records(3);
    fs::write(dir.join("x.jsonl"), &input).unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    fs::hard_link(dir.join("x.jsonl"), dir.join("hard.jsonl")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("x.jsonl", dir.join("soft.jsonl")).unwrap();
    fs::write(dir.join("s.idx"), "a state file").unwrap();
    let cases: &[&[&str]] = &[
        &["x.jsonl", "-o", "x.jsonl"],
        &["x.jsonl", "-o", "sub/../x.jsonl"],
        &["x.jsonl", "-o", "hard.jsonl"],
        #[cfg(unix)]
        &["x.jsonl", "-o", "soft.jsonl"],
        &["x.jsonl", "-o", "out.jsonl", "-r", "x.jsonl"],
        &["x.jsonl", "-o", "out.jsonl", "--save-state", "x.jsonl"],
        &["x.jsonl", "-o", "out.jsonl", "--summary", "./x.jsonl"],
        &[
            "x.jsonl",
            "-o",
            "out.jsonl",
            "--load-state",
            "s.idx",
            "-r",
            "s.idx",
        ],
    ];
    for args in cases {
        let output = chaff(&dir, args);
        let typed = args[args.len() - 1];
        assert_refused(&output, typed);
        assert!(stderr(&output).contains("input"), "{}", stderr(&output));
        assert_eq!(
            fs::read_to_string(dir.join("x.jsonl")).unwrap(),
            input,
            "{args:?}"
        );
        assert!(!dir.join("out.jsonl").exists(), "{args:?}");
    }

    // A directory of inputs: the output directory may be neither it nor
    // hold any input, and no output may be one of its files.
    let pages = dir.join("pages");
    fs::create_dir(&pages).unwrap();
    fs::write(pages.join("a.txt"), PAGE).unwrap();
    for args in [
        &["pages", "--output-dir", "pages"][..],
        &["pages", "--output-dir", "./pages/"],
        &["pages/a.txt", "--output-dir", "pages"],
        &["pages", "-o", "pages/a.txt"],
        &["pages", "-o", "out.jsonl", "-r", "pages/a.txt"],
    ] {
        let output = chaff(&dir, args);
        assert_refused(&output, args[args.len() - 1].trim_end_matches('/'));
        assert_eq!(fs::read_to_string(pages.join("a.txt")).unwrap(), PAGE);
        assert_eq!(fs::read_dir(&pages).unwrap().count(), 1, "{args:?}");
    }

    // Loading and saving the same state is the incremental run, allowed.
    let output = chaff(
        &dir,
        &["x.jsonl", "-o", "out.jsonl", "--save-state", "s.idx"],
    );
    assert_ok(&output);
    let output = chaff(
        &dir,
        &[
            "x.jsonl",
            "-o",
            "out2.jsonl",
            "--load-state",
            "s.idx",
            "--save-state",
            "s.idx",
        ],
    );
    assert_ok(&output);
}

// 2. Two outputs on one path are refused up front.
#[test]
fn two_outputs_on_one_path_are_refused() {
    let dir = temp_dir("collide");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    fs::write(dir.join("existing.jsonl"), "keep me\n").unwrap();
    fs::hard_link(dir.join("existing.jsonl"), dir.join("hard.jsonl")).unwrap();
    for args in [
        &["in.jsonl", "-o", "out.jsonl", "-r", "out.jsonl"][..],
        &[
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--summary",
            "sub/../out.jsonl",
        ],
        &["in.jsonl", "-o", "a.idx", "--save-state", "./a.idx"],
        &["in.jsonl", "-o", "existing.jsonl", "-r", "hard.jsonl"],
        &[
            "in.jsonl",
            "--output-dir",
            "pages",
            "-r",
            "pages/report.jsonl",
        ],
        &["in.jsonl", "--output-dir", "pages", "--summary", "pages"],
        &["in.jsonl", "-o", "-", "-r", "-"],
    ] {
        let output = chaff(&dir, args);
        assert_refused(&output, args[args.len() - 1]);
        let err = stderr(&output);
        assert!(err.contains("same") || err.contains("inside"), "{err}");
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["existing.jsonl", "hard.jsonl", "in.jsonl", "sub"],
            "{args:?}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("existing.jsonl")).unwrap(),
            "keep me\n"
        );
    }
}

// 3. A symlink is written through, never replaced; streams the shell
// opened (standard output and error, and links to them) are written in
// place.
#[cfg(unix)]
#[test]
fn symlinks_and_streams_are_written_through() {
    use std::os::unix::fs::MetadataExt;
    let dir = temp_dir("links");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    fs::create_dir(dir.join("real")).unwrap();
    std::os::unix::fs::symlink("real/out.jsonl", dir.join("out.jsonl")).unwrap();
    std::os::unix::fs::symlink("real/report.jsonl", dir.join("report.jsonl")).unwrap();
    fs::write(dir.join("real/report.jsonl"), "old\n").unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "-r", "report.jsonl"]);
    assert_ok(&output);
    for link in ["out.jsonl", "report.jsonl"] {
        assert!(
            fs::symlink_metadata(dir.join(link))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    assert_eq!(
        jsonl_lines(&fs::read_to_string(dir.join("real/out.jsonl")).unwrap()).len(),
        3
    );
    assert!(
        fs::read_to_string(dir.join("real/report.jsonl"))
            .unwrap()
            .contains("share_widget")
    );

    // A link to /dev/stderr while standard error goes to a file: the
    // report lands in that file, which stays the same file, and the link
    // stays a link.
    std::os::unix::fs::symlink("/dev/stderr", dir.join("err")).unwrap();
    let log = dir.join("log");
    fs::write(&log, "before\n").unwrap();
    let inode = fs::metadata(&log).unwrap().ino();
    let log_file = fs::OpenOptions::new().append(true).open(&log).unwrap();
    let status = Command::new(CHAFF)
        .args(["in.jsonl", "-o", "out2.jsonl", "-r", "err"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stderr(log_file)
        .status()
        .unwrap();
    let logged = fs::read_to_string(&log).unwrap();
    assert!(status.success(), "{logged}");
    assert!(
        fs::symlink_metadata(dir.join("err"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::metadata(&log).unwrap().ino(), inode);
    assert!(logged.starts_with("before\n"), "{logged}");
    let report_lines = logged
        .lines()
        .filter(|l| l.starts_with('{') && l.contains("share_widget"));
    assert_eq!(report_lines.count(), 3, "{logged}");
}

// 4. Every output location and the configuration are checked before any
// input is read, and errors name the path the user typed.
#[test]
fn outputs_and_settings_are_checked_before_the_work() {
    let dir = temp_dir("early");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    for args in [
        &[
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--save-state",
            "missing/s.idx",
        ][..],
        &["in.jsonl", "-o", "out.jsonl", "--summary", "missing/s.json"],
        &["in.jsonl", "-o", "out.jsonl", "-r", "missing/r.jsonl"],
        &[
            "in.jsonl",
            "--site-templates",
            "--save-templates",
            "t.json",
            "-o",
            "missing/out.jsonl",
        ],
    ] {
        let output = chaff(&dir, args);
        assert_refused(&output, args[args.len() - 1]);
        assert!(!dir.join("out.jsonl").exists(), "{args:?}");
        assert!(!dir.join("t.json").exists(), "{args:?}");
    }
    // An invalid setting is refused before the first pass reads anything
    // (the input's bad UTF-8 would be the error otherwise).
    fs::write(dir.join("bad.txt"), b"\xFF\xFE").unwrap();
    let output = chaff(
        &dir,
        &[
            "bad.txt",
            "--site-templates",
            "--save-templates",
            "t.json",
            "--max-hamming",
            "99",
            "-o",
            "out.jsonl",
        ],
    );
    assert_refused(&output, "max_hamming");
    assert!(!dir.join("t.json").exists());
    // An unwritable report is named as the report.
    #[cfg(target_os = "linux")]
    {
        let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "-r", "/dev/full"]);
        assert_refused(&output, "/dev/full");
        assert!(
            !stderr(&output).contains("out.jsonl"),
            "{}",
            stderr(&output)
        );
        assert!(!dir.join("out.jsonl").exists());
    }
}

// 5. A cut-off .gz or .zst is a cut-off last record: reported with its
// offset, and the next input is read.
#[test]
fn a_truncated_compressed_input_is_a_cut_off_last_record() {
    let dir = temp_dir("truncated");
    let plain = records(400);
    let gz = gzip(plain.as_bytes());
    fs::write(dir.join("cut.jsonl.gz"), &gz[..gz.len() * 6 / 10]).unwrap();
    let zst = zstd::encode_all(records(8000).as_bytes(), 3).unwrap();
    fs::write(dir.join("cut.jsonl.zst"), &zst[..zst.len() * 6 / 10]).unwrap();
    let wet: String = (0..100)
        .map(|i| {
            let body = format!("第{i}篇:市统计局发布数据,全市经济运行总体平稳,编号{i}。\n");
            format!(
                "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:{i}>\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
                body.len()
            )
        })
        .collect();
    let wet_gz = gzip(wet.as_bytes());
    fs::write(dir.join("cut.wet.gz"), &wet_gz[..wet_gz.len() / 2]).unwrap();
    let page_gz = gzip(PAGE.repeat(50).as_bytes());
    fs::write(dir.join("cut.txt.gz"), &page_gz[..page_gz.len() / 2]).unwrap();
    fs::write(
        dir.join("next.jsonl"),
        record("next", "下一个文件的正文段落,完整无缺。"),
    )
    .unwrap();

    for cut in ["cut.jsonl.gz", "cut.jsonl.zst", "cut.wet.gz", "cut.txt.gz"] {
        let output = chaff(
            &dir,
            &[cut, "next.jsonl", "--skip-bad-records", "-o", "out.jsonl"],
        );
        assert_ok(&output);
        let err = stderr(&output);
        assert!(err.contains(cut) && err.contains("offset"), "{cut}: {err}");
        assert!(err.contains("cut off"), "{cut}: {err}");
        let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
        assert_eq!(out.last().unwrap()["id"], "next", "{cut}");
        if cut != "cut.txt.gz" {
            assert!(out.len() > 10, "{cut}: {} records", out.len());
        }
        // Without --skip-bad-records it is an error naming file and offset.
        let output = chaff(&dir, &[cut, "next.jsonl", "-o", "out2.jsonl"]);
        assert_refused(&output, cut);
        assert!(stderr(&output).contains("offset"), "{}", stderr(&output));
        assert!(!dir.join("out2.jsonl").exists());
    }
}

// 6. --output-dir writes every document to a file of its own, and nothing
// when the run fails.
#[test]
fn output_dir_loses_no_document() {
    let dir = temp_dir("outdir");
    let long = "长".repeat(120);
    let ids = [
        "a/b",
        "a_b",
        "A_B",
        "x",
        "x.txt",
        "",
        ".",
        "..",
        &long,
        "page.txt.gz",
        "p\nq",
    ];
    let input: String = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            record(
                id,
                &format!("第{i}篇:市统计局发布数据,全市经济运行总体平稳,编号{i}。"),
            )
        })
        .collect();
    fs::write(dir.join("in.jsonl"), &input).unwrap();
    let output = chaff(
        &dir,
        &["in.jsonl", "--output-dir", "pages", "-r", "report.jsonl"],
    );
    assert_ok(&output);
    let files: Vec<PathBuf> = fs::read_dir(dir.join("pages"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), ids.len(), "{files:?}");
    for (i, _) in ids.iter().enumerate() {
        let wanted = format!("编号{i}。");
        let holding: Vec<&PathBuf> = files
            .iter()
            .filter(|f| fs::read_to_string(f).is_ok_and(|t| t.contains(&wanted)))
            .collect();
        assert_eq!(holding.len(), 1, "document {i}: {holding:?}");
        let name = holding[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            name.len() <= 255 && name.ends_with(".txt") && !name.contains('\n'),
            "{name}"
        );
    }
    assert!(
        stderr(&output).contains("--output-dir"),
        "renames not reported: {}",
        stderr(&output)
    );

    // A run that fails leaves neither pages nor report behind.
    fs::write(dir.join("bad.jsonl"), format!("{}not json\n", records(3))).unwrap();
    let output = chaff(
        &dir,
        &["bad.jsonl", "--output-dir", "pages2", "-r", "report2.jsonl"],
    );
    assert_refused(&output, "bad.jsonl");
    assert!(!dir.join("pages2").exists());
    assert!(!dir.join("report2.jsonl").exists());
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| {
            n.to_string_lossy().contains("pages2") || n.to_string_lossy().contains("partial")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// 7. Inputs never silently yield nothing.
#[test]
fn every_readable_input_is_read_and_the_rest_is_named() {
    let dir = temp_dir("inputs");
    let pages = dir.join("pages");
    fs::create_dir_all(pages.join("sub/deeper")).unwrap();
    fs::write(pages.join("a.txt"), PAGE).unwrap();
    fs::write(
        pages.join("B.TXT"),
        "第二页:市政府召开常务会议,研究部署重点工作。\n",
    )
    .unwrap();
    fs::write(pages.join("sub/c.jsonl"), records(2)).unwrap();
    fs::write(
        pages.join("sub/deeper/d.jsonl.gz"),
        gzip(record("d", "第四份:全市工业平稳运行。").as_bytes()),
    )
    .unwrap();
    fs::write(pages.join("sub/notes.pdf"), b"%PDF-1.4").unwrap();
    let output = chaff(&dir, &["pages", "-o", "out.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    let ids: Vec<&str> = out.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["B.TXT", "a.txt", "doc-0", "doc-1", "d"]);
    let err = stderr(&output);
    assert_eq!(err.matches("notes.pdf").count(), 1, "{err}");
    assert!(!stderr(&chaff(&dir, &["pages", "-o", "out.jsonl", "-q"])).contains("notes.pdf"));

    // A missing input is refused before anything is written.
    let output = chaff(&dir, &["pages", "nothere.jsonl", "-o", "out3.jsonl"]);
    assert_refused(&output, "nothere.jsonl");
    assert!(!dir.join("out3.jsonl").exists());

    // Piped standard input without `-` is read.
    let output = chaff_with_stdin(&dir, &["-o", "-"], records(2).as_bytes());
    assert_ok(&output);
    let ids: Vec<String> = jsonl_lines(&stdout(&output))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["doc-0", "doc-1"]);
    // ... and gzip data on standard input is decompressed.
    let output = chaff_with_stdin(&dir, &["-", "-o", "-"], &gzip(records(2).as_bytes()));
    assert_ok(&output);
    assert_eq!(jsonl_lines(&stdout(&output)).len(), 2);
    // A file whose name says no format is read as standard input is:
    // JSONL when it starts with `{`.
    fs::write(dir.join("records"), records(2)).unwrap();
    let output = chaff(&dir, &["records", "-o", "-"]);
    assert_ok(&output);
    assert_eq!(jsonl_lines(&stdout(&output)).len(), 2);
    // Without inputs and with nothing piped, chaff says what it needs.
    let output = chaff(&dir, &[]);
    assert_refused(&output, "input");
}

// 8. No numeric argument panics or aborts, in the binary or the library.
#[test]
fn numeric_arguments_never_panic() {
    let dir = temp_dir("numbers");
    fs::write(dir.join("in.jsonl"), records(5)).unwrap();
    let max = u64::MAX.to_string();
    for (flag, value) in [
        ("--batch", "1000000000"),
        ("--batch", max.as_str()),
        ("--batch", "0"),
        ("--threads", "100000000"),
        ("--threads", max.as_str()),
        ("--max-hamming", max.as_str()),
        ("--cjk-shingle", max.as_str()),
        ("--word-shingle", "0"),
        ("--batch", "-1"),
    ] {
        let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", flag, value]);
        let err = stderr(&output);
        assert!(!err.contains("panicked"), "{flag} {value}: {err}");
        assert!(
            matches!(output.status.code(), Some(0..=2)),
            "{flag} {value}: {:?} {err}",
            output.status
        );
        if !output.status.success() {
            assert!(
                err.contains(flag.trim_start_matches('-')) || err.contains(value),
                "{flag} {value}: {err}"
            );
        }
    }
}

#[test]
fn library_runs_take_any_batch_size() {
    let docs = || {
        (0..3).map(|i| {
            Ok(chaff::Document::new(
                format!("{i}"),
                format!("第{i}段正文。"),
            ))
        })
    };
    for batch in [0, 1, 1_000_000_000, usize::MAX] {
        let mut out = Vec::new();
        let mut cleaner = chaff::Cleaner::new(chaff::Config::default()).unwrap();
        cleaner.run(docs(), batch, &mut out).unwrap();
        assert_eq!(out.len(), 3);
        let templates =
            chaff::pipeline::learn_site_templates(docs(), &chaff::Config::default(), batch);
        assert!(templates.is_ok());
    }
}

// What users expect of it.
#[test]
fn records_keep_their_fields_and_hold_the_text_once() {
    let dir = temp_dir("fields");
    let input = format!(
        "{}{}",
        serde_json::json!({"id": "a", "url": "https://x.cn/a", "date": "2024-05-01", "text": PAGE, "crawl": {"segment": 7}}),
        "\n{\"id\":\"b\",\"text\":\"分享到:\"}\n"
    );
    fs::write(dir.join("in.jsonl"), input).unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "-", "-q"]);
    assert_ok(&output);
    let records = jsonl_lines(&stdout(&output));
    assert_eq!(records.len(), 2);
    assert_eq!(
        records[0].to_string(),
        r#"{"id":"a","url":"https://x.cn/a","date":"2024-05-01","crawl":{"segment":7},"text":"市统计局发布数据,全市经济运行总体平稳,工业生产稳步增长。"}"#
    );
    assert_eq!(records[1]["text"], "");
    let output = chaff(
        &dir,
        &["in.jsonl", "-o", "-", "-q", "--paragraphs", "--drop-empty"],
    );
    let records = jsonl_lines(&stdout(&output));
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["paragraphs"][0], records[0]["text"]);

    // The summary names the version and the inputs.
    let output = chaff(
        &dir,
        &["in.jsonl", "-o", "out.jsonl", "--summary", "s.json", "-q"],
    );
    assert_ok(&output);
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    assert_eq!(summary["chaff_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(summary["inputs"], serde_json::json!(["in.jsonl"]));
    assert_eq!(summary["summary"]["documents_empty"], 1);
}

#[test]
fn text_in_another_encoding_gets_a_hint() {
    let dir = temp_dir("gbk");
    let (gbk, _, _) = encoding_rs::GBK.encode("市统计局发布数据,全市经济运行总体平稳。\n");
    fs::write(dir.join("gbk.txt"), &gbk).unwrap();
    let output = chaff(&dir, &["gbk.txt", "-o", "out.jsonl"]);
    assert_refused(&output, "GB18030");
    assert!(
        stderr(&output).contains("hint: convert it to UTF-8"),
        "{}",
        stderr(&output)
    );
    let output = chaff_with_stdin(&dir, &["-o", "-"], &gbk);
    assert_refused(&output, "<stdin>:1: invalid UTF-8 at byte offset 0");
    assert!(stderr(&output).contains("iconv"), "{}", stderr(&output));
    // --lossy would turn every GBK character into U+FFFD: not offered as a fix.
    assert!(
        !stderr(&output).contains("or pass --lossy"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_summary_names_the_threads_it_ran_on() {
    let dir = temp_dir("threads");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    for (threads, said) in [("1", "on 1 thread,"), ("2", "on 2 threads,")] {
        let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "--threads", threads]);
        assert_ok(&output);
        assert!(stderr(&output).contains(said), "{}", stderr(&output));
    }
}

#[test]
fn skipped_records_are_printed_once_and_not_when_quiet() {
    let dir = temp_dir("skips");
    fs::write(dir.join("in.jsonl"), format!("{}not json\n", records(2))).unwrap();
    let output = chaff(
        &dir,
        &[
            "in.jsonl",
            "--skip-bad-records",
            "--site-templates",
            "-o",
            "out.jsonl",
        ],
    );
    assert_ok(&output);
    assert_eq!(
        stderr(&output).matches("in.jsonl:3: bad record").count(),
        1,
        "{}",
        stderr(&output)
    );
    let output = chaff(
        &dir,
        &["in.jsonl", "--skip-bad-records", "-o", "out.jsonl", "-q"],
    );
    assert_ok(&output);
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_closed_standard_output_ends_the_run_quietly() {
    let dir = temp_dir("pipe");
    fs::write(dir.join("in.jsonl"), records(20_000)).unwrap();
    let mut child = Command::new(CHAFF)
        .args(["in.jsonl", "-q"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{:?} {}",
        output.status,
        stderr(&output)
    );
    assert_eq!(stderr(&output), "");
}

// The audit report (issue 17): an output like the others.
#[test]
fn audit_html_is_an_output_checked_with_the_others() {
    let dir = temp_dir("audit");
    fs::write(dir.join("in.jsonl"), records(30)).unwrap();
    let before = fs::read(dir.join("in.jsonl")).unwrap();
    // Over an input, beside another output, inside the output directory:
    // refused before anything is read, and the input is untouched.
    let over_input = chaff(
        &dir,
        &["in.jsonl", "-o", "out.jsonl", "--audit-html", "in.jsonl"],
    );
    assert_refused(&over_input, "in.jsonl");
    let twice = chaff(
        &dir,
        &["in.jsonl", "-o", "out.jsonl", "--audit-html", "out.jsonl"],
    );
    assert_refused(&twice, "out.jsonl");
    let inside = chaff(
        &dir,
        &[
            "in.jsonl",
            "--output-dir",
            "pages",
            "--audit-html",
            "pages/a.html",
        ],
    );
    assert_refused(&inside, "pages");
    assert_eq!(fs::read(dir.join("in.jsonl")).unwrap(), before);
    assert!(!dir.join("out.jsonl").exists());
    // Bad sample settings are refused before the work too.
    let too_small = chaff(
        &dir,
        &[
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--audit-html",
            "a.html",
            "--audit-max-mb",
            "0.5",
        ],
    );
    assert_refused(&too_small, "--audit-max-mb");
    // A name that is no file's is refused before the run, not after it.
    for name in ["report.html/", "in.jsonl/", "x.html/."] {
        let not_a_file = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "--audit-html", name]);
        assert_refused(&not_a_file, "name a file");
        assert_eq!(not_a_file.status.code(), Some(2));
        assert!(!dir.join("out.jsonl").exists());
    }
    // A compressed report is refused: a browser does not open it.
    for name in ["a.html.gz", "a.html.zst"] {
        let compressed = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "--audit-html", name]);
        assert_refused(&compressed, "never compressed");
        assert!(!dir.join(name).exists());
    }
    let too_many = chaff(
        &dir,
        &[
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--audit-html",
            "a.html",
            "--audit-sample",
            "5000",
        ],
    );
    assert_refused(&too_many, "--audit-sample");
    let without = chaff(
        &dir,
        &["in.jsonl", "-o", "out.jsonl", "--audit-sample", "3"],
    );
    assert_eq!(without.status.code(), Some(2), "{}", stderr(&without));

    let output = chaff(
        &dir,
        &[
            "in.jsonl",
            "-o",
            "out.jsonl",
            "--audit-html",
            "audit.html",
            "--audit-sample",
            "4",
            "--audit-top",
            "2",
        ],
    );
    assert_ok(&output);
    assert!(stderr(&output).contains("audit report: audit.html"));
    let html = fs::read_to_string(dir.join("audit.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("30 pages cleaned"));
    // Every page drops its share widget: the sample of 4 and the 2 + 2 top
    // pages (the first pages, ties going to the earlier page) overlap.
    let pages = html.matches("<section class=\"page\"").count();
    assert!((4..=12).contains(&pages), "{pages} pages");
    assert_eq!(
        html.matches("<del class=\"t\">分享到:</del>").count(),
        pages,
        "every page's share widget struck through"
    );
    assert_eq!(
        jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap()).len(),
        30
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Runs `script` with `sh -c` in `dir`, `$C` set to the chaff binary.
#[cfg(unix)]
fn sh(dir: &Path, script: &str) -> Output {
    Command::new("sh")
        .args(["-c", script])
        .env("C", CHAFF)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The names in `dir` that are temporary outputs.
fn partials(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect()
}

// Findings 1 and 4 (breaker): an output whose final rename would fail
// (`X/.`, `.`, a trailing slash) is refused before the work, and nothing
// else is written; finished output is never deleted.
#[test]
fn outputs_a_rename_cannot_place_are_refused_before_the_work() {
    let dir = temp_dir("rename");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    fs::create_dir(dir.join("e2")).unwrap();
    let cases: &[&[&str]] = &[
        &[
            "--output-dir",
            "e2/.",
            "-r",
            "rep.jsonl",
            "--save-state",
            "st.idx",
        ],
        &[
            "--output-dir",
            ".",
            "-r",
            "rep.jsonl",
            "--save-state",
            "st.idx",
        ],
        &["-o", "out.jsonl", "-r", "rep9/", "--save-state", "st.idx"],
        &["-o", "out.jsonl", "-r", "rep.jsonl", "--save-state", "st9/"],
    ];
    for args in cases {
        let mut all = vec!["in.jsonl"];
        all.extend_from_slice(args);
        let output = chaff(&dir, &all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!stderr(&output).contains(".partial"), "{}", stderr(&output));
        for name in ["out.jsonl", "rep.jsonl", "st.idx", "rep9", "st9"] {
            assert!(!dir.join(name).exists(), "{args:?} wrote {name}");
        }
        assert!(partials(&dir).is_empty(), "{args:?}: {:?}", partials(&dir));
        assert_eq!(fs::read_dir(dir.join("e2")).unwrap().count(), 0);
    }
}

// Finding 2 (breaker): --site-templates reads its inputs twice: what can
// be read only once is refused, not read as empty the second time.
#[cfg(unix)]
#[test]
fn site_templates_refuses_inputs_read_once() {
    let dir = temp_dir("twice");
    let output = chaff_with_stdin(
        &dir,
        &["/dev/stdin", "--site-templates", "-o", "out.jsonl"],
        records(3).as_bytes(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("read only once"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("out.jsonl").exists());
}

// Finding 3 (breaker): /dev/fd/N is written through the inherited
// descriptor, in its mode (`>>` appends), not reopened by path.
#[cfg(unix)]
#[test]
fn descriptor_paths_are_written_through_the_descriptor() {
    let dir = temp_dir("fd");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    fs::write(dir.join("log.txt"), "first line of the log\n").unwrap();
    let output = sh(&dir, "\"$C\" in.jsonl -q -o /dev/fd/3 3>>log.txt");
    assert_ok(&output);
    let log = fs::read_to_string(dir.join("log.txt")).unwrap();
    assert!(log.starts_with("first line of the log\n"), "{log}");
    assert_eq!(
        jsonl_lines(&log["first line of the log\n".len()..]).len(),
        3
    );
    // A descriptor that is not open is refused before the work.
    let output = sh(&dir, "\"$C\" in.jsonl -o out.jsonl -r /dev/fd/7");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!dir.join("out.jsonl").exists());
}

// Finding 9 (breaker): /dev/null may take several outputs, standard
// output redirected to it included; a closed standard output is refused.
#[cfg(unix)]
#[test]
fn dev_null_may_be_shared_and_a_closed_stdout_is_refused() {
    let dir = temp_dir("null");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    for script in [
        "\"$C\" in.jsonl -o /dev/null -r /dev/null > /dev/null",
        "\"$C\" in.jsonl -r /dev/null > /dev/null",
        "\"$C\" in.jsonl --summary /dev/null > /dev/null",
    ] {
        let output = sh(&dir, script);
        assert_ok(&output);
    }
    let output = sh(&dir, "\"$C\" in.jsonl >&-");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("closed"), "{}", stderr(&output));
}

// Finding 11 (breaker) and friction 4: no output where a later run over an
// input directory would read it back: an output directory a link in the
// input leads to, an output file in an input directory.
#[cfg(unix)]
#[test]
fn outputs_a_later_run_would_read_back_are_refused() {
    let dir = temp_dir("readback");
    fs::create_dir(dir.join("pages")).unwrap();
    fs::write(dir.join("pages/a.txt"), PAGE).unwrap();
    std::os::unix::fs::symlink("../out", dir.join("pages/link")).unwrap();
    // The link dangles while out does not exist, and leads into it once it does.
    for make in [false, true] {
        if make {
            fs::create_dir(dir.join("out")).unwrap();
        }
        let output = chaff(&dir, &["pages", "--output-dir", "out"]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("read as input"),
            "{}",
            stderr(&output)
        );
    }
    let output = chaff(&dir, &["pages", "-o", "pages/../pages/x.jsonl"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!dir.join("pages/x.jsonl").exists());
    // A name the search does not read is allowed.
    fs::remove_file(dir.join("pages/link")).unwrap();
    let output = chaff(
        &dir,
        &["pages", "-o", "out.jsonl", "-r", "pages/report.log"],
    );
    assert_ok(&output);
}

/// The command in `dir` with `args`, reading its standard input from a
/// pipe the caller writes to, its outputs discarded.
#[cfg(unix)]
fn spawn_reading_stdin(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(CHAFF)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Sends `signal` (`-TERM`, `-INT`) to `child` and waits for it to end.
#[cfg(unix)]
fn interrupt(mut child: std::process::Child, signal: &str) -> std::process::ExitStatus {
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    child.wait().unwrap()
}

// Finding 12 (breaker): an interrupted run leaves no temporary file.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    let dir = temp_dir("signal");
    let mut child = spawn_reading_stdin(&dir, &["-", "-o", "out.jsonl", "-r", "rep.jsonl"]);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(records(3).as_bytes()).unwrap();
    let start = std::time::Instant::now();
    while partials(&dir).len() < 2 && start.elapsed().as_secs() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(partials(&dir).len(), 2, "{:?}", partials(&dir));
    let status = interrupt(child, "-TERM");
    drop(stdin);
    assert!(!status.success());
    assert!(partials(&dir).is_empty(), "{:?}", partials(&dir));
    assert!(!dir.join("out.jsonl").exists());
}

// Session 6 breaker: a run interrupted while it writes pages into an
// `--output-dir` leaves neither the directory nor its temporary behind.
#[cfg(unix)]
#[test]
fn an_interrupted_output_dir_run_leaves_no_temporary_directory() {
    let dir = temp_dir("signal-dir");
    let mut child = spawn_reading_stdin(&dir, &["-", "--output-dir", "od", "--batch", "1"]);
    let mut stdin = child.stdin.take().unwrap();
    // Records keep coming, so pages are being written when the signal comes.
    let feeder = std::thread::spawn(move || {
        for round in 0.. {
            let chunk: String = (0..200)
                .map(|i| {
                    record(
                        &format!("doc-{round}-{i}"),
                        &format!("第{round}轮第{i}篇:全市经济运行总体平稳,编号{round}{i}。"),
                    )
                })
                .collect();
            if stdin.write_all(chunk.as_bytes()).is_err() {
                break;
            }
        }
    });
    let start = std::time::Instant::now();
    let written = |dir: &Path| {
        partials(dir)
            .first()
            .map_or(0, |p| fs::read_dir(dir.join(p)).map_or(0, |d| d.count()))
    };
    while written(&dir) < 200 && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(written(&dir) >= 200, "{:?}", partials(&dir));
    let status = interrupt(child, "-INT");
    feeder.join().unwrap();
    assert!(!status.success());
    assert!(partials(&dir).is_empty(), "{:?}", partials(&dir));
    assert!(!dir.join("od").exists());
}

// Finding 15 (breaker): messages say what is wrong, and a file name cannot
// forge a message line.
#[cfg(unix)]
#[test]
fn messages_name_the_real_problem() {
    let dir = temp_dir("messages");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    let output = chaff(&dir, &["in.jsonl", "x\nchaff: all is well"]);
    assert_refused(&output, "\\nchaff: all is well");
    assert!(
        !stderr(&output).lines().any(|l| l == "chaff: all is well"),
        "{}",
        stderr(&output)
    );
    let output = chaff_with_stdin(
        &dir,
        &["in.jsonl", "--load-state", "/dev/stdin", "-o", "out.jsonl"],
        b"not a state",
    );
    assert_refused(&output, "not a regular file");
    assert!(
        stderr(&output).contains("--load-state"),
        "{}",
        stderr(&output)
    );
    let output = chaff(&dir, &["in.jsonl", "--load-state", ".", "-o", "out.jsonl"]);
    assert_refused(&output, "is a directory");
    // A dangling link in an input directory is called one.
    fs::create_dir(dir.join("pages")).unwrap();
    fs::write(dir.join("pages/a.txt"), PAGE).unwrap();
    std::os::unix::fs::symlink("gone.txt", dir.join("pages/x.txt")).unwrap();
    let output = chaff(&dir, &["pages", "-o", "out.jsonl"]);
    assert_ok(&output);
    assert!(stderr(&output).contains("lead"), "{}", stderr(&output));
    // A long (246-byte) output name is fine: its temporary name is shortened.
    let long = format!("{}.jsonl", "n".repeat(240));
    let output = chaff(&dir, &["in.jsonl", "-o", &long]);
    assert_ok(&output);
    assert!(dir.join(&long).exists());
    // The only other output is /dev/null: nothing "was not written".
    let output = sh(
        &dir,
        "\"$C\" in.jsonl -o /dev/null -r /dev/stdout | head -c 1",
    );
    assert!(
        !stderr(&output).contains("not written"),
        "{}",
        stderr(&output)
    );
}

// Finding 16 (breaker): a replaced output keeps its permissions but never
// its set-user-ID and set-group-ID bits.
#[cfg(unix)]
#[test]
fn a_replaced_output_loses_its_set_id_bits() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("setid");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    fs::write(dir.join("out.jsonl"), "old").unwrap();
    fs::set_permissions(dir.join("out.jsonl"), fs::Permissions::from_mode(0o4750)).unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl"]);
    assert_ok(&output);
    let mode = fs::metadata(dir.join("out.jsonl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o750, "{mode:o}");
}

// Friction 5: a directory search reads no `.json` file (often metadata,
// not JSONL): it is named as skipped, and the run goes on.
#[test]
fn a_json_sidecar_in_a_directory_is_skipped() {
    let dir = temp_dir("sidecar");
    fs::create_dir(dir.join("pages")).unwrap();
    fs::write(dir.join("pages/a.txt"), PAGE).unwrap();
    fs::write(dir.join("pages/meta.json"), "[1, 2, 3]\n").unwrap();
    let output = chaff(&dir, &["pages", "-o", "out.jsonl"]);
    assert_ok(&output);
    assert!(stderr(&output).contains("meta.json"), "{}", stderr(&output));
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    assert_eq!(out.len(), 1);
}

// Finding 6 (breaker): a zstd file written with `--long=31` (a 2 GiB
// window) is valid and is read.
#[test]
fn zstd_with_a_long_window_is_read() {
    let dir = temp_dir("zstdlong");
    let mut encoder = zstd::Encoder::new(Vec::new(), 3).unwrap();
    encoder.window_log(31).unwrap();
    encoder.long_distance_matching(true).unwrap();
    encoder.write_all(records(3).as_bytes()).unwrap();
    fs::write(dir.join("long.jsonl.zst"), encoder.finish().unwrap()).unwrap();
    let output = chaff(&dir, &["long.jsonl.zst", "-o", "out.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    assert_eq!(out.len(), 3);
}

// Findings 7, 8 and 14 (breaker): a JSONL record is never silently
// changed: a numeric id that would be rewritten, a key given twice are bad
// records; a lone surrogate escape is named, and replaced under --lossy.
#[test]
fn jsonl_records_are_taken_as_written_or_refused() {
    let dir = temp_dir("records");
    let good = record("good", "下一个文件的正文段落,完整无缺。");
    let cases = [
        ("{\"id\":12345678901234567890123,\"text\":\"正文\"}\n", "id"),
        ("{\"id\":-0,\"text\":\"正文\"}\n", "id"),
        (
            "{\"id\":\"a\",\"text\":\"first\",\"text\":\"second\"}\n",
            "appears twice",
        ),
        ("{\"id\":\"s\",\"text\":\"a\\ud800b\"}\n", "surrogate"),
    ];
    for (line, mentions) in cases {
        fs::write(dir.join("in.jsonl"), format!("{line}{good}")).unwrap();
        let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl"]);
        assert_refused(&output, mentions);
        assert!(
            !stderr(&output).contains("at line 1 column"),
            "{}",
            stderr(&output)
        );
        assert!(!dir.join("out.jsonl").exists());
        let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "--skip-bad-records"]);
        assert_ok(&output);
        let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
        assert_eq!(out.len(), 1, "{line}");
        fs::remove_file(dir.join("out.jsonl")).unwrap();
    }
    // An integer id is kept as written.
    fs::write(
        dir.join("in.jsonl"),
        "{\"id\":-17,\"text\":\"正文段落。\"}\n",
    )
    .unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    assert_eq!(out[0]["id"], "-17");
    // --lossy: a lone surrogate (not a pair, not an escaped backslash) becomes U+FFFD.
    fs::write(
        dir.join("in.jsonl"),
        "{\"id\":\"s\",\"text\":\"市统计局发布数据\\ud800,全市经济运行总体平稳 \\ud83d\\ude00 \\\\ud800 工业生产稳步增长\\udc00。\"}\n",
    )
    .unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl", "--lossy"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    assert_eq!(
        out[0]["text"],
        "市统计局发布数据\u{FFFD},全市经济运行总体平稳 😀 \\ud800 工业生产稳步增长\u{FFFD}。"
    );
}

// Finding 10 (breaker): a page or line over the size limit once
// decompressed is a bad record, not an allocation failure.
#[test]
fn a_page_over_the_size_limit_is_a_bad_record() {
    let dir = temp_dir("bomb");
    let big = vec![b'a'; chaff::io::MAX_RECORD_BYTES + 10];
    fs::write(dir.join("big.txt.gz"), gzip(&big)).unwrap();
    let mut line = b"{\"id\":\"big\",\"text\":\"".to_vec();
    line.extend_from_slice(&big);
    line.extend_from_slice(b"\"}\n");
    line.extend_from_slice(record("after", "同一文件里的下一条记录,完整无缺。").as_bytes());
    fs::write(dir.join("big.jsonl.gz"), gzip(&line)).unwrap();
    fs::write(
        dir.join("next.jsonl"),
        record("next", "下一个文件的正文段落,完整无缺。"),
    )
    .unwrap();
    let output = chaff(
        &dir,
        &[
            "big.txt.gz",
            "big.jsonl.gz",
            "next.jsonl",
            "--skip-bad-records",
            "-o",
            "out.jsonl",
        ],
    );
    assert_ok(&output);
    assert!(stderr(&output).contains("limit"), "{}", stderr(&output));
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    let ids: Vec<&str> = out.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["after", "next"]);
    let output = chaff(&dir, &["big.txt.gz", "-o", "out2.jsonl"]);
    assert_refused(&output, "limit");
    assert!(partials(&dir).is_empty());
}

// Finding 5 (breaker): a byte-order mark or blank lines before JSONL or a
// WARC on standard input do not change how it is read.
#[test]
fn a_bom_or_blank_line_does_not_change_the_format() {
    let dir = temp_dir("bom");
    let jsonl = format!("\u{FEFF}{}", records(2));
    let output = chaff_with_stdin(&dir, &["-", "-o", "-"], jsonl.as_bytes());
    assert_ok(&output);
    assert_eq!(jsonl_lines(&stdout(&output)).len(), 2);
    fs::write(dir.join("bom.jsonl"), &jsonl).unwrap();
    let output = chaff(&dir, &["bom.jsonl", "-o", "-"]);
    assert_ok(&output);
    assert_eq!(jsonl_lines(&stdout(&output)).len(), 2);
    let wet: String = (0..2)
        .map(|i| {
            let body = format!("第{i}篇:市统计局发布数据,全市经济运行总体平稳,编号{i}。\n");
            format!(
                "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:{i}>\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
                body.len()
            )
        })
        .collect();
    let output = chaff_with_stdin(&dir, &["-", "-o", "-"], format!("\r\n{wet}").as_bytes());
    assert_ok(&output);
    assert_eq!(jsonl_lines(&stdout(&output)).len(), 2);
}

// Finding 13 (breaker): the text kept is the input's own: only whitespace
// is trimmed at a paragraph's edges, not a variation selector or a bidi
// control.
#[test]
fn kept_text_keeps_invisible_characters_at_its_edges() {
    let dir = temp_dir("edges");
    let text = "\u{200F}市统计局发布数据,全市经济运行总体平稳,工业生产稳步增长。❤️\n";
    fs::write(dir.join("in.jsonl"), record("a", text)).unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    assert_eq!(out[0]["text"], text.trim_end());
    // A byte-order mark before the text is not content: it goes with the
    // whitespace around it.
    let text = "\u{FEFF}  市统计局发布数据,全市经济运行总体平稳,工业生产稳步增长。\n";
    fs::write(dir.join("in.jsonl"), record("a", text)).unwrap();
    let output = chaff(&dir, &["in.jsonl", "-o", "out.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    assert_eq!(out[0]["text"], text[5..].trim_end());
}

// Friction 10, 11, 13, 15 (new user): what the command says about its
// inputs is true: no inputs is not a configuration error, an empty
// standard input is not an empty document, a file given twice is refused,
// the rate is said to be of wall time.
#[test]
fn messages_about_inputs_say_what_happened() {
    let dir = temp_dir("inputmsg");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    let output = chaff(&dir, &[]);
    assert_refused(&output, "no inputs");
    assert!(
        !stderr(&output).contains("invalid configuration"),
        "{}",
        stderr(&output)
    );
    let output = chaff_with_stdin(&dir, &["-o", "out.jsonl"], b"");
    assert_ok(&output);
    assert!(
        stderr(&output).contains("standard input is empty"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(dir.join("out.jsonl")).unwrap(), "");
    let output = chaff(&dir, &["in.jsonl", "./in.jsonl", "-o", "out2.jsonl"]);
    assert_refused(&output, "same file");
    assert!(!dir.join("out2.jsonl").exists());
    let output = chaff(&dir, &["in.jsonl", "-o", "out2.jsonl"]);
    assert_ok(&output);
    assert!(
        stderr(&output).contains("of wall time"),
        "{}",
        stderr(&output)
    );
}

// Friction 3 (new user): a page found in a directory takes its path below
// that directory as its id, so pages of one name in two folders are told
// apart; a file given by itself keeps its file name.
#[test]
fn pages_in_folders_take_their_relative_path_as_id() {
    let dir = temp_dir("relids");
    for site in ["a", "b"] {
        fs::create_dir_all(dir.join("pages").join(site)).unwrap();
        fs::write(dir.join("pages").join(site).join("index.txt"), PAGE).unwrap();
    }
    let output = chaff(&dir, &["pages", "-o", "out.jsonl", "-r", "rep.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out.jsonl")).unwrap());
    let ids: Vec<&str> = out.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a/index.txt", "b/index.txt"]);
    let report = fs::read_to_string(dir.join("rep.jsonl")).unwrap();
    assert!(report.contains("\"a/index.txt\""), "{report}");
    let output = chaff(&dir, &["pages/b/index.txt", "-o", "out2.jsonl"]);
    assert_ok(&output);
    let out = jsonl_lines(&fs::read_to_string(dir.join("out2.jsonl")).unwrap());
    assert_eq!(out[0]["id"], "index.txt");
}

// Friction 8 (new user): the summary records every file the run read or
// wrote besides the inputs, by flag.
#[test]
fn the_summary_names_the_files_read_and_written() {
    let dir = temp_dir("summaryfiles");
    fs::write(dir.join("in.jsonl"), records(3)).unwrap();
    let args = [
        "in.jsonl",
        "-o",
        "out.jsonl",
        "-r",
        "rep.jsonl",
        "--summary",
        "sum.json",
        "--save-state",
        "st.idx",
    ];
    assert_ok(&chaff(&dir, &args));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("sum.json")).unwrap()).unwrap();
    assert_eq!(summary["inputs"], serde_json::json!(["in.jsonl"]));
    assert_eq!(summary["files"]["--output"], "out.jsonl");
    assert_eq!(summary["files"]["--report"], "rep.jsonl");
    assert_eq!(summary["files"]["--summary"], "sum.json");
    assert_eq!(summary["files"]["--save-state"], "st.idx");
    let args = [
        "in.jsonl",
        "-o",
        "out2.jsonl",
        "--summary",
        "sum2.json",
        "--load-state",
        "st.idx",
    ];
    assert_ok(&chaff(&dir, &args));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("sum2.json")).unwrap()).unwrap();
    assert_eq!(summary["files"]["--load-state"], "st.idx");
}

#[test]
fn favor_trades_precision_for_recall_from_the_command_line() {
    // A page whose list of short items sits between two paragraphs of the
    // article: `--favor recall` keeps at least what the default keeps, and
    // `--favor precision` at most; the summary records the setting.
    let dir = temp_dir("favor");
    let page = "Springfield council approves new bus routes\n\
        The city council voted on Monday to open four new bus routes across the east side of town, the mayor said after the meeting.\n\
        Home\nNews\nSport\nWeather\n\
        Riders had asked for the routes for years, and the transit authority expects the first buses to run in the spring of next year.\n\
        Share this article\nPrint\n";
    fs::write(dir.join("page.txt"), page).unwrap();
    let kept = |favor: &str| -> usize {
        let output = chaff(
            &dir,
            &[
                "page.txt",
                "-o",
                "out.jsonl",
                "--favor",
                favor,
                "--summary",
                "s.json",
                "-q",
            ],
        );
        assert_ok(&output);
        let summary = fs::read_to_string(dir.join("s.json")).unwrap();
        assert!(
            summary.contains(&format!("\"favor\": \"{favor}\"")),
            "{summary}"
        );
        let out = fs::read_to_string(dir.join("out.jsonl")).unwrap();
        jsonl_lines(&out)[0]["text"]
            .as_str()
            .unwrap()
            .lines()
            .count()
    };
    let (precision, balanced, recall) = (kept("precision"), kept("balanced"), kept("recall"));
    assert!(
        precision <= balanced && balanced <= recall,
        "{precision} {balanced} {recall}"
    );
    assert!(balanced >= 2, "both paragraphs of the article are kept");
    let wrong = chaff(&dir, &["page.txt", "-o", "out.jsonl", "--favor", "most"]);
    assert_refused(&wrong, "favor");
}
