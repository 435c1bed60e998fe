//! The dev set's breakdowns: per language, per source group and per fold
//! (from its `MANIFEST.json`), and break repair measured against the
//! gold's joins.
//!
//! Folds: the sites of the set, in page-name order, go alternately to fold
//! A and fold B (a site is the second `_`-separated part of a page name, so
//! pages of one site never straddle the folds). Tuning on one fold and
//! checking on the other is the held-out check the set allows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chaff::Error;
use chaff::split::{SplitConfig, split_paragraphs};
use serde::Serialize;

use crate::{Figures, Scores, normalize, stem};

/// One page of the dev set, from `MANIFEST.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInfo {
    /// The page name, without extension.
    pub name: String,
    /// ISO language code.
    pub language: String,
    /// Source group: `gne`, `ia`, `rd`, `sh`.
    pub group: String,
}

impl PageInfo {
    /// `zh` or `other`.
    pub fn language_group(&self) -> &'static str {
        if self.language == "zh" { "zh" } else { "other" }
    }

    /// The source group, with the readability pages split by language
    /// (`rd-zh`), as `tools/stats.py` reports them.
    pub fn source_group(&self) -> String {
        if self.group == "rd" && self.language == "zh" {
            "rd-zh".into()
        } else {
            self.group.clone()
        }
    }

    /// The site: the second `_`-separated part of the name.
    pub fn site(&self) -> &str {
        self.name.split('_').nth(1).unwrap_or(&self.name)
    }
}

/// Reads the dev set's `MANIFEST.json`.
///
/// ```
/// let pages = chaff_evaluate::devset::load_manifest(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/devset/MANIFEST.json").as_ref())?;
/// assert_eq!(pages.len(), 99);
/// assert_eq!(pages[0].language_group(), "zh");
/// # Ok::<(), chaff::Error>(())
/// ```
pub fn load_manifest(path: &Path) -> Result<Vec<PageInfo>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let bad = |message: String| Error::BadRecord {
        source_name: path.to_path_buf(),
        line: 1,
        byte_offset: 0,
        message,
    };
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    entries
        .iter()
        .map(|entry| {
            let field = |key: &str| {
                entry
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| bad(format!("an entry without \"{key}\"")))
            };
            Ok(PageInfo {
                name: field("name")?,
                language: field("language")?,
                group: field("group")?,
            })
        })
        .collect()
}

/// Fold `A` or `B` of every page: sites alternate in page-name order.
pub fn folds(pages: &[PageInfo]) -> BTreeMap<String, char> {
    let mut sites: Vec<&str> = Vec::new();
    let mut names: Vec<&PageInfo> = pages.iter().collect();
    names.sort_by(|a, b| a.name.cmp(&b.name));
    for page in &names {
        if !sites.contains(&page.site()) {
            sites.push(page.site());
        }
    }
    names
        .iter()
        .map(|page| {
            let k = sites.iter().position(|s| *s == page.site()).unwrap_or(0);
            (page.name.clone(), if k % 2 == 0 { 'A' } else { 'B' })
        })
        .collect()
}

/// The figures of every breakdown: `all`, `zh`, `other`, each source
/// group, `fold A`, `fold B`, and each fold by language.
pub fn breakdown(scores: &Scores, pages: &[PageInfo]) -> Vec<(String, usize, Figures)> {
    let folds = folds(pages);
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for page in pages {
        let fold = folds[&page.name];
        for key in [
            "all".to_owned(),
            page.language_group().to_owned(),
            page.source_group(),
            format!("fold {fold}"),
            format!("fold {fold} {}", page.language_group()),
        ] {
            groups.entry(key).or_default().push(&page.name);
        }
    }
    let order = [
        "all",
        "zh",
        "other",
        "gne",
        "ia",
        "rd-zh",
        "rd",
        "sh",
        "fold A",
        "fold B",
        "fold A zh",
        "fold A other",
        "fold B zh",
        "fold B other",
    ];
    order
        .iter()
        .filter_map(|name| {
            let members = groups.get(*name)?;
            Some((
                (*name).to_owned(),
                members.len(),
                scores.sum(members.iter().copied()),
            ))
        })
        .collect()
}

/// Break repair against the gold: the line junctions the splitter joined
/// and the gold's joined paragraphs, over the non-blank lines of each page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Joins {
    /// Junctions joined by the splitter.
    pub made: usize,
    /// Junctions joined in the gold.
    pub gold: usize,
    /// Joined by both.
    pub correct: usize,
    /// Pages whose gold could not be aligned with the page's lines.
    pub unaligned: Vec<String>,
    /// Joins made that the gold does not have: (page, first line's text).
    pub false_joins: Vec<(String, String)>,
    /// Gold joins not made: (page, first line's text).
    pub missed_joins: Vec<(String, String)>,
}

impl Joins {
    /// Joins made that are not in the gold.
    pub fn false_count(&self) -> usize {
        self.made - self.correct
    }

    /// Gold joins not made.
    pub fn missed_count(&self) -> usize {
        self.gold - self.correct
    }
}

/// The junctions (index of the first non-blank line of each joined pair)
/// that paragraphs `texts` make over `lines`, aligned by normalized text;
/// `None` if they do not tile the lines.
fn junctions(texts: &[String], lines: &[String]) -> Option<BTreeSet<usize>> {
    // The splitter trims invisible characters at line edges; the gold keeps
    // them (a variation selector, a byte-order mark).
    let key = |text: &str| -> Vec<char> {
        normalize(text)
            .into_iter()
            .filter(|c| !chaff::chars::is_invisible(*c))
            .collect()
    };
    let mut junctions = BTreeSet::new();
    let mut k = 0;
    for text in texts {
        let target = key(text);
        let mut have = key(lines.get(k)?);
        while have != target && have.len() < target.len() && k + 1 < lines.len() {
            junctions.insert(k);
            k += 1;
            have.extend(key(&lines[k]));
        }
        if have != target {
            return None;
        }
        k += 1;
    }
    Some(junctions)
}

/// Gold paragraph texts in page order from a gold file.
fn gold_texts(path: &Path) -> Result<Vec<String>, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut texts = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .skip(1)
    {
        let row: serde_json::Value = serde_json::from_str(line).map_err(|e| Error::BadRecord {
            source_name: path.to_path_buf(),
            line: n + 1,
            byte_offset: 0,
            message: e.to_string(),
        })?;
        texts.push(
            row.get("text")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_owned(),
        );
    }
    Ok(texts)
}

/// Measures break repair with `config` on `pages` (paths of `.txt` pages)
/// against the gold files of the same names in `gold_dir`.
///
/// ```
/// use chaff::split::SplitConfig;
/// let fixtures = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures"));
/// let pages: Vec<_> = std::fs::read_dir(fixtures.join("seeds"))?.map(|e| e.unwrap().path()).collect();
/// let joins = chaff_evaluate::devset::measure_joins(&pages, &fixtures.join("gold"), &SplitConfig::default())?;
/// assert_eq!((joins.gold, joins.correct, joins.false_count()), (17, 17, 0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn measure_joins(
    pages: &[impl AsRef<Path>],
    gold_dir: &Path,
    config: &SplitConfig,
) -> Result<Joins, Error> {
    let mut joins = Joins::default();
    let unrepaired = SplitConfig {
        repair_breaks: false,
    };
    for page in pages {
        let page = page.as_ref();
        let name = stem(&page.to_string_lossy());
        let gold_path = gold_dir.join(format!("{name}.jsonl"));
        if !gold_path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(page).map_err(|e| Error::io(page, e))?;
        let lines: Vec<String> = split_paragraphs(&text, &unrepaired)
            .into_iter()
            .map(|p| p.text)
            .collect();
        let made: Vec<String> = split_paragraphs(&text, config)
            .into_iter()
            .map(|p| p.text)
            .collect();
        let (Some(made), Some(gold)) = (
            junctions(&made, &lines),
            junctions(&gold_texts(&gold_path)?, &lines),
        ) else {
            joins.unaligned.push(name);
            continue;
        };
        joins.made += made.len();
        joins.gold += gold.len();
        joins.correct += made.intersection(&gold).count();
        let example = |k: &usize| (name.clone(), lines[*k].clone());
        joins
            .false_joins
            .extend(made.difference(&gold).map(example));
        joins
            .missed_joins
            .extend(gold.difference(&made).map(example));
    }
    Ok(joins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junctions_follow_joined_paragraphs() {
        let lines: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let texts: Vec<String> = ["a", "bc", "d"].map(String::from).to_vec();
        assert_eq!(junctions(&texts, &lines), Some(BTreeSet::from([1])));
        let texts: Vec<String> = ["a", "x"].map(String::from).to_vec();
        assert_eq!(junctions(&texts, &lines), None);
    }

    #[test]
    fn folds_keep_a_site_together_and_alternate() {
        let page = |name: &str| PageInfo {
            name: name.into(),
            language: "en".into(),
            group: "rd".into(),
        };
        let pages = [
            page("01_aa_x"),
            page("02_aa_y"),
            page("03_bb_z"),
            page("04_cc_w"),
        ];
        let folds = folds(&pages);
        assert_eq!(folds.values().collect::<String>(), "AABA", "{folds:?}");
    }
}
