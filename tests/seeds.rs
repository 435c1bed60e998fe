//! The five seed pages, end to end.

use std::path::Path;

use chaff::io::{Utf8Policy, documents};
use chaff::{CleanDocument, Cleaner, Config, Verdict};

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");

fn clean_seeds(config: Config) -> Vec<CleanDocument> {
    let docs = documents(&[Path::new(SEEDS).to_path_buf()], Utf8Policy::Strict)
        .collect::<Result<Vec<_>, _>>()
        .expect("seeds read");
    assert_eq!(docs.len(), 5);
    Cleaner::new(config).unwrap().clean_batch(docs)
}

fn kept(doc: &CleanDocument) -> Vec<&str> {
    doc.kept().collect()
}

fn page<'a>(docs: &'a [CleanDocument], prefix: &str) -> &'a CleanDocument {
    docs.iter()
        .find(|d| d.id.starts_with(prefix))
        .expect("page present")
}

#[test]
fn boilerplate_named_in_the_brief_is_gone() {
    let docs = clean_seeds(Config::default());
    let all_kept: Vec<&str> = docs.iter().flat_map(|d| d.kept()).collect();
    let gone = [
        "网站首页",
        "政务公开",
        "登录 / 注册 无障碍浏览 长者模式",
        "当前位置",
        "索 引 号",
        "发文机构",
        "成文日期",
        "发布时间",
        "来源:",
        "字体:[ 大 中 小 ]",
        "分享到:",
        "打印 关闭 收藏",
        "点击阅读 一键下载",
        "网站地图",
        "主办单位",
        "政府网站标识码",
        "ICP备",
        "公网安备",
        "您还未登录,请登录后进行收藏!",
        "是否“确认”跳转到登录页?",
        "王劲凯 摄",
        "闫鑫 摄",
        "□梁倩姝",
        "举报电话",
        "我的咨询",
    ];
    for needle in gone {
        let leaked: Vec<&&str> = all_kept.iter().filter(|p| p.contains(needle)).collect();
        assert!(leaked.is_empty(), "{needle:?} leaked in {leaked:?}");
    }
}

#[test]
fn broken_paragraphs_are_joined() {
    let docs = clean_seeds(Config::default());
    let page001 = kept(page(&docs, "001"));
    for joined in [
        "为全市工业平稳运行提供重要支撑作用。",
        "增速较1—10月提高4.1个百分点",
        "实现营业收入30.5亿元,同比增长16.8%",
        "数字人才培养中心",
        "着重发挥调研工作",
        "市政协组织召开提案办理协商座谈会。",
        "内蒙古自治区商业航天动力制造业创新中心。",
    ] {
        assert!(
            page001.iter().any(|p| p.contains(joined)),
            "{joined} not joined"
        );
    }
    assert!(!page001.iter().any(|p| p.ends_with("提供重")));
    let page004 = kept(page(&docs, "004"));
    for joined in [
        "呼和浩特市正积极谋划",
        "基层经验和社会期盼",
        "深耕大青山生态体育",
        "公共交通出行分担率",
    ] {
        assert!(
            page004.iter().any(|p| p.contains(joined)),
            "{joined} not joined"
        );
    }
}

#[test]
fn headings_survive_and_are_not_glued() {
    let docs = clean_seeds(Config::default());
    let all_kept: Vec<&str> = docs.iter().flat_map(|d| d.kept()).collect();
    for heading in [
        "一、2022年国民经济和社会发展计划执行情况",
        "(一)着力抓统筹、提质效,经济发展稳步恢复",
        "工业增势不减 支柱行业助推有力",
        "强化指导抓培育,提案质量再提升",
        "呼和浩特加压奋进跑出高质量发展发展新速度",
        "挺膺担当谋发展 乘势而上启新程",
        "——访呼和浩特市科技局党组书记、局长汪驰",
    ] {
        assert!(all_kept.contains(&heading), "{heading} missing or glued");
    }
    assert!(
        all_kept
            .iter()
            .any(|p| p.starts_with("本报讯(记者 刘丽霞)记者从市统计局获悉"))
    );
}

#[test]
fn triplicated_blocks_survive_exactly_once() {
    let docs = clean_seeds(Config::default());
    let page000 = page(&docs, "000");
    for opening in [
        "周杰伦演唱音乐会",
        "夜幕降临,走进小翠园公园",
        "2023年,呼和浩特围绕“宜居”",
    ] {
        let copies = page000
            .paragraphs
            .iter()
            .filter(|p| p.text.starts_with(opening))
            .count();
        assert_eq!(copies, 3, "{opening} appears three times in the page");
        let kept = page000.kept().filter(|p| p.starts_with(opening)).count();
        assert_eq!(kept, 1, "{opening} kept once");
        let first = page000
            .paragraphs
            .iter()
            .find(|p| p.text.starts_with(opening))
            .unwrap();
        assert_eq!(first.verdict, Verdict::Kept, "first occurrence wins");
    }
}

#[test]
fn elder_mode_copy_points_at_the_first_copy() {
    let docs = clean_seeds(Config::default());
    let page002 = page(&docs, "002");
    let title = "关于呼和浩特市2022年国民经济和社会发展计划执行情况与2023年国民经济和社会发展计划草案的报告";
    let copies: Vec<(usize, &chaff::ParagraphDecision)> = page002
        .paragraphs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.text == title)
        .collect();
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0].1.verdict, Verdict::Kept);
    match &copies[1].1.verdict {
        Verdict::ExactDuplicate { duplicate_of } => {
            assert_eq!(&*duplicate_of.id, "002_616ac49161f13a17.txt");
            assert_eq!(duplicate_of.paragraph as usize, copies[0].0);
        }
        other => panic!("second copy: {other:?}"),
    }
}

#[test]
fn partial_overlaps_are_kept() {
    let docs = clean_seeds(Config::default());
    let page003 = kept(page(&docs, "003"));
    assert_eq!(
        page003.len(),
        62 - 1,
        "003 loses only the salutation that repeats 002's"
    );
}

fn origin_has(origin: &str, sentence: &str) -> bool {
    origin.contains(sentence.trim())
}

#[test]
fn trimming_takes_the_repeated_tail_out_of_the_concert_paragraph() {
    let mut config = Config::default();
    config.dedup.trim_repeated_sentences = true;
    let docs = clean_seeds(config);
    let page000 = page(&docs, "000");
    let trimmed: Vec<_> = page000
        .paragraphs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match &p.verdict {
            Verdict::TrimmedSentences { sentences } => Some((i, p, sentences)),
            _ => None,
        })
        .collect();
    let (index, paragraph, sentences) = trimmed
        .iter()
        .find(|(_, p, _)| p.text.contains("周杰伦演唱音乐会"))
        .expect("the concert paragraph is trimmed");
    // The tail repeats "为了让更多的优秀人才…" (paragraph 41): one sentence
    // verbatim, trimmed; one with its opening edited, at Jaccard 0.72, just
    // above min_similarity: the band search finds pairs that near about
    // six times in ten (J^4 per band, three bands), and does not find this
    // one, so it stays.
    assert_eq!(sentences.len(), 1);
    assert_eq!(sentences[0].similarity, 1.0);
    assert!(sentences[0].text.starts_with("2023年,首府成功获评"));
    for sentence in sentences.iter() {
        assert!(!paragraph.text.contains(sentence.text.trim()));
        assert!(sentence.duplicate_of.paragraph < *index as u32);
        let origin = &page000.paragraphs[sentence.duplicate_of.paragraph as usize];
        assert!(origin.text.starts_with("为了让更多的优秀人才"));
    }
    assert!(origin_has(&page000.paragraphs[41].text, &sentences[0].text));
    assert!(paragraph.text.ends_with("举办各类招聘活动230场。"));
    // Off by default: the same paragraph is kept whole.
    let whole = clean_seeds(Config::default());
    let kept_whole = kept(page(&whole, "000"));
    assert!(
        kept_whole.iter().any(|p| p.contains("周杰伦演唱音乐会")
            && p.contains("首府成功获评自治区级人力资源服务产业园"))
    );
    // Trimming changes nothing else on the sample pages.
    for (trimmed_doc, whole_doc) in docs.iter().zip(&whole) {
        assert_eq!(trimmed_doc.kept().count(), whole_doc.kept().count());
    }
}

#[test]
fn every_input_line_is_in_the_output_or_the_report() {
    for config in [Config::default(), {
        let mut c = Config::default();
        c.split.repair_breaks = false;
        c
    }] {
        let docs = clean_seeds(config);
        for doc in &docs {
            let raw = std::fs::read_to_string(Path::new(SEEDS).join(&*doc.id)).unwrap();
            let lines: String = raw
                .lines()
                .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}'))
                .collect();
            let decided: String = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
            assert_eq!(decided, lines, "{}", doc.id);
            let kept = doc.kept().count();
            let reported = doc.report_entries().count();
            assert_eq!(kept + reported, doc.paragraphs.len());
        }
    }
}

#[test]
fn report_names_rules_and_origins() {
    let docs = clean_seeds(Config::default());
    let mut report = Vec::new();
    for doc in &docs {
        chaff::io::write_report_entries(&mut report, doc).unwrap();
    }
    let report = String::from_utf8(report).unwrap();
    assert!(
        report
            .contains(r#""text":"字体:[ 大 中 小 ]","reason":"boilerplate","rule":"font_widget""#)
    );
    assert!(report.contains(
        r#""reason":"exact_duplicate","duplicate_of":{"id":"000_3c173866b2547df7.txt","paragraph":"#
    ));
    for line in report.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            entry["id"].is_string() && entry["paragraph"].is_u64() && entry["reason"].is_string()
        );
    }
}

#[test]
fn report_and_clean_documents_read_back_as_they_were_written() {
    let mut config = Config::default();
    config.dedup.trim_repeated_sentences = true;
    let docs = clean_seeds(config);
    let mut report = Vec::new();
    for doc in &docs {
        chaff::io::write_report_entries(&mut report, doc).unwrap();
        let json = serde_json::to_string(doc).unwrap();
        let back: CleanDocument = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, doc);
    }
    let report = String::from_utf8(report).unwrap();
    let reasons: std::collections::BTreeSet<String> = report
        .lines()
        .map(|line| {
            let entry: chaff::report::ReportEntry = serde_json::from_str(line).unwrap();
            assert_eq!(serde_json::to_string(&entry).unwrap(), line);
            entry.verdict.name().to_owned()
        })
        .collect();
    for reason in ["exact_duplicate", "trimmed_sentences", "footer"] {
        assert!(reasons.contains(reason), "{reason} not in {reasons:?}");
    }
}

#[test]
fn stages_can_be_switched_off() {
    let mut config = Config::default();
    config.boilerplate.rules = false;
    config.boilerplate.layout = false;
    config.boilerplate.features = false;
    config.boilerplate.model = false;
    config.dedup.exact = false;
    config.dedup.near = false;
    let docs = clean_seeds(config);
    for doc in &docs {
        assert_eq!(doc.kept().count(), doc.paragraphs.len());
    }
}

#[test]
fn output_is_identical_for_1_2_and_8_threads() {
    let run = |threads: usize| -> (Vec<u8>, Vec<u8>) {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let docs = pool.install(|| {
            // the seeds twice, so cross-document repeats are resolved across threads
            let mut docs = clean_seeds(Config::default());
            docs.extend(clean_seeds(Config::default()));
            docs
        });
        let (mut clean, mut report) = (Vec::new(), Vec::new());
        for doc in &docs {
            chaff::io::write_clean_record(&mut clean, doc, Default::default()).unwrap();
            chaff::io::write_report_entries(&mut report, doc).unwrap();
        }
        (clean, report)
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(8));
}

#[test]
fn seed_fingerprints_equal_the_simhash_crate() {
    use chaff::fingerprint::{FeatureHash, FingerprintConfig, Shingler, fingerprint};
    let config = FingerprintConfig {
        feature_hash: FeatureHash::SipHash24,
        ..FingerprintConfig::default()
    };
    let mut shingler = Shingler::new();
    let mut checked = 0;
    for doc in clean_seeds(Config::default()) {
        for p in &doc.paragraphs {
            let key = chaff::normalize::comparison_key(&p.text);
            let mut shingles = Vec::new();
            let folded = chaff::normalize::fold(&key);
            shingler.for_each_shingle(&folded, &config, |s| shingles.push(s.to_owned()));
            let reference = simhash::simhash_stream(shingles.iter().map(String::as_str));
            assert_eq!(
                fingerprint(&key, &config, &mut shingler).simhash,
                reference,
                "{}",
                p.text
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 456);
}

#[test]
fn streaming_run_equals_one_batch_for_any_batch_size_and_pool() {
    let docs = || {
        let mut docs = documents(&[Path::new(SEEDS).to_path_buf()], Utf8Policy::Strict)
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        docs.extend(docs.clone());
        docs
    };
    let expected = Cleaner::new(Config::default()).unwrap().clean_batch(docs());
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        for batch in [1, 2, 3, 512] {
            let mut out: Vec<CleanDocument> = Vec::new();
            pool.install(|| {
                Cleaner::new(Config::default()).unwrap().run(
                    docs().into_iter().map(Ok),
                    batch,
                    &mut out,
                )
            })
            .unwrap();
            assert_eq!(out, expected, "{threads} threads, batch {batch}");
        }
    }
}
