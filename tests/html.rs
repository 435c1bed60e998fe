//! HTML input, on hand-made pages (none from the dev set): charsets,
//! broken markup, layouts, hidden chrome, the readers of every container
//! format, and hostile inputs within bounded time and memory.

use std::io::Write;
use std::path::PathBuf;

use chaff::document::Kind;
use chaff::io::{Format, Utf8Policy, documents, documents_as, stream_documents};
use chaff::{CleanDocument, Cleaner, Config, Document, Error};

fn clean_html(html: &str) -> CleanDocument {
    Cleaner::new(Config::default())
        .unwrap()
        .clean(Document::html("page.html", html))
}

fn kept(clean: &CleanDocument) -> Vec<&str> {
    clean.kept().collect()
}

fn rule_of<'a>(clean: &'a CleanDocument, text: &str) -> &'a str {
    clean
        .paragraphs
        .iter()
        .find(|p| p.text.contains(text))
        .unwrap_or_else(|| panic!("no paragraph {text:?}"))
        .verdict
        .name()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chaff-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A county news page in the layout portals use: header menu,
/// breadcrumb, article, share bar, related list, footer.
const PORTAL: &str = r##"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>青山县召开春耕生产工作会议_青山新闻网</title></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/xw">新闻</a></li>
<li><a href="/zw">政务</a></li><li><a href="/fw">服务</a></li></ul></div>
<div class="weizhi">当前位置：<a href="/">首页</a> &gt; <a href="/xw">县内要闻</a></div>
<div class="main-content">
<h1>青山县召开春耕生产工作会议</h1>
<div class="info">发布时间：2024-03-12 来源：县农业农村局</div>
<div class="zhengwen">
<p>3月12日，青山县召开春耕生产工作会议，总结去年农业农村工作，安排部署今年的春耕备耕任务。</p>
<p>会议指出，各乡镇要把粮食生产摆在突出位置，确保种子、化肥等农资供应充足，价格稳定。</p>
<p>会议要求，全年新建高标准农田5.2万亩，其中3月底前完成招标，6月底前完成主体工程。</p>
</div>
<div class="fenxiang">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="xiangguan"><h3>相关新闻</h3><ul>
<li><a href="/1">县领导调研乡村振兴工作</a></li><li><a href="/2">全县完成植树造林3万亩</a></li>
</ul></div>
</div>
<div class="footer">主办：青山县人民政府办公室　地址：青山县人民路1号<br>青ICP备12345678号</div>
</body></html>"##;

#[test]
fn a_portal_page_keeps_its_title_and_article_only() {
    let clean = clean_html(PORTAL);
    assert_eq!(
        kept(&clean),
        [
            "青山县召开春耕生产工作会议",
            "3月12日，青山县召开春耕生产工作会议，总结去年农业农村工作，安排部署今年的春耕备耕任务。",
            "会议指出，各乡镇要把粮食生产摆在突出位置，确保种子、化肥等农资供应充足，价格稳定。",
            "会议要求，全年新建高标准农田5.2万亩，其中3月底前完成招标，6月底前完成主体工程。",
        ]
    );
    // Every block is accounted for, with a structural rule or a text rule.
    assert_eq!(rule_of(&clean, "首页"), "nav_container");
    assert_eq!(rule_of(&clean, "分享到"), "widget_container");
    assert_eq!(rule_of(&clean, "县领导调研"), "widget_container");
    assert_eq!(rule_of(&clean, "青ICP备"), "nav_container");
}

#[test]
fn gbk_page_with_a_wrong_declaration() {
    // Declares UTF-8 (PORTAL's own declaration), is GBK: detection
    // overrules the declaration.
    let bytes = encoding_rs::GBK.encode(PORTAL).0.into_owned();
    assert!(std::str::from_utf8(&bytes).is_err());
    let path = temp("gbk.html");
    std::fs::write(&path, &bytes).unwrap();
    let doc = documents(std::slice::from_ref(&path), Utf8Policy::Strict)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(doc.kind, Kind::Html);
    assert_eq!(doc.replaced_invalid_utf8, 0);
    let clean = Cleaner::new(Config::default()).unwrap().clean(doc);
    assert_eq!(kept(&clean).len(), 4, "{:?}", kept(&clean));
    // And a page that declares gb2312 but is UTF-8.
    let utf8 = PORTAL.replace(r#"charset="utf-8""#, r#"charset="gb2312""#);
    let decoded = chaff::html::decode(utf8.as_bytes(), Some("text/html; charset=gb2312"));
    assert_eq!(decoded.text, utf8);
}

#[test]
fn unclosed_tags_build_the_tree_a_browser_builds() {
    let html = "<div class=article><h2>Budget approved<p>The council approved the budget on Monday, \
                the mayor said.<p>It adds six night bus routes from April, the board said.\
                <ul><li>Route 1<li>Route 2</ul><div class=share><a href=#>Share</a></div>";
    let clean = clean_html(html);
    assert_eq!(
        kept(&clean),
        [
            "Budget approved",
            "The council approved the budget on Monday, the mayor said.",
            "It adds six night bus routes from April, the board said.",
            "Route 1",
            "Route 2"
        ]
    );
    assert_eq!(rule_of(&clean, "Share"), "widget_container");
}

#[test]
fn nested_layout_tables() {
    let html = "<table><tr><td><table><tr><td><a href=/>首页</a></td><td><a href=/a>政务公开</a></td>\
                <td><a href=/b>办事服务</a></td></tr></table></td></tr>\
                <tr><td><table><tr><td class=content><p>市政府召开常务会议，研究部署今年的重点工作，会议要求各部门把任务落到实处。</p>\
                <p>会议强调，要坚持稳中求进工作总基调，全力以赴推动经济运行持续向好。</p></td></tr></table></td></tr>\
                <tr><td><table><tr><td>版权所有：某某市人民政府</td></tr></table></td></tr></table>";
    let clean = clean_html(html);
    assert_eq!(
        kept(&clean),
        [
            "市政府召开常务会议，研究部署今年的重点工作，会议要求各部门把任务落到实处。",
            "会议强调，要坚持稳中求进工作总基调，全力以赴推动经济运行持续向好。"
        ]
    );
}

#[test]
fn br_only_layout_gives_one_paragraph_per_line() {
    let html = "<body><div id=wrap><a href=/>网站首页</a> | <a href=/x>新闻中心</a><br><br>\
                <font size=4>春季植树活动启动</font><br>\
                \u{3000}\u{3000}3月12日，全市春季植树活动启动，市民踊跃参加，共栽种树苗两万余株。<br>\
                \u{3000}\u{3000}活动现场，志愿者们分工协作，挖坑、扶苗、培土、浇水，干劲十足。<br>\
                <br>版权所有 某某市林业局</div></body>";
    let clean = clean_html(html);
    assert_eq!(
        kept(&clean),
        [
            "春季植树活动启动",
            "3月12日，全市春季植树活动启动，市民踊跃参加，共栽种树苗两万余株。",
            "活动现场，志愿者们分工协作，挖坑、扶苗、培土、浇水，干劲十足。"
        ]
    );
}

#[test]
fn a_hidden_breadcrumb_and_hidden_text_are_reported_not_kept() {
    let html = "<div style=\"display: none\">您的位置：首页 &gt; 新闻</div>\
                <nav aria-hidden=\"true\">Home › News</nav>\
                <article><p>The museum reopens on Saturday after a two-year renovation, the city said.</p>\
                <p hidden>Subscribe now for unlimited access.</p></article>";
    let clean = clean_html(html);
    assert_eq!(
        kept(&clean),
        ["The museum reopens on Saturday after a two-year renovation, the city said."]
    );
    assert_eq!(rule_of(&clean, "您的位置"), "hidden");
    assert_eq!(rule_of(&clean, "Home › News"), "hidden");
    assert_eq!(rule_of(&clean, "Subscribe now"), "hidden");
}

#[test]
fn scripts_styles_and_comments_are_not_paragraphs() {
    let html = "<script>document.write('<p>not text</p>')</script><style>p { color: red }</style>\
                <!-- <p>a comment</p> --><noscript>Please enable JavaScript.</noscript>\
                <p>The library extends its opening hours to nine in the evening, the council said.</p>";
    let clean = clean_html(html);
    assert_eq!(clean.paragraphs.len(), 1);
}

#[test]
fn dedup_applies_across_html_and_text_pages() {
    let mut cleaner = Cleaner::new(Config::default()).unwrap();
    let first = cleaner.clean(Document::html("a.html", PORTAL));
    assert_eq!(kept(&first).len(), 4);
    let text = "会议指出，各乡镇要把粮食生产摆在突出位置，确保种子、化肥等农资供应充足，价格稳定。\n新的一段正文内容，与前文不同。";
    let second = cleaner.clean(Document::new("b.txt", text));
    assert_eq!(second.paragraphs[0].verdict.name(), "exact_duplicate");
    assert_eq!(kept(&second), ["新的一段正文内容，与前文不同。"]);
}

#[test]
fn readers_html_files_directories_jsonl_and_warc() {
    let dir = temp("pages");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.html"), PORTAL).unwrap();
    std::fs::write(dir.join("B.HTM"), "<p>Second page, upper-case name.</p>").unwrap();
    std::fs::write(dir.join("c.txt"), "A text page.").unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"<p>Compressed page.</p>").unwrap();
    std::fs::write(dir.join("d.html.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(dir.join("notes.md"), "not a page").unwrap();
    let docs: Vec<Document> = documents(std::slice::from_ref(&dir), Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .unwrap();
    let ids: Vec<(&str, Kind)> = docs.iter().map(|d| (d.id.as_str(), d.kind)).collect();
    assert_eq!(
        ids,
        [
            ("B.HTM", Kind::Html),
            ("a.html", Kind::Html),
            ("c.txt", Kind::Text),
            ("d.html.gz", Kind::Html)
        ]
    );

    // JSONL with an html field, after a byte-order mark, CRLF endings.
    let jsonl = temp("pages.jsonl");
    let record = serde_json::json!({"id": "j1", "html": PORTAL, "url": "https://qs.example.cn/1"});
    std::fs::write(
        &jsonl,
        format!("\u{FEFF}{record}\r\n\r\n{{\"id\": \"j2\", \"text\": \"纯文本。\"}}\r\n"),
    )
    .unwrap();
    let docs: Vec<Document> = documents(std::slice::from_ref(&jsonl), Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!((docs[0].kind, docs[1].kind), (Kind::Html, Kind::Text));
    assert_eq!(docs[0].url.as_deref(), Some("https://qs.example.cn/1"));

    // WARC: a GBK response (chunked), a PNG response, a WET conversion.
    let body = encoding_rs::GBK.encode(PORTAL).0.into_owned();
    let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=GBK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    http.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
    http.extend_from_slice(&body);
    http.extend_from_slice(b"\r\n0\r\n\r\n");
    let png = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n".to_vec();
    let text = "转换后的正文。\n".as_bytes().to_vec();
    let mut warc = Vec::new();
    for (kind, id, block) in [
        ("response", "r1", &http),
        ("response", "r2", &png),
        ("conversion", "c1", &text),
    ] {
        warc.extend_from_slice(
            format!(
                "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
                 WARC-Target-URI: https://qs.example.cn/{id}\r\nContent-Length: {}\r\n\r\n",
                block.len()
            )
            .as_bytes(),
        );
        warc.extend_from_slice(block);
        warc.extend_from_slice(b"\r\n\r\n");
    }
    let path = temp("crawl.warc");
    std::fs::write(&path, &warc).unwrap();
    let docs: Vec<Document> = documents(std::slice::from_ref(&path), Utf8Policy::Strict)
        .collect::<Result<_, _>>()
        .unwrap();
    let ids: Vec<(&str, Kind)> = docs.iter().map(|d| (d.id.as_str(), d.kind)).collect();
    assert_eq!(
        ids,
        [("urn:uuid:r1", Kind::Html), ("urn:uuid:c1", Kind::Text)]
    );
    assert!(docs[0].text.contains("青山县召开春耕生产工作会议"));

    // A forced format: the .txt page read as HTML.
    let forced: Vec<Document> =
        documents_as(&[dir.join("c.txt")], Utf8Policy::Strict, Some(Format::Html))
            .collect::<Result<_, _>>()
            .unwrap();
    assert_eq!(forced[0].kind, Kind::Html);
    std::fs::remove_dir_all(temp("")).ok();
}

#[test]
fn standard_input_is_sniffed_not_taken_for_a_page() {
    let sniff = |bytes: Vec<u8>| -> Vec<(String, Kind)> {
        stream_documents(
            Box::new(std::io::Cursor::new(bytes)),
            "<stdin>",
            Utf8Policy::Strict,
            None,
        )
        .map(|d| {
            let d = d.unwrap();
            (d.id, d.kind)
        })
        .collect()
    };
    let jsonl = "{\"id\": \"a\", \"text\": \"一\"}\n{\"id\": \"b\", \"text\": \"二\"}\n";
    for input in [
        jsonl.to_owned(),
        format!("\u{FEFF}{jsonl}"),
        format!("\n\n  {jsonl}"),
    ] {
        assert_eq!(sniff(input.into_bytes()).len(), 2);
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(jsonl.as_bytes()).unwrap();
    assert_eq!(sniff(gz.finish().unwrap()).len(), 2);
    let warc = "\u{FEFF}WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:w>\r\nContent-Length: 4\r\n\r\ntext\r\n\r\n";
    assert_eq!(sniff(warc.into()), [("urn:uuid:w".to_owned(), Kind::Text)]);
    assert_eq!(
        sniff("  <!doctype html><p>页</p>".into()),
        [("<stdin>".to_owned(), Kind::Html)]
    );
    assert_eq!(
        sniff("一页文字。".into()),
        [("<stdin>".to_owned(), Kind::Text)]
    );
}

#[test]
fn binary_junk_named_html_is_a_record_error() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let junk: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let path = temp("junk.html");
    std::fs::write(&path, &junk).unwrap();
    let result: Vec<Result<Document, Error>> =
        documents(std::slice::from_ref(&path), Utf8Policy::Strict).collect();
    let error = result[0].as_ref().unwrap_err();
    assert!(error.is_record_error());
    assert!(
        error.to_string().ends_with("binary data, not an HTML page"),
        "{error}"
    );
    // Given as a document anyway, it is cleaned without a panic.
    let text = String::from_utf8_lossy(&junk).into_owned();
    let _ = clean_html(&text);
    std::fs::remove_file(path).unwrap();
}

/// Peak resident memory of this process, in MB (Linux).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Runs one hostile case in a child process (this test binary, filtered to
/// the case), so that its peak memory is its own; returns the child's peak
/// in MB.
fn in_child(case: &str) -> f64 {
    if std::env::var("CHAFF_HTML_CASE").as_deref() == Ok(case) {
        return 0.0;
    }
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([case, "--exact", "--nocapture", "--test-threads=1"])
        .env("CHAFF_HTML_CASE", case)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{case}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.split("peak_rss_mb=").nth(1))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("{case}: no peak in {stdout}"))
}

/// In the child: runs `work` and prints the peak.
fn child_case(case: &str, work: impl FnOnce()) -> bool {
    if std::env::var("CHAFF_HTML_CASE").as_deref() != Ok(case) {
        return false;
    }
    work();
    if let Some(peak) = peak_rss_mb() {
        println!("peak_rss_mb={peak:.1}");
    }
    true
}

#[test]
fn hostile_deep_nesting() {
    const CASE: &str = "hostile_deep_nesting";
    if child_case(CASE, || {
        let html = "<div>".repeat(100_000)
            + "<p>The deepest paragraph still reads as text, the test says.</p>"
            + &"</div>".repeat(100_000)
            + &"<span>".repeat(100_000)
            + &"<table><tr><td>".repeat(20_000);
        let started = std::time::Instant::now();
        let clean = clean_html(&html);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        assert!(clean.kept().any(|p| p.starts_with("The deepest paragraph")));
    }) {
        return;
    }
    if cfg!(target_os = "linux") {
        let peak = in_child(CASE);
        assert!(peak < 400.0, "peak {peak} MB");
    }
}

#[test]
fn hostile_100_mb_attribute() {
    const CASE: &str = "hostile_100_mb_attribute";
    if child_case(CASE, || {
        let html = format!(
            "<p class=\"{}\">The paragraph after a huge attribute is kept, the test says.</p>",
            "a".repeat(100 << 20)
        );
        let clean = clean_html(&html);
        assert_eq!(clean.kept().count(), 1);
    }) {
        return;
    }
    if cfg!(target_os = "linux") {
        // The page itself is 100 MB; html5ever holds the attribute while
        // the tree is built: a small multiple of the page.
        let peak = in_child(CASE);
        assert!(peak < 800.0, "peak {peak} MB");
    }
}

#[test]
fn break_repair_joins_across_a_br_never_across_paragraph_elements() {
    let first =
        "1—11月,全市规模以上工业增加值同比增长8.4%,支柱产业贡献突出,为全市工业平稳运行提供重";
    let second = "要支撑作用。";
    let joined = clean_html(&format!(
        "<div class=content><p>{first}<br>{second}</p></div>"
    ));
    assert_eq!(kept(&joined), [format!("{first}{second}")]);
    let apart = clean_html(&format!(
        "<div class=content><p>{first}</p><p>{second}</p></div>"
    ));
    assert_eq!(kept(&apart), [first, second]);
    let double = clean_html(&format!("<div class=content>{first}<br><br>{second}</div>"));
    assert_eq!(kept(&double), [first, second]);
}
