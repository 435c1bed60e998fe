//! Scoring a cleaner's output against gold paragraph labels: a tool of
//! the chaff repository (workspace member `chaff-evaluate`), not part of
//! the cleaning API. The `evaluate` binary (`src/main.rs`) cleans pages
//! with chaff, or reads any cleaner's JSONL, and prints the figures.
//!
//! A port of `tests/fixtures/gold/score.py` with the same matching rules and
//! figures (a test checks both agree on the sample pages). Gold files are
//! JSONL, one per page: a header `{"doc", "source", "lang"}`, then one
//! `{"i", "label", "text", "dup_of"?}` per gold paragraph, where `label` is
//! `content`, `boilerplate`, `optional` or `duplicate`.
//!
//! Matching: both sides are normalized (NFKC, all whitespace removed). An
//! output paragraph matches a gold paragraph of the same page when they are
//! equal, or one contains the other and the shorter has at least 90% of the
//! longer's characters, or their character-bigram Dice similarity is at least
//! 0.9; it is assigned to the best match, then to one not assigned yet, then
//! to the earliest. A `duplicate` belongs to the group of the paragraph its
//! `dup_of` chain ends at.
//!
//! ```
//! let gold = chaff_evaluate::Gold::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/gold").as_ref())?;
//! let output = vec![("001_a4783f7c51050e56.txt".to_string(), vec!["1—11月，首府经济运行总体平稳".to_string()])];
//! let scores = gold.score(&output);
//! assert_eq!(scores.overall.correct, 1);
//! # Ok::<(), chaff::Error>(())
//! ```

#![deny(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use chaff::Error;

pub mod devset;

const CONTAIN_MIN: f64 = 0.9;
const DICE_MIN: f64 = 0.9;
const LEN_RATIO_FOR_DICE: f64 = DICE_MIN / (2.0 - DICE_MIN) - 0.01;

/// A gold paragraph's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// Must be kept.
    Content,
    /// Must be dropped.
    Boilerplate,
    /// Either is fine.
    Optional,
    /// Must be dropped: repeats an earlier paragraph.
    Duplicate,
}

struct GoldParagraph {
    label: Label,
    key: Vec<char>,
    bigrams: HashMap<(char, char), u32>,
    /// (page index, paragraph index) of the group's first occurrence.
    group: (usize, usize),
}

/// Gold labels for a set of pages, in page-name order.
pub struct Gold {
    pages: Vec<(String, Vec<GoldParagraph>)>,
}

/// The figures for one page or for all.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    /// Gold content paragraphs.
    pub gold_content: usize,
    /// Gold boilerplate paragraphs.
    pub gold_boilerplate: usize,
    /// Gold optional paragraphs.
    pub gold_optional: usize,
    /// Gold duplicate paragraphs.
    pub gold_duplicate: usize,
    /// Output paragraphs (non-empty after normalization).
    pub output: usize,
    /// Gold content paragraphs whose group was output.
    pub content_recalled: usize,
    /// Output paragraphs matched to a content or optional group, first time.
    pub correct: usize,
    /// Gold boilerplate paragraphs matched by an output paragraph.
    pub boilerplate_leak: usize,
    /// Duplicates that survived.
    pub dup_leak: usize,
    /// Output paragraphs that match no gold paragraph.
    pub unmatched: usize,
}

impl Figures {
    fn add(&mut self, other: &Figures) {
        self.gold_content += other.gold_content;
        self.gold_boilerplate += other.gold_boilerplate;
        self.gold_optional += other.gold_optional;
        self.gold_duplicate += other.gold_duplicate;
        self.output += other.output;
        self.content_recalled += other.content_recalled;
        self.correct += other.correct;
        self.boilerplate_leak += other.boilerplate_leak;
        self.dup_leak += other.dup_leak;
        self.unmatched += other.unmatched;
    }

    /// Recalled content / gold content (`None` without gold content).
    pub fn recall(&self) -> Option<f64> {
        (self.gold_content > 0).then(|| self.content_recalled as f64 / self.gold_content as f64)
    }

    /// Correct output / all output (0 when nothing was output).
    pub fn precision(&self) -> f64 {
        if self.output == 0 {
            0.0
        } else {
            self.correct as f64 / self.output as f64
        }
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> Option<f64> {
        let (p, r) = (self.precision(), self.recall()?);
        Some(if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        })
    }
}

/// Figures per page and overall.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Per page, by page name without `.txt`.
    pub pages: BTreeMap<String, Figures>,
    /// Sums over the pages.
    pub overall: Figures,
}

fn normalize(text: &str) -> Vec<char> {
    text.nfkc()
        .filter(|c| !(c.is_whitespace() || matches!(c, '\u{1C}'..='\u{1F}')))
        .collect()
}

fn bigrams(key: &[char]) -> HashMap<(char, char), u32> {
    let mut counts = HashMap::new();
    for pair in key.windows(2) {
        *counts.entry((pair[0], pair[1])).or_insert(0) += 1;
    }
    counts
}

/// A page name without its directory and `.txt`/`.jsonl`.
/// The page name of an output id: its file name less a compression suffix
/// (`.gz`, `.zst`) and a page format suffix (`.txt`, `.jsonl`, `.html`,
/// `.htm`), so that `pages/a.html.gz` and `a.txt` name the same page.
fn stem(name: &str) -> String {
    let name = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(name);
    let name = [".txt", ".jsonl", ".html", ".htm"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name);
    name.to_owned()
}

fn contains(haystack: &[char], needle: &[char]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

fn match_score(key: &[char], bg: &HashMap<(char, char), u32>, gold: &GoldParagraph) -> f64 {
    if key == gold.key.as_slice() {
        return 1.0;
    }
    let (lo, lg) = (key.len(), gold.key.len());
    if lo == 0 || lg == 0 {
        return 0.0;
    }
    let ratio = lo.min(lg) as f64 / lo.max(lg) as f64;
    let mut best = 0.0;
    if ratio >= CONTAIN_MIN
        && if lo <= lg {
            contains(&gold.key, key)
        } else {
            contains(key, &gold.key)
        }
    {
        best = ratio;
    }
    if ratio >= LEN_RATIO_FOR_DICE {
        let total: u32 = bg.values().sum::<u32>() + gold.bigrams.values().sum::<u32>();
        if total > 0 {
            let shared: u32 = bg
                .iter()
                .map(|(pair, n)| (*n).min(gold.bigrams.get(pair).copied().unwrap_or(0)))
                .sum();
            let dice = 2.0 * f64::from(shared) / f64::from(total);
            if dice >= DICE_MIN {
                best = f64::max(best, dice);
            }
        }
    }
    best
}

impl Gold {
    /// Loads every `*.jsonl` gold file of `dir`.
    pub fn load(dir: &Path) -> Result<Gold, Error> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        let mut pages = Vec::new();
        let mut raw_dups: Vec<(usize, usize, serde_json::Value)> = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            let bad = |line: usize, message: String| Error::BadRecord {
                source_name: path.clone(),
                line,
                byte_offset: 0,
                message,
            };
            let mut rows = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty());
            let Some((_, header)) = rows.next() else {
                continue;
            };
            let header: serde_json::Value =
                serde_json::from_str(header).map_err(|e| bad(1, e.to_string()))?;
            let Some(doc) = header.get("doc").and_then(|d| d.as_str()) else {
                continue;
            };
            let page = pages.len();
            let mut paragraphs = Vec::new();
            for (n, row) in rows {
                let row: serde_json::Value =
                    serde_json::from_str(row).map_err(|e| bad(n + 1, e.to_string()))?;
                let label = match row.get("label").and_then(|l| l.as_str()) {
                    Some("content") => Label::Content,
                    Some("boilerplate") => Label::Boilerplate,
                    Some("optional") => Label::Optional,
                    Some("duplicate") => Label::Duplicate,
                    other => return Err(bad(n + 1, format!("unknown label {other:?}"))),
                };
                let key = normalize(row.get("text").and_then(|t| t.as_str()).unwrap_or(""));
                let index = paragraphs.len();
                if label == Label::Duplicate {
                    raw_dups.push((page, index, row.get("dup_of").cloned().unwrap_or_default()));
                }
                paragraphs.push(GoldParagraph {
                    label,
                    bigrams: bigrams(&key),
                    key,
                    group: (page, index),
                });
            }
            pages.push((stem(doc), paragraphs));
        }
        let mut gold = Gold { pages };
        gold.resolve_groups(&raw_dups);
        Ok(gold)
    }

    /// Follows `dup_of` chains to the first occurrence.
    fn resolve_groups(&mut self, raw_dups: &[(usize, usize, serde_json::Value)]) {
        let dup_of: HashMap<(usize, usize), &serde_json::Value> =
            raw_dups.iter().map(|(p, i, v)| ((*p, *i), v)).collect();
        let target = |page: usize, value: &serde_json::Value| -> Option<(usize, usize)> {
            let (doc, index) = match value {
                serde_json::Value::Number(n) => (page, n.as_u64()? as usize),
                serde_json::Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) => {
                    (page, s.parse().ok()?)
                }
                serde_json::Value::String(s) => {
                    let (doc, index) = s.rsplit_once(':')?;
                    let doc = stem(doc);
                    (
                        self.pages.iter().position(|(name, _)| *name == doc)?,
                        index.parse().ok()?,
                    )
                }
                _ => return None,
            };
            (index < self.pages.get(doc)?.1.len()).then_some((doc, index))
        };
        let mut groups = Vec::new();
        for &(page, index, _) in raw_dups {
            let mut current = (page, index);
            let mut seen = vec![current];
            while let Some(value) = dup_of.get(&current) {
                match target(current.0, value) {
                    Some(next) if !seen.contains(&next) => {
                        seen.push(next);
                        current = next;
                    }
                    _ => break,
                }
            }
            groups.push(((page, index), current));
        }
        for ((page, index), group) in groups {
            self.pages[page].1[index].group = group;
        }
    }

    /// How many of the output records' ids name a gold page (see
    /// [`Gold::score`]): 0 means the output and the gold do not share ids,
    /// and every page would score 0.
    pub fn matching(&self, output: &[(String, Vec<String>)]) -> usize {
        output
            .iter()
            .filter(|(id, _)| {
                let id = stem(id);
                self.pages.iter().any(|(name, _)| *name == id)
            })
            .count()
    }

    /// Scores output records `(page id, kept paragraphs)`; ids may carry
    /// a directory, `.txt`, `.html` (and `.gz`); records for pages without
    /// gold are ignored.
    pub fn score(&self, output: &[(String, Vec<String>)]) -> Scores {
        let mut by_page: HashMap<String, Vec<&str>> = HashMap::new();
        for (id, paragraphs) in output {
            by_page
                .entry(stem(id))
                .or_default()
                .extend(paragraphs.iter().map(String::as_str));
        }
        let mut members: HashMap<(usize, usize), usize> = HashMap::new();
        for (page, (_, paragraphs)) in self.pages.iter().enumerate() {
            for (index, p) in paragraphs.iter().enumerate() {
                if p.group != (page, index) {
                    *members.entry(p.group).or_default() += 1;
                }
            }
        }
        let mut group_seen: HashMap<(usize, usize), usize> = HashMap::new();
        let mut scores = Scores::default();
        let mut used_per_page = Vec::new();
        for (name, gold) in &self.pages {
            let mut used = vec![0usize; gold.len()];
            let mut figures = Figures::default();
            for text in by_page.get(name).map(Vec::as_slice).unwrap_or(&[]) {
                let key = normalize(text);
                if key.is_empty() {
                    continue;
                }
                figures.output += 1;
                let bg = bigrams(&key);
                let mut best: Option<(usize, (f64, bool, isize))> = None;
                for (i, g) in gold.iter().enumerate() {
                    let s = match_score(&key, &bg, g);
                    if s <= 0.0 {
                        continue;
                    }
                    let rank = (s, used[i] == 0, -(i as isize));
                    if best.as_ref().is_none_or(|(_, r)| rank > *r) {
                        best = Some((i, rank));
                    }
                }
                let Some((i, _)) = best else {
                    figures.unmatched += 1;
                    continue;
                };
                used[i] += 1;
                let group = gold[i].group;
                let seen = group_seen.entry(group).or_default();
                *seen += 1;
                let root = &self.pages[group.0].1[group.1];
                let duplicates = members.get(&group).copied().unwrap_or(0);
                match (gold[i].label, *seen) {
                    // leaked boilerplate is counted per gold paragraph below
                    (Label::Boilerplate, _) => {}
                    (_, seen) if seen > 1 && seen - 1 <= duplicates => figures.dup_leak += 1,
                    (_, seen) if seen > 1 => {}
                    _ if matches!(root.label, Label::Content | Label::Optional) => {
                        figures.correct += 1
                    }
                    _ => {}
                }
            }
            used_per_page.push(used);
            scores.pages.insert(name.clone(), figures);
        }
        for (page, (name, gold)) in self.pages.iter().enumerate() {
            let figures = scores.pages.get_mut(name).expect("inserted above");
            for (i, g) in gold.iter().enumerate() {
                match g.label {
                    Label::Content => {
                        figures.gold_content += 1;
                        figures.content_recalled +=
                            usize::from(group_seen.get(&g.group).copied().unwrap_or(0) > 0);
                    }
                    Label::Boilerplate => {
                        figures.gold_boilerplate += 1;
                        figures.boilerplate_leak += usize::from(used_per_page[page][i] > 0);
                    }
                    Label::Optional => figures.gold_optional += 1,
                    Label::Duplicate => figures.gold_duplicate += 1,
                }
            }
            scores.overall.add(figures);
        }
        scores
    }
}

/// Reads a cleaner's output: JSONL records `{"id", "paragraphs"}` (or
/// `{"id", "text"}`, split on newlines), as [`Gold::score`] takes them.
pub fn load_output(path: &Path) -> Result<Vec<(String, Vec<String>)>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut records = Vec::new();
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let line_offset = offset;
        offset += line.len();
        let bad = |message: String| Error::BadRecord {
            source_name: path.to_path_buf(),
            line: n + 1,
            byte_offset: line_offset,
            message,
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value =
            serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let id = record
            .get("id")
            .or_else(|| record.get("doc"))
            .and_then(|id| id.as_str())
            .ok_or_else(|| bad("record without a string \"id\"".into()))?;
        let paragraphs = match (record.get("paragraphs"), record.get("text")) {
            (Some(serde_json::Value::Array(items)), _) => items
                .iter()
                .map(|p| p.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("\"paragraphs\" must be a list of strings".into()))?,
            (None, Some(serde_json::Value::String(text))) => {
                text.split('\n').map(str::to_owned).collect()
            }
            _ => return Err(bad("record without \"paragraphs\" or \"text\"".into())),
        };
        records.push((id.to_owned(), paragraphs));
    }
    Ok(records)
}

impl Scores {
    /// The figures summed over the named pages (names without `.txt`;
    /// names without gold are skipped).
    ///
    /// ```
    /// let gold = chaff_evaluate::Gold::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/gold").as_ref())?;
    /// let scores = gold.score(&[]);
    /// assert_eq!(scores.sum(["000_3c173866b2547df7", "001_a4783f7c51050e56"]).gold_content, 32 + 76);
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn sum<'a>(&self, pages: impl IntoIterator<Item = &'a str>) -> Figures {
        let mut total = Figures::default();
        for page in pages {
            if let Some(figures) = self.pages.get(&stem(page)) {
                total.add(figures);
            }
        }
        total
    }
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let num = |x: Option<f64>| x.map_or("  nan".to_owned(), |x| format!("{x:.3}"));
        writeln!(
            f,
            "{:<22} {:>14} {:>4} {:>6} {:>6} {:>6} {:>11} {:>4} {:>4}",
            "page", "gold c/b/o/d", "out", "recall", "prec", "F1", "bp_leak", "dup", "unm"
        )?;
        let row = |f: &mut std::fmt::Formatter<'_>, name: &str, x: &Figures| {
            writeln!(
                f,
                "{:<22} {:>14} {:>4} {:>6} {:>6} {:>6} {:>11} {:>4} {:>4}",
                name,
                format!(
                    "{}/{}/{}/{}",
                    x.gold_content, x.gold_boilerplate, x.gold_optional, x.gold_duplicate
                ),
                x.output,
                num(x.recall()),
                num(Some(x.precision())),
                num(x.f1()),
                format!("{}/{}", x.boilerplate_leak, x.gold_boilerplate),
                x.dup_leak,
                x.unmatched
            )
        };
        for (name, x) in &self.pages {
            row(f, name, x)?;
        }
        row(f, "overall", &self.overall)?;
        let o = &self.overall;
        write!(
            f,
            "\nF1={} recall={} precision={} boilerplate_leak={} dup_leak={} unmatched={}",
            num(o.f1()),
            num(o.recall()),
            num(Some(o.precision())),
            o.boilerplate_leak,
            o.dup_leak,
            o.unmatched
        )
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn ids_of_html_and_text_pages_name_the_same_gold_page() {
        for id in ["a.txt", "a.html", "dir/a.htm", "a.html.gz", "a.jsonl", "a"] {
            assert_eq!(stem(id), "a", "{id}");
        }
        assert_eq!(stem("a.b.html"), "a.b");
    }
}
