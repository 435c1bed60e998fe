//! The labelled near-duplicate corpus behind `examples/neardup_eval.rs` and
//! `examples/neardup_options.rs`: seeded, deterministic, rebuilt from the
//! repository's own pages on every run.
//!
//! * **Bases**: the distinct paragraphs (comparison keys of 5 characters or
//!   more) of the five sample pages, the dev set's 99 `.txt` pages (in name
//!   order) and `tests/fixtures/english`, keeping only paragraphs unrelated to
//!   every earlier one: no character-trigram Jaccard of 0.5 or more, and
//!   for keys under 41 characters no single edit apart. What is left are
//!   paragraphs that must all stay apart.
//! * **Edited reposts**: for each edit rate, every base gets a copy with that
//!   share of its characters substituted, inserted or deleted (at least
//!   one), letters of the paragraph's own script (ideographs for Chinese,
//!   a–z for Latin text). Edits never touch a digit: a changed number is
//!   another fact, generated among the pairs below.
//! * **Pairs that must not merge**: the same line with another date, another
//!   number, or another person's name (surname and given name both
//!   different): templates written for this corpus, filled from the lists
//!   below, and every base under 40 characters that holds a number, with
//!   one of its numbers changed. Lines whose names differ in one character
//!   (another surname) are generated apart ([`one_character_names`]).
//!
//! Nothing here decides what a near-duplicate is; it only labels pairs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// Edit rates of the reposts.
pub const RATES: [f64; 5] = [0.01, 0.02, 0.03, 0.05, 0.08];

/// Length buckets, in characters of the comparison key.
pub const BUCKETS: [(&str, usize, usize); 4] = [
    ("5-19", 5, 20),
    ("20-39", 20, 40),
    ("40-99", 40, 100),
    (">=100", 100, usize::MAX),
];

/// The bucket of a comparison key of `chars` characters.
pub fn bucket(chars: usize) -> &'static str {
    BUCKETS
        .iter()
        .find(|(_, low, high)| (*low..*high).contains(&chars))
        .map_or("<5", |(name, _, _)| name)
}

/// The script a paragraph is mostly written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    /// Ideographs, kana, hangul.
    Cjk,
    /// Everything else (Latin letters in this material).
    Latin,
}

/// A base paragraph.
#[derive(Debug, Clone)]
pub struct Base {
    /// The paragraph as it appears on its page.
    pub text: String,
    /// Characters of its comparison key.
    pub chars: usize,
    /// Its main script.
    pub script: Script,
}

/// A labelled pair: the second is an edited repost of the first, or
/// another fact that must not be merged with it.
#[derive(Debug, Clone)]
pub struct Pair {
    /// What was changed.
    pub kind: &'static str,
    /// The earlier paragraph.
    pub first: String,
    /// The later one.
    pub second: String,
}

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn txt_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The script of a text: CJK when it has at least as many CJK characters
/// as other letters.
pub fn script_of(text: &str) -> Script {
    let cjk = text.chars().filter(|c| chaff::chars::is_cjk(*c)).count();
    let other = text
        .chars()
        .filter(|c| c.is_alphabetic() && !chaff::chars::is_cjk(*c))
        .count();
    if cjk >= other {
        Script::Cjk
    } else {
        Script::Latin
    }
}

/// Sorted character trigrams of the lowercased letters and digits of a key.
fn trigrams(key: &str) -> Vec<u64> {
    let chars: Vec<char> = key
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let mut grams: Vec<u64> = if chars.len() < 3 {
        vec![chars.iter().fold(0u64, |h, c| (h << 21) | u64::from(*c))]
    } else {
        chars
            .windows(3)
            .map(|w| (u64::from(w[0]) << 42) | (u64::from(w[1]) << 21) | u64::from(w[2]))
            .collect()
    };
    grams.sort_unstable();
    grams.dedup();
    grams
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a.len() + b.len() - shared).max(1) as f64
}

/// Whether two character sequences are at most one substitution, insertion
/// or deletion apart.
pub fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    let suffix = short[prefix..]
        .iter()
        .rev()
        .zip(long[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix + suffix + 1 >= long.len()
}

/// The base paragraphs (see the module docs), in input order.
pub fn bases() -> Vec<Base> {
    let root = fixtures();
    let mut files = txt_files(&root.join("seeds"));
    files.extend(txt_files(&root.join("devset/pages")));
    files.extend(txt_files(&root.join("english")));
    let mut bases: Vec<Base> = Vec::new();
    let mut grams: Vec<Vec<u64>> = Vec::new();
    let mut short_keys: Vec<Vec<char>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for file in files {
        let Ok(page) = std::fs::read_to_string(&file) else {
            continue;
        };
        for paragraph in chaff::split::split_paragraphs(&page, &Default::default()) {
            let key = chaff::normalize::comparison_key(&paragraph.text);
            let chars = key.chars().count();
            if chars < 5 || !seen.insert(key.clone()) {
                continue;
            }
            let own = trigrams(&key);
            let related = grams.iter().any(|g| {
                let (small, large) = (g.len().min(own.len()), g.len().max(own.len()));
                2 * small >= large && jaccard(g, &own) >= 0.5
            });
            let key_chars: Vec<char> = key.chars().collect();
            let near_short =
                chars <= 40 && short_keys.iter().any(|k| one_edit_apart(k, &key_chars));
            if related || near_short {
                continue;
            }
            if chars <= 40 {
                short_keys.push(key_chars);
            }
            grams.push(own);
            bases.push(Base {
                script: script_of(&key),
                text: paragraph.text,
                chars,
            });
        }
    }
    bases
}

/// The letters edits draw from, per script: every ideograph of the bases
/// for CJK text, a–z for Latin text.
pub struct Alphabets {
    cjk: Vec<char>,
    latin: Vec<char>,
}

impl Alphabets {
    /// The alphabets of `bases`.
    pub fn of(bases: &[Base]) -> Self {
        let mut cjk: Vec<char> = bases
            .iter()
            .flat_map(|b| b.text.chars())
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
            .collect();
        cjk.sort_unstable();
        cjk.dedup();
        Alphabets {
            cjk,
            latin: ('a'..='z').collect(),
        }
    }

    fn letter(&self, script: Script, rng: &mut StdRng) -> char {
        let pool = match script {
            Script::Cjk if !self.cjk.is_empty() => &self.cjk,
            _ => &self.latin,
        };
        *pool.choose(rng).unwrap_or(&'x')
    }
}

/// `text` with `rate` of its characters (at least one) substituted,
/// inserted or deleted, never a digit.
pub fn edit(
    text: &str,
    rate: f64,
    script: Script,
    alphabets: &Alphabets,
    rng: &mut StdRng,
) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let edits = ((chars.len() as f64 * rate).round() as usize).max(1);
    let mut done = 0;
    let mut tries = 0;
    while done < edits && tries < 100 * edits {
        tries += 1;
        let at = rng.random_range(0..=chars.len());
        let letter = alphabets.letter(script, rng);
        let on_digit = chars.get(at).is_some_and(|c| c.is_numeric());
        match rng.random_range(0..3) {
            0 if at < chars.len() && !on_digit && chars[at] != letter => chars[at] = letter,
            1 => chars.insert(at, letter),
            2 if at < chars.len() && !on_digit && chars.len() > 1 => {
                chars.remove(at);
            }
            _ => continue,
        }
        done += 1;
    }
    chars.into_iter().collect()
}

/// The edited reposts of `bases` at `rate`: `(base index, text)`.
pub fn reposts(bases: &[Base], rate: f64, seed: u64) -> Vec<(usize, String)> {
    let alphabets = Alphabets::of(bases);
    let mut rng = StdRng::seed_from_u64(seed ^ (rate * 1e4) as u64);
    bases
        .iter()
        .enumerate()
        .map(|(i, b)| (i, edit(&b.text, rate, b.script, &alphabets, &mut rng)))
        .collect()
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "建国", "海燕", "志强", "丽华", "晓明", "文斌", "春梅", "国庆", "秀英", "永刚", "红霞", "伟",
    "敏", "磊", "静", "涛", "勇", "芳",
];
const FIRST_NAMES: &[&str] = &[
    "Jane", "Sarah", "David", "Michael", "Laura", "Thomas", "Emily", "Robert", "Grace", "Daniel",
    "Helen", "Peter",
];
const LAST_NAMES: &[&str] = &[
    "Collins", "Patel", "Nguyen", "Okafor", "Fischer", "Moreau", "Kowalski", "Ramirez", "Baker",
    "Hughes",
];
/// Hand-written lines with one slot each: `{}` is a name, a date or a
/// number. Lengths run from under 10 to about 60 characters.
const NAME_TEMPLATES_ZH: &[&str] = &[
    "{}同志任市财政局局长",
    "{}同志任县委常委、宣传部部长",
    "责任编辑：{}",
    "记者 {} 通讯员 李晓明",
    "{}在会上强调，要坚决扛起管党治党政治责任",
    "本报讯（记者 {}）市委常委会召开会议，研究部署近期重点工作",
    "市长{}主持召开市政府常务会议，审议通过《城市更新工作方案》",
];
const NAME_TEMPLATES_EN: &[&str] = &[
    "By {}",
    "Photo: {}",
    "Councillor {} chaired the meeting",
    "Mayor {} opened the new library on Monday",
    "Police named the driver as {}, who was treated at the scene.",
];
const DATE_TEMPLATES_ZH: &[&str] = &[
    "{}",
    "发布时间：{}",
    "{}全市居民消费价格同比上涨",
    "{}全市规模以上工业增加值同比增长",
    "市政府新闻办公室于{}召开新闻发布会，介绍全市经济运行情况",
];
const DATE_TEMPLATES_EN: &[&str] = &[
    "Published {}",
    "Last updated: {}",
    "The consultation closes on {}",
    "The council will meet again on {} to agree the final budget.",
];
const NUMBER_TEMPLATES_ZH: &[&str] = &[
    "第{}期",
    "共{}条记录",
    "全市共有中小学校{}所",
    "今年以来累计接待游客{}万人次",
    "全年完成固定资产投资{}亿元，同比增长百分之七",
    "截至目前，全市已建成5G基站{}个，实现城区和乡镇全覆盖",
];
const NUMBER_TEMPLATES_EN: &[&str] = &[
    "Page {} of 12",
    "{} comments",
    "The council approved {} new homes",
    "Around {} people attended the festival over the weekend.",
    "The new bridge cost {} million pounds and took three years to build.",
];

fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::new();
    let mut values = values.iter();
    for (i, part) in template.split("{}").enumerate() {
        if i > 0 {
            out.push_str(values.next().map_or("", String::as_str));
        }
        out.push_str(part);
    }
    out
}

/// Two names of different people: surname and given name both differ.
fn zh_names(rng: &mut StdRng) -> (String, String) {
    let surnames: Vec<&&str> = SURNAMES.choose_multiple(rng, 2).collect();
    let given: Vec<&&str> = GIVEN.choose_multiple(rng, 2).collect();
    (
        format!("{}{}", surnames[0], given[0]),
        format!("{}{}", surnames[1], given[1]),
    )
}

fn en_names(rng: &mut StdRng) -> (String, String) {
    let first: Vec<&&str> = FIRST_NAMES.choose_multiple(rng, 2).collect();
    let last: Vec<&&str> = LAST_NAMES.choose_multiple(rng, 2).collect();
    (
        format!("{} {}", first[0], last[0]),
        format!("{} {}", first[1], last[1]),
    )
}

/// Two names one character apart: the same given name, another surname.
fn zh_surnames(rng: &mut StdRng) -> (String, String) {
    let surnames: Vec<&&str> = SURNAMES.choose_multiple(rng, 2).collect();
    let given = GIVEN.choose(rng).unwrap_or(&"伟");
    (
        format!("{}{given}", surnames[0]),
        format!("{}{given}", surnames[1]),
    )
}

fn zh_date(rng: &mut StdRng) -> String {
    match rng.random_range(0..3) {
        0 => format!(
            "{}年{}月",
            rng.random_range(2015..2026),
            rng.random_range(1..13)
        ),
        1 => format!(
            "{}年{}月{}日",
            rng.random_range(2015..2026),
            rng.random_range(1..13),
            rng.random_range(1..29)
        ),
        _ => format!(
            "{}-{:02}-{:02}",
            rng.random_range(2015..2026),
            rng.random_range(1..13),
            rng.random_range(1..29)
        ),
    }
}

fn en_date(rng: &mut StdRng) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!(
        "{} {} {}",
        rng.random_range(1..29),
        MONTHS[rng.random_range(0..12)],
        rng.random_range(2015..2026)
    )
}

fn number(rng: &mut StdRng) -> String {
    match rng.random_range(0..3) {
        0 => rng.random_range(2..100).to_string(),
        1 => rng.random_range(100..10_000).to_string(),
        _ => format!("{}.{}", rng.random_range(1..100), rng.random_range(1..10)),
    }
}

/// Two different values from `make`.
fn two(rng: &mut StdRng, make: fn(&mut StdRng) -> String) -> (String, String) {
    let first = make(rng);
    loop {
        let second = make(rng);
        if second != first {
            return (first, second);
        }
    }
}

/// `text` with one of its numbers (a run of digits) replaced by another.
fn change_a_number(text: &str, rng: &mut StdRng) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            runs.push(start..i);
        } else {
            i += 1;
        }
    }
    let run = runs.choose(rng)?.clone();
    let old: String = chars[run.clone()].iter().collect();
    let mut new = old.clone();
    while new == old {
        let value: u64 = old.parse().unwrap_or(0);
        let delta = rng.random_range(1..=9u64);
        new = if rng.random_bool(0.5) || value < delta {
            (value + delta).to_string()
        } else {
            (value - delta).to_string()
        };
        if old.starts_with('0') && new.len() < old.len() {
            new = format!("{new:0>width$}", width = old.len());
        }
    }
    let mut out: String = chars[..run.start].iter().collect();
    out.push_str(&new);
    out.extend(&chars[run.end..]);
    Some(out)
}

/// The pairs that must not merge (see the module docs), every line of
/// them distinct after folding.
pub fn must_not_merge(bases: &[Base], seed: u64) -> Vec<Pair> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pairs = Vec::new();
    for _ in 0..8 {
        for template in NAME_TEMPLATES_ZH {
            let (a, b) = zh_names(&mut rng);
            pairs.push(pair("name", template, a, b));
        }
        for template in NAME_TEMPLATES_EN {
            let (a, b) = en_names(&mut rng);
            pairs.push(pair("name", template, a, b));
        }
        for template in DATE_TEMPLATES_ZH {
            let (a, b) = two(&mut rng, zh_date);
            pairs.push(pair("date", template, a, b));
        }
        for template in DATE_TEMPLATES_EN {
            let (a, b) = two(&mut rng, en_date);
            pairs.push(pair("date", template, a, b));
        }
        for template in NUMBER_TEMPLATES_ZH.iter().chain(NUMBER_TEMPLATES_EN) {
            let (a, b) = two(&mut rng, number);
            pairs.push(pair("number", template, a, b));
        }
    }
    for base in bases.iter().filter(|b| b.chars < 40) {
        if let Some(changed) = change_a_number(&base.text, &mut rng) {
            pairs.push(Pair {
                kind: "number",
                first: base.text.clone(),
                second: changed,
            });
        }
    }
    distinct(pairs, true)
}

/// Pairs of lines that differ in one character of a person's name (the
/// surname): a difference no character-level rule tells from a typo, so
/// they are measured apart from the pairs that must not merge.
pub fn one_character_names(seed: u64) -> Vec<Pair> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut pairs = Vec::new();
    for _ in 0..8 {
        for template in NAME_TEMPLATES_ZH {
            let (a, b) = zh_surnames(&mut rng);
            pairs.push(pair("name, one character", template, a, b));
        }
    }
    distinct(pairs, false)
}

fn pair(kind: &'static str, template: &str, a: String, b: String) -> Pair {
    Pair {
        kind,
        first: fill(template, &[a]),
        second: fill(template, &[b]),
    }
}

/// Keeps the pairs whose two lines differ and appear nowhere else (a
/// template that drew the same value twice gives the same line twice),
/// and, with `apart`, none of whose lines is one edit that is not a digit
/// away from a line of another pair (two names drawn one character apart).
fn distinct(pairs: Vec<Pair>, apart: bool) -> Vec<Pair> {
    let key = |text: &str| -> Vec<char> {
        chaff::normalize::fold(&chaff::normalize::comparison_key(text))
            .chars()
            .collect()
    };
    let mut kept: Vec<Pair> = Vec::new();
    let mut lines: Vec<Vec<char>> = Vec::new();
    for p in pairs {
        let (a, b) = (key(&p.first), key(&p.second));
        let clash = |line: &Vec<char>| {
            lines
                .iter()
                .any(|other| other == line || (apart && typo_apart(other, line)))
        };
        if a != b && !clash(&a) && !clash(&b) {
            lines.push(a);
            lines.push(b);
            kept.push(p);
        }
    }
    kept
}

/// One substitution, insertion or deletion apart, of a character that is
/// not a digit.
fn typo_apart(a: &[char], b: &[char]) -> bool {
    if !one_edit_apart(a, b) || a == b {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let edited = [a.get(prefix), b.get(prefix)];
    !edited.iter().flatten().any(|c| c.is_numeric())
}

/// Every base with one shared sentence put in front: pairs of distinct
/// paragraphs that share a template sentence.
pub fn with_template_sentence(bases: &[Base]) -> Vec<String> {
    bases
        .iter()
        .map(|b| match b.script {
            Script::Cjk => format!("本网站所载内容仅供参考，如需转载请注明出处并保留原文链接。{}", b.text),
            Script::Latin => format!(
                "The views expressed on this page are those of the authors and do not necessarily reflect the position of the council. {}",
                b.text
            ),
        })
        .collect()
}

/// A fresh seeded generator for callers.
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Picks `n` indices out of `len`, seeded.
pub fn sample(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut all: Vec<usize> = (0..len).collect();
    for i in 0..n.min(len) {
        let j = rng.random_range(i..len);
        all.swap(i, j);
    }
    all.truncate(n.min(len));
    all
}
