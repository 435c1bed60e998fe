//! The distributed stages against the `Cleaner`: the same input, cut into
//! files of random sizes, mapped in random file order, every shuffle
//! simulated in process (hash partitions, 1 to 7 of them, rows in random
//! order within a partition, then sorted where the driver sorts, fed in
//! random chunk sizes), must give output and report byte-identical to one
//! `Cleaner` over the documents in input order.

#[path = "../benches/support/crawl.rs"]
mod crawl;
#[path = "../benches/support/seeds.rs"]
mod seeds;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chaff::distributed::{
    CandidateRow, Decided, DocumentRow, Edge, NearCandidates, PageKey, ParagraphRow, Position,
    ResolveRow, Resolver, StagedFile, apply, components, count_templates, lookup_rows, map_file,
    owner_rows, template_table, verify,
};
use chaff::io::{RecordShape, write_clean_record, write_report_entries};
use chaff::{CleanDocument, Cleaner, Config, Document, Error};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Output and report JSONL of some cleaned documents, as the example
/// binary writes them.
fn bytes(documents: &[CleanDocument]) -> (String, String) {
    let (mut clean, mut report) = (Vec::new(), Vec::new());
    for document in documents {
        let shape = RecordShape {
            paragraphs: true,
            drop_empty: false,
        };
        write_clean_record(&mut clean, document, shape).unwrap();
        write_report_entries(&mut report, document).unwrap();
    }
    (
        String::from_utf8(clean).unwrap(),
        String::from_utf8(report).unwrap(),
    )
}

fn with_cleaner(documents: &[Document], config: &Config, templates: bool) -> Vec<CleanDocument> {
    let mut cleaner = Cleaner::new(config.clone()).unwrap();
    if templates {
        let learned =
            chaff::pipeline::learn_site_templates(documents.iter().cloned().map(Ok), config, 64)
                .unwrap();
        cleaner.set_site_templates(Arc::new(learned));
    }
    let mut out = Vec::new();
    cleaner
        .run(documents.iter().cloned().map(Ok), 37, &mut out)
        .unwrap();
    out
}

fn partition_of<T: Hash>(value: &T, partitions: usize) -> usize {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    (hasher.finish() % partitions as u64) as usize
}

/// Hash-partitions rows by `by`, shuffles each partition, and sorts it by
/// `sort` when the driver sorts within partitions (a stable sort keeps the
/// shuffled order among equal keys, which Spark does not promise either).
fn shuffle<T, K: Hash, S: Ord>(
    rows: Vec<T>,
    partitions: usize,
    by: impl Fn(&T) -> K,
    sort: Option<fn(&T) -> S>,
    rng: &mut StdRng,
) -> Vec<Vec<T>> {
    let mut parts: Vec<Vec<T>> = (0..partitions).map(|_| Vec::new()).collect();
    for row in rows {
        parts[partition_of(&by(&row), partitions)].push(row);
    }
    for part in &mut parts {
        part.shuffle(rng);
        if let Some(sort) = sort {
            part.sort_by_key(sort);
        }
    }
    parts.shuffle(rng);
    parts
}

/// Random chunk sizes, as Arrow batches arrive.
fn chunks<'a, T>(rows: &'a [T], rng: &mut StdRng) -> Vec<&'a [T]> {
    let mut out = Vec::new();
    let mut rest = rows;
    while !rest.is_empty() {
        let n = rng.random_range(1..=rest.len().min(50));
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

/// Every stage, with every shuffle simulated.
fn distributed(
    files: Vec<Vec<Document>>,
    config: &Config,
    templates: bool,
    partitions: usize,
    rng: &mut StdRng,
) -> Result<Vec<CleanDocument>, Error> {
    // 1. map, files in random order
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.shuffle(rng);
    let mut files: Vec<Option<Vec<Document>>> = files.into_iter().map(Some).collect();
    let mut staged: Vec<StagedFile> = Vec::new();
    let (mut documents, mut page_keys, mut paragraphs): (
        Vec<DocumentRow>,
        Vec<PageKey>,
        Vec<ParagraphRow>,
    ) = Default::default();
    for file in order {
        let mapped = map_file(file as u32, files[file].take().unwrap(), config)?;
        let mut text = Vec::new();
        mapped.staged.save_to(&mut text, "staging".as_ref())?;
        staged.push(StagedFile::load_from(&text[..], "staging".as_ref())?);
        documents.extend(mapped.documents);
        page_keys.extend(mapped.page_keys);
        paragraphs.extend(mapped.paragraphs);
    }
    paragraphs.shuffle(rng);

    // 2. templates: counted per (site, key) partition
    let template_rows = if templates {
        let mut rows = Vec::new();
        for part in shuffle(
            page_keys,
            partitions,
            |k| (k.site, k.key),
            None::<fn(&PageKey) -> u8>,
            rng,
        ) {
            rows.extend(count_templates(&config.templates, &part, &documents));
        }
        rows
    } else {
        Vec::new()
    };
    let table = template_table(&template_rows);
    paragraphs.retain(|p| !table.contains_key(&(p.site, p.key)));

    // 3–4. exact nodes; near candidates by bucket: owners from every
    // paragraph, lookups from one paragraph per node
    let mut nodes: HashMap<u64, &ParagraphRow> = HashMap::new();
    for p in &paragraphs {
        nodes.entry(p.fingerprint.exact).or_insert(p);
    }
    let mut rows: Vec<CandidateRow> = paragraphs.iter().flat_map(owner_rows).collect();
    rows.extend(nodes.values().flat_map(|p| lookup_rows(p)));
    rows.shuffle(rng);
    let mut candidates = Vec::new();
    for part in shuffle(
        rows,
        partitions,
        |r| r.bucket,
        Some((|r: &CandidateRow| r.sort_key()) as fn(&CandidateRow) -> _),
        rng,
    ) {
        let mut near = NearCandidates::new();
        for chunk in chunks(&part, rng) {
            near.push(chunk)?;
            candidates.extend(near.take());
        }
        candidates.extend(near.finish());
    }
    // distinct pairs, as the driver takes them
    candidates.sort_unstable();
    candidates.dedup();

    // 5. verify
    let mut edges: Vec<Edge> = candidates
        .iter()
        .filter_map(|c| {
            verify(
                &config.dedup,
                &config.fingerprint,
                c,
                nodes[&c.query],
                nodes[&c.earlier],
            )
        })
        .collect();
    edges.shuffle(rng);

    // 6. components
    let component: HashMap<u64, u64> = components(edges.iter().map(|e| (e.query, e.earlier)))
        .into_iter()
        .collect();
    let of = |node: u64| component.get(&node).copied().unwrap_or(node);

    // 7. resolve, partitioned by component, sorted within partitions
    let mut rows: Vec<ResolveRow> = edges
        .iter()
        .map(|edge| ResolveRow::Edge {
            component: of(edge.query),
            edge: *edge,
        })
        .collect();
    rows.extend(paragraphs.iter().map(|p| ResolveRow::Paragraph {
        component: of(p.fingerprint.exact),
        at: p.at,
        exact: p.fingerprint.exact,
        searches: p.searches(),
    }));
    let mut duplicates = Vec::new();
    // Spark sorts the component as a signed number: any order of
    // components will do as long as each is together and in order.
    let sort: Option<fn(&ResolveRow) -> _> = Some(|r| {
        let (component, kind, at) = r.sort_key();
        (component as i64, kind, at)
    });
    for part in shuffle(rows, partitions, |r| r.sort_key().0, sort, rng) {
        let mut resolver = Resolver::new(config.dedup.clone());
        for chunk in chunks(&part, rng) {
            resolver.push(chunk)?;
            duplicates.extend(resolver.take());
        }
        duplicates.extend(resolver.finish()?);
    }

    // 8. apply, joined with the documents' ids, files in random order
    let ids: HashMap<(u32, u32), &str> = documents
        .iter()
        .map(|d| ((d.file, d.record), d.id.as_str()))
        .collect();
    let mut by_file: HashMap<u32, Vec<Decided>> = HashMap::new();
    for d in duplicates {
        by_file.entry(d.at.file).or_default().push(Decided {
            at: d.at,
            of_id: ids[&(d.of.file, d.of.record)].to_owned(),
            of_paragraph: d.of.paragraph,
            exact: d.exact,
            distance: d.distance,
            similarity: d.similarity,
        });
    }
    let mut out: Vec<(u32, Vec<CleanDocument>)> = Vec::new();
    for file in staged {
        let number = file.file;
        let decided = by_file.remove(&number).unwrap_or_default();
        out.push((number, apply(file, decided, &table)?));
    }
    out.sort_by_key(|(file, _)| *file);
    Ok(out.into_iter().flat_map(|(_, docs)| docs).collect())
}

/// The documents cut into files of random sizes (some empty), in order.
fn into_files(documents: &[Document], rng: &mut StdRng) -> Vec<Vec<Document>> {
    let mut files = Vec::new();
    let mut rest = documents;
    while !rest.is_empty() {
        if rng.random_bool(0.05) {
            files.push(Vec::new());
        }
        let n = rng.random_range(1..=rest.len().min(12));
        files.push(rest[..n].to_vec());
        rest = &rest[n..];
    }
    files
}

fn check(name: &str, documents: &[Document], configs: &[(&str, Config, bool)], seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    for (label, config, templates) in configs {
        let expected = bytes(&with_cleaner(documents, config, *templates));
        assert!(!expected.0.is_empty());
        for partitions in 1..=7 {
            let files = into_files(documents, &mut rng);
            let got = distributed(files, config, *templates, partitions, &mut rng)
                .unwrap_or_else(|e| panic!("{name} {label}: {e}"));
            let got = bytes(&got);
            assert!(
                got.0 == expected.0,
                "{name} {label} at {partitions} partitions: output differs"
            );
            assert!(
                got.1 == expected.1,
                "{name} {label} at {partitions} partitions: report differs"
            );
        }
    }
}

fn configs() -> Vec<(&'static str, Config, bool)> {
    let mut out = vec![("default", Config::default(), false)];
    out.push(("site templates", Config::default(), true));
    let mut c = Config::default();
    c.dedup.exact = false;
    out.push(("no exact", c, false));
    let mut c = Config::default();
    c.dedup.near = false;
    out.push(("no near", c, true));
    let mut c = Config::default();
    c.dedup.max_hamming = 15;
    c.dedup.min_similarity = 0.3;
    out.push(("k 15, similarity 0.3", c, false));
    let mut c = Config::default();
    c.dedup.max_hamming = 5;
    c.dedup.min_similarity = 0.0;
    c.dedup.min_shingles = 4;
    out.push(("k 5, no similarity check, 4 shingles", c, false));
    out
}

fn txt_pages(dir: &str) -> Vec<Document> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    chaff::io::input_files([&dir])
        .unwrap()
        .files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| chaff::io::read_txt_file(&p, chaff::io::Utf8Policy::Strict).unwrap())
        .collect()
}

#[test]
fn seed_pages_match_the_cleaner_for_any_partitioning() {
    let mut pages = txt_pages("tests/fixtures/seeds");
    // twice, so that the second copy repeats the first across files
    pages.extend(pages.clone().into_iter().map(|mut d| {
        d.id = format!("again/{}", d.id);
        // the input record's other fields are carried through
        d.extra.insert("date".into(), "2024-05-01".into());
        d
    }));
    check("seeds", &pages, &configs(), 1);
}

#[test]
fn dev_set_pages_match_the_cleaner_for_any_partitioning() {
    let pages = txt_pages("tests/fixtures/devset/pages");
    assert_eq!(pages.len(), 99);
    check("devset", &pages, &configs()[..3], 2);
}

#[test]
fn generated_crawls_match_the_cleaner_for_any_partitioning() {
    for seed in [1, 2] {
        let mut jsonl = Vec::new();
        crawl::generate(&mut jsonl, 600_000, seed, 12).unwrap();
        let documents: Vec<Document> = jsonl
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert!(documents.len() > 100);
        check("crawl", &documents, &configs(), 10 + seed);
    }
}

/// Many edited copies of a few paragraphs, long and short, so that band
/// and half-key buckets fill up (more than `BUCKET_CAP` distinct keys under
/// one key) and near repeats hold places they do not use.
#[test]
fn crowded_buckets_match_the_cleaner_for_any_partitioning() {
    const BASES: [&str; 4] = [
        "市政府召开常务会议，研究部署今年的重点工作，会议由市长主持，各位副市长、秘书长和各部门主要负责同志出席会议。",
        "The council approved the budget for the coming year on Monday, after a debate that lasted well into the night, the mayor said.",
        "市政府召开常务会议研究部署重点工作",
        "Mayor opens the new city library",
    ];
    const LETTERS: [char; 8] = ['新', '之', '会', 'x', 'e', 'a', '的', ' '];
    let mut rng = StdRng::seed_from_u64(7);
    let documents: Vec<Document> = (0..160)
        .map(|d| {
            let paragraphs: Vec<String> = (0..3)
                .map(|_| {
                    let mut chars: Vec<char> =
                        BASES[rng.random_range(0..BASES.len())].chars().collect();
                    for _ in 0..rng.random_range(0..4) {
                        let at = rng.random_range(0..chars.len());
                        match rng.random_range(0..3) {
                            0 => chars[at] = LETTERS[rng.random_range(0..LETTERS.len())],
                            1 => chars.insert(at, LETTERS[rng.random_range(0..LETTERS.len())]),
                            _ => {
                                chars.remove(at);
                            }
                        }
                    }
                    chars.into_iter().collect()
                })
                .collect();
            Document::new(format!("d{d}"), paragraphs.join("\n\n"))
        })
        .collect();
    let mut strict = Config::default();
    strict.dedup.min_similarity = 0.9;
    let mut loose = Config::default();
    loose.dedup.min_similarity = 0.5;
    loose.dedup.exact = false;
    let configs = vec![
        ("default", Config::default(), false),
        ("similarity 0.9", strict, false),
        ("similarity 0.5, no exact", loose, false),
    ];
    check("crowded", &documents, &configs, 3);
}

#[test]
fn rows_out_of_order_are_refused_not_decided() {
    let at = |record| Position {
        file: 0,
        record,
        paragraph: 0,
    };
    let row = |record| ResolveRow::Paragraph {
        component: 1,
        at: at(record),
        exact: 1,
        searches: false,
    };
    let mut resolver = Resolver::new(Default::default());
    let err = resolver.push(&[row(2), row(1)]).unwrap_err();
    assert!(err.to_string().contains("out of order"), "{err}");
    let other = ResolveRow::Paragraph {
        component: 0,
        at: at(0),
        exact: 2,
        searches: false,
    };
    let mut resolver = Resolver::new(Default::default());
    resolver.push(&[row(1), other]).unwrap(); // components in any order
    let err = resolver.push(&[row(3)]).unwrap_err();
    assert!(err.to_string().contains("not together"), "{err}");

    let owner = |bucket, record| CandidateRow {
        bucket,
        looks_up: false,
        at: at(record),
        exact: 1,
    };
    let mut near = NearCandidates::new();
    let err = near
        .push(&[owner(1, 0), owner(2, 0), owner(1, 1)])
        .unwrap_err();
    assert!(err.to_string().contains("not together"), "{err}");
    let mut near = NearCandidates::new();
    let err = near.push(&[owner(1, 1), owner(1, 0)]).unwrap_err();
    assert!(err.to_string().contains("out of order"), "{err}");
}

#[test]
fn sentence_trimming_is_refused() {
    let mut config = Config::default();
    config.dedup.trim_repeated_sentences = true;
    let err = map_file(0, vec![Document::new("a", "正文。")], &config).unwrap_err();
    assert!(err.to_string().contains("trim_repeated_sentences"), "{err}");
}

#[test]
fn a_cut_off_staging_file_is_refused_with_its_line() {
    let mapped = map_file(
        0,
        vec![
            Document::new("a", "第一篇。"),
            Document::new("b", "第二篇。"),
        ],
        &Config::default(),
    )
    .unwrap();
    let mut text = Vec::new();
    mapped.staged.save_to(&mut text, "s".as_ref()).unwrap();
    let cut = text.iter().rposition(|b| *b == b'\n').unwrap();
    let line_start = text[..cut].iter().rposition(|b| *b == b'\n').unwrap() + 1;
    let err = StagedFile::load_from(&text[..line_start], "s".as_ref()).unwrap_err();
    assert!(err.to_string().contains("cut off"), "{err}");
    let mut bad = text.clone();
    bad[line_start + 3] = b'#';
    let err = StagedFile::load_from(&bad[..], "s".as_ref()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "s:3: staging file unusable at byte offset {line_start}"
        )),
        "{err}"
    );
}
