//! Invariants on arbitrary input (proptest).

use chaff::fingerprint::{FeatureHash, FingerprintConfig, Shingler, fingerprint};
use chaff::index::{CuckooTable, IdTable};
use chaff::{Cleaner, Config, Document, Verdict};
use proptest::prelude::*;

/// Page-like text: CJK, Latin, digits, punctuation, every kind of line break,
/// blanks and invisible characters, and repeated lines.
fn page() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[一二三四五六七八九十的是在和了有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞]{1,40}",
        "[a-zA-Z]{1,10}( [a-zA-Z]{1,10}){0,8}",
        "[0-9]{1,6}",
        prop::sample::select(vec![
            "，",
            ",",
            "。",
            ".",
            "、",
            "：",
            ":",
            "“",
            "”",
            "(",
            ")",
            " ",
            "\u{3000}",
            "\u{200B}",
            "\u{FEFF}",
            "\n",
            "\n\n",
            "\r\n",
            "\r",
            "\u{2028}",
            "\t",
            "•",
            "分享到:",
            "网站首页",
            "王劲凯 摄",
            "\u{202E}",
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| {
        // repeat some lines so dedup has work
        let text = pieces.concat();
        if text.len() % 3 == 0 {
            format!("{text}\n{text}")
        } else {
            text
        }
    })
}

fn without_blanks(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !chaff::chars::is_invisible(*c))
        .collect()
}

/// Every id a hash multimap gives for each query (`candidates`, tag
/// matches included), filtered to those stored under it, is every id whose
/// key is the query, as a scan of `entries` (id = position) finds them.
fn finds_what_brute_force_finds(
    entries: &[u64],
    queries: &[u64],
    candidates: impl Fn(u64) -> Vec<u32>,
) -> Result<(), TestCaseError> {
    for &query in queries {
        let mut found: Vec<u32> = candidates(query)
            .into_iter()
            .filter(|id| entries[*id as usize] == query)
            .collect();
        found.sort_unstable();
        let brute: Vec<u32> = (0..entries.len() as u32)
            .filter(|id| entries[*id as usize] == query)
            .collect();
        prop_assert_eq!(found, brute);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_character_is_kept_or_reported_once_in_order(pages in prop::collection::vec(page(), 1..4)) {
        let mut cleaner = Cleaner::new(Config::default()).unwrap();
        let docs: Vec<Document> = pages.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.clone())).collect();
        for (doc, page) in cleaner.clean_batch(docs).iter().zip(&pages) {
            let decided: String = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
            prop_assert_eq!(without_blanks(&decided), without_blanks(page));
            prop_assert!(doc.paragraphs.windows(2).all(|w| w[0].byte_offset < w[1].byte_offset));
            prop_assert!(doc.paragraphs.iter().all(|p| !p.text.is_empty() && page[p.byte_offset..].starts_with(p.text.chars().next().unwrap())));
            prop_assert_eq!(doc.kept().count() + doc.report_entries().count(), doc.paragraphs.len());
        }
    }

    #[test]
    fn trimming_loses_no_sentence(pages in prop::collection::vec(page(), 1..4)) {
        let mut config = Config::default();
        config.dedup.trim_repeated_sentences = true;
        config.dedup.min_sentence_chars = 4;
        let mut cleaner = Cleaner::new(config).unwrap();
        let docs: Vec<Document> = pages.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.clone())).collect();
        for (doc, page) in cleaner.clean_batch(docs).iter().zip(&pages) {
            let mut decided = String::new();
            for paragraph in &doc.paragraphs {
                let mut pieces: Vec<(usize, &str)> = vec![];
                if let Verdict::TrimmedSentences { sentences } = &paragraph.verdict {
                    prop_assert!(!sentences.is_empty());
                    pieces.extend(sentences.iter().map(|s| (s.offset, s.text.as_str())));
                }
                // Trimmed sentences go back where they were taken from.
                let mut text = paragraph.text.clone();
                for (offset, sentence) in pieces {
                    prop_assert!(text.is_char_boundary(offset.min(text.len())));
                    text.insert_str(offset.min(text.len()), sentence);
                }
                decided.push_str(&text);
            }
            prop_assert_eq!(without_blanks(&decided), without_blanks(page));
            let reported = doc.report_entries().count();
            let output_only = doc.paragraphs.iter().filter(|p| p.verdict == Verdict::Kept).count();
            prop_assert_eq!(output_only + reported, doc.paragraphs.len());
        }
    }

    #[test]
    fn cleaning_the_clean_output_again_drops_only_for_context(pages in prop::collection::vec(page(), 1..3)) {
        let mut cleaner = Cleaner::new(Config::default()).unwrap();
        let docs: Vec<Document> = pages.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.clone())).collect();
        for first in cleaner.clean_batch(docs) {
            let kept: Vec<&str> = first.kept().collect();
            let again = Cleaner::new(Config::default()).unwrap().clean(Document::new("again", first.clean_text()));
            let resplit: Vec<&str> = again.paragraphs.iter().map(|p| p.text.as_str()).collect();
            // Kept lines that are joined anew by break repair are different
            // paragraphs; compare when the split is the same.
            if resplit != kept {
                continue;
            }
            for paragraph in &again.paragraphs {
                match &paragraph.verdict {
                    Verdict::Kept => {}
                    // Rules that look at neighbours, and the page model's
                    // decisions of place: the neighbours changed.
                    Verdict::Boilerplate { rule, .. } if [
                        "short_line_run", "chrome_context", "page_tail", "outside_main_text",
                        "headline_list", "label_value", "not_prose",
                    ].contains(&rule.as_ref()) => {}
                    other => prop_assert!(false, "{:?} newly dropped: {:?}", paragraph.text, other),
                }
            }
        }
    }

    #[test]
    fn duplicates_point_at_earlier_kept_paragraphs(pages in prop::collection::vec(page(), 1..4)) {
        let mut cleaner = Cleaner::new(Config::default()).unwrap();
        let docs: Vec<Document> = pages.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.clone())).collect();
        let clean = cleaner.clean_batch(docs);
        for (d, doc) in clean.iter().enumerate() {
            for (p, paragraph) in doc.paragraphs.iter().enumerate() {
                let origin = match &paragraph.verdict {
                    Verdict::ExactDuplicate { duplicate_of } | Verdict::NearDuplicate { duplicate_of, .. } => duplicate_of,
                    _ => continue,
                };
                let od: usize = origin.id.parse().unwrap();
                prop_assert!((od, origin.paragraph as usize) < (d, p));
                prop_assert_eq!(&clean[od].paragraphs[origin.paragraph as usize].verdict, &Verdict::Kept);
            }
        }
    }

    #[test]
    fn output_does_not_depend_on_the_thread_count(pages in prop::collection::vec(page(), 1..6)) {
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                let docs = pages.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.clone())).collect();
                Cleaner::new(Config::default()).unwrap().clean_batch(docs)
            })
        };
        let one = run(1);
        prop_assert_eq!(&one, &run(2));
        prop_assert_eq!(&one, &run(8));
    }

    #[test]
    fn run_does_not_depend_on_the_thread_count_or_the_batch_size(
        pages in prop::collection::vec(page(), 1..8),
        batch in 1usize..6,
        threads in 1usize..4,
    ) {
        let docs: Vec<Document> = pages.iter().enumerate().map(|(i, t)| Document::new(i.to_string(), t.clone())).collect();
        let expected = Cleaner::new(Config::default()).unwrap().clean_batch(docs.clone());
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let got = pool.install(|| {
            let mut out = Vec::new();
            Cleaner::new(Config::default())
                .unwrap()
                .run(docs.into_iter().map(Ok), batch, &mut out)
                .unwrap();
            out
        });
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn comparison_key_equals_nfkc_of_the_whole_text(
        chars in prop::collection::vec(prop_oneof![
            any::<char>(),
            prop::sample::select(vec!['e', 'A', 'Ａ', 'ｅ', '가', 'ᄀ', 'ᅡ', 'ᆨ', '\u{301}', '\u{308}', '\u{323}', '\u{30A}', '\u{3099}', 'か', 'ｶ', 'ﾞ', '，', '。', '\u{3000}', '\u{200B}', ' ', '呼']),
        ], 0..40)
    ) {
        use unicode_normalization::UnicodeNormalization;
        let text: String = chars.into_iter().collect();
        let normalized: String = text.nfkc().filter(|c| !chaff::chars::is_invisible(*c)).collect();
        let reference = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(chaff::normalize::comparison_key(&text), reference);
    }

    #[test]
    fn kernel_equals_the_simhash_crate(text in page()) {
        let config = FingerprintConfig { feature_hash: FeatureHash::SipHash24, ..FingerprintConfig::default() };
        let mut shingler = Shingler::new();
        let key = chaff::normalize::comparison_key(&text);
        let mut shingles = Vec::new();
        let folded = chaff::normalize::fold(&key);
        shingler.for_each_shingle(&folded, &config, |s| shingles.push(s.to_owned()));
        let reference = simhash::simhash_stream(shingles.iter().map(String::as_str));
        prop_assert_eq!(fingerprint(&key, &config, &mut shingler).simhash, reference);
    }

    #[test]
    fn searching_a_batch_first_changes_no_answer(
        paragraphs in prop::collection::vec(
            (0usize..5, prop::collection::vec((0usize..80, 0usize..4), 0..4)),
            1..80,
        ),
        batch in 1usize..20,
    ) {
        use chaff::dedup::{DedupConfig, Deduplicator, ParagraphRef, Probe};
        // A few bases, long and short, edited a little, so that exact, long
        // near and one-edit repeats happen within and across batches.
        const BASES: [&str; 5] = [
            "2023年，呼和浩特全力培育六大产业集群，产值实现2430亿元，占全市工业总产值比重突破90%。",
            "The council approved the budget for the coming year, the mayor said on Monday after a long debate.",
            "市政府召开常务会议研究部署重点工作",
            "Mayor opens the new library",
            "简讯",
        ];
        const LETTERS: [char; 4] = ['新', '之', 'x', '7'];
        let (dedup, fingerprint) = (DedupConfig::default(), FingerprintConfig::default());
        let probes: Vec<(Probe, ParagraphRef)> = paragraphs
            .iter()
            .enumerate()
            .map(|(i, (base, edits))| {
                let mut chars: Vec<char> = BASES[*base].chars().collect();
                for (at, letter) in edits {
                    let at = at % (chars.len() + 1);
                    chars.insert(at, LETTERS[*letter]);
                }
                let text: String = chars.into_iter().collect();
                let probe = Probe::of(&chaff::normalize::comparison_key(&text), &fingerprint, &dedup);
                (probe, ParagraphRef { document: i as u64, paragraph: 0 })
            })
            .collect();
        let mut sequential = Deduplicator::new(dedup.clone(), fingerprint.clone()).unwrap();
        let expected: Vec<_> = probes.iter().map(|(p, at)| sequential.check_and_insert(p, *at)).collect();
        let mut batched = Deduplicator::new(dedup, fingerprint).unwrap();
        let mut got = Vec::new();
        for chunk in probes.chunks(batch) {
            batched.start_batch();
            let searched: Vec<_> = chunk.iter().map(|(p, _)| batched.search(p)).collect();
            for ((p, at), searched) in chunk.iter().zip(searched) {
                got.push(batched.check_and_insert_searched(p, *at, searched));
            }
        }
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn cuckoo_table_finds_what_brute_force_finds(
        entries in prop::collection::vec(0u64..2000, 0..3000),
        queries in prop::collection::vec(0u64..2100, 1..20),
    ) {
        let mut table = CuckooTable::default();
        for (id, key) in entries.iter().enumerate() {
            table.insert(*key, id as u32, |id| entries[id as usize]);
        }
        prop_assert_eq!(table.len(), entries.len());
        finds_what_brute_force_finds(&entries, &queries, |key| table.candidates(key).collect())?;
    }

    #[test]
    fn id_table_finds_what_brute_force_finds(
        entries in prop::collection::vec(0u64..40, 0..3000),
        queries in prop::collection::vec(0u64..50, 1..20),
    ) {
        let mut table = IdTable::default();
        for (id, key) in entries.iter().enumerate() {
            table.insert(*key, id as u32, |id| entries[id as usize]);
        }
        prop_assert_eq!(table.len(), entries.len());
        finds_what_brute_force_finds(&entries, &queries, |key| table.candidates(key).collect())?;
    }
}
