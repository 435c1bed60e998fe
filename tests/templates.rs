//! Site templates learned from repetition, on generated multi-page sites.

use std::sync::Arc;

use chaff::pipeline::{learn_site_templates, load_site_templates, save_site_templates};
use chaff::{CleanDocument, Cleaner, Config, Document, Error, Verdict};

/// A site statement under every article (not worded like a disclaimer, which
/// a shape rule would drop on its own).
const DISCLAIMER: &str =
    "青山县人民政府网站由县融媒体中心负责日常维护，各部门提供的信息由各部门负责审核。";
const SLOGAN: &str = "建设美丽青山 共创美好未来";
const QUOTE: &str =
    "会议强调，要坚持以人民为中心的发展思想，把群众满意作为检验工作成效的根本标准。";

/// Distinct article paragraphs: those of the 2024 work report sample.
fn article_paragraphs() -> Vec<String> {
    let page = include_str!("fixtures/seeds/003_48d6919dc0bc708a.txt");
    chaff::split::split_paragraphs(page, &Default::default())
        .into_iter()
        .map(|p| p.text)
        .filter(|t| t.chars().count() >= 60)
        .collect()
}

/// A site of `pages` articles: a slogan and a disclaimer on every page, its
/// own text on each, and a quotation shared by two of its articles.
fn site(host: &str, pages: usize) -> Vec<Document> {
    let articles = article_paragraphs();
    assert!(
        articles.len() >= pages,
        "{} article paragraphs",
        articles.len()
    );
    (0..pages)
        .map(|i| {
            let mut text = format!("{SLOGAN}\n{}\n", articles[i]);
            if i == 3 || i == 7 {
                text.push_str(QUOTE);
                text.push('\n');
            }
            text.push_str(DISCLAIMER);
            let mut page = Document::new(format!("{host}-{i}"), text);
            page.url = Some(format!("https://{host}/news/{i}.html"));
            page
        })
        .collect()
}

fn run(pages: Vec<Document>) -> Vec<CleanDocument> {
    let config = Config::default();
    let templates =
        learn_site_templates(pages.iter().cloned().map(Ok), &config, 7).expect("in memory");
    let mut cleaner = Cleaner::new(config).unwrap();
    cleaner.set_site_templates(Arc::new(templates));
    cleaner.clean_batch(pages)
}

fn verdict_of<'a>(doc: &'a CleanDocument, text: &str) -> &'a Verdict {
    &doc.paragraphs
        .iter()
        .find(|p| p.text == text)
        .unwrap_or_else(|| panic!("{text} not in {}", doc.id))
        .verdict
}

#[test]
fn a_disclaimer_on_every_page_is_template_everywhere_a_shared_quote_is_not() {
    let mut pages = site("qingshan.gov.cn", 20);
    // Another site prints the same disclaimer once: not its template.
    let mut other = Document::new("other", format!("另一个网站的正文。\n{DISCLAIMER}"));
    other.url = Some("https://other.example.cn/1.html".into());
    pages.push(other);
    let clean = run(pages);
    for doc in &clean[..20] {
        // Dropped from every page, the first included.
        assert_eq!(
            verdict_of(doc, DISCLAIMER),
            &Verdict::SiteTemplate {
                pages: 20,
                site_pages: 20
            },
            "{}",
            doc.id
        );
        assert_eq!(verdict_of(doc, SLOGAN).name(), "site_template");
        assert_eq!(
            doc.kept().count(),
            1 + usize::from(doc.id.ends_with("-3")),
            "{:#?}",
            doc.paragraphs
        );
    }
    // The quotation in two of twenty articles is content: kept once, then a
    // repeat.
    assert_eq!(verdict_of(&clean[3], QUOTE), &Verdict::Kept);
    assert_eq!(verdict_of(&clean[7], QUOTE).name(), "exact_duplicate");
    // The other site's single copy is its content: template paragraphs of
    // the first site were never kept, so it repeats nothing kept.
    assert_eq!(verdict_of(&clean[20], DISCLAIMER), &Verdict::Kept);
}

#[test]
fn thresholds_need_both_enough_pages_and_enough_share() {
    let line = "本栏目信息由县融媒体中心提供，如有疑问请与我们联系。";
    let build = |pages: usize, with_line: usize| -> Vec<Document> {
        site("a.gov.cn", pages)
            .into_iter()
            .enumerate()
            .map(|(i, mut d)| {
                if i < with_line {
                    d.text.push('\n');
                    d.text.push_str(line);
                }
                d
            })
            .collect()
    };
    let line_verdict = |clean: &[CleanDocument]| verdict_of(&clean[0], line).name().to_owned();
    // 4 pages of 20: too few pages.
    assert_eq!(line_verdict(&run(build(20, 4))), "kept");
    // 5 of 20 (25%): template.
    assert_eq!(line_verdict(&run(build(20, 5))), "site_template");
    // 5 of 40 (12.5%): too small a share.
    assert_eq!(line_verdict(&run(build(40, 5))), "kept");
}

#[test]
fn pages_without_urls_are_grouped_by_id_prefix() {
    let pages: Vec<Document> = (0..6)
        .map(|i| {
            Document::new(
                format!("hohhot/{i}"),
                format!("第{i}条消息的正文，内容各不相同。\n{DISCLAIMER}"),
            )
        })
        .collect();
    let clean = run(pages);
    assert!(
        clean
            .iter()
            .all(|d| verdict_of(d, DISCLAIMER).name() == "site_template")
    );
}

#[test]
fn templates_save_load_and_refuse_bad_files() {
    let pages = site("qingshan.gov.cn", 12);
    let config = Config::default();
    let templates = learn_site_templates(pages.iter().cloned().map(Ok), &config, 512).unwrap();
    assert_eq!(templates.len(), 2, "the slogan and the disclaimer");
    let path = std::env::temp_dir().join(format!("chaff-templates-{}.json", std::process::id()));
    save_site_templates(&templates, &path).unwrap();
    let loaded = load_site_templates(&path).unwrap();
    assert_eq!(loaded, templates);
    std::fs::write(&path, b"{\"format\": \"something else\"}").unwrap();
    assert!(matches!(
        load_site_templates(&path),
        Err(Error::Templates { .. })
    ));
    std::fs::write(&path, b"\x00\x01garbage").unwrap();
    assert!(matches!(
        load_site_templates(&path),
        Err(Error::Templates { .. })
    ));
    std::fs::remove_file(&path).unwrap();
}
