//! The page model: where on a page the main text is.
//!
//! Rules drop the lines they recognise; the page model decides the rest
//! from the evidence of every line ([`LineEvidence`]) and its place on the
//! page, in four passes:
//!
//! 1. **Context-free classes**, after jusText (Pomikálek 2011, `classify_paragraphs`):
//!    a line is *good* (long, with the function words and punctuation of
//!    prose), *near-good* (some of that evidence, or a short complete
//!    sentence), *short*, or *bad* (a rule dropped it; or it is mostly links,
//!    digits or menu separators; or it is a teaser cut short with `...`; or
//!    it is long but has none of the marks of prose).
//! 2. **The main text region**: the run of lines with the largest sum of
//!    line values, found by the maximum-subarray scan (Kadane). This is
//!    Finn, Kushmerick & Smyth's body-text extraction (2001), where text
//!    counts for and markup against, with lines for tokens: a good line
//!    counts its length (capped at jusText's `length_high`, 200 Latin
//!    characters, so that one long legal notice does not outweigh an
//!    article), a near-good one half of it, a short line [`Marks::short_cost`]
//!    and a bad line [`Marks::bad_cost`] against. Related lists, comments and
//!    footers far from the article fall outside it (`outside_main_text`).
//! 3. **The title**: the heading-like line closest before the region that
//!    stands next to a dateline or byline (the layout of nearly every news
//!    and portal page), else the heading-like line just above the region.
//! 4. **Context inside the region**, after jusText's
//!    `revise_paragraph_classification`: a short line between good lines is
//!    good, between bad lines bad; a near-good line is bad only between bad
//!    lines. Before that, runs of short lines are decided by what surrounds
//!    them: a list introduced by a line ending in a colon (`常见的诱因主要包括:`,
//!    `The plan covers:`) or made of marked items, and followed by text, is
//!    the article's; a run of three or more headline-like lines is a
//!    `headline_list`. A heading directly above a good paragraph is kept.
//!
//! Captions, credits, bylines and datelines sit inside articles: they are
//! dropped by their rules but do not make their neighbours chrome.
//!
//! A line dropped for its place (outside the region, or by context) that
//! repeats a kept line is left to the duplicate stage, which names the line
//! it repeats.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::lines::{Ending, LineEvidence, LineHints, PageLanguage};

/// The trade between keeping all of the text and keeping only text
/// (trafilatura's `favor_precision` / `favor_recall`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Favor {
    /// Drop borderline lines: a tighter region, short lines kept only
    /// between good ones, a title only when a dateline marks it.
    Precision,
    /// The default trade.
    #[default]
    Balanced,
    /// Keep borderline lines: a wider region, and short lines kept unless
    /// both sides are chrome.
    Recall,
}

/// The costs and thresholds a [`Favor`] sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marks {
    /// What a bad line costs the region, in Latin-equivalent characters.
    pub bad_cost: f32,
    /// What a short line costs the region.
    pub short_cost: f32,
    /// A short line between a good and a bad neighbour is kept.
    pub keep_mixed_short: bool,
    /// A title is taken without a dateline next to it.
    pub title_without_dateline: bool,
    /// Regions other than the best are kept when their sum is at least
    /// this share of the best's.
    pub secondary_share: f32,
}

impl Marks {
    /// The marks of a favor.
    pub fn of(favor: Favor) -> Marks {
        match favor {
            Favor::Precision => Marks {
                bad_cost: 60.0,
                short_cost: 15.0,
                keep_mixed_short: false,
                title_without_dateline: false,
                secondary_share: 0.75,
            },
            Favor::Balanced => Marks {
                bad_cost: 45.0,
                short_cost: 10.0,
                keep_mixed_short: false,
                title_without_dateline: true,
                secondary_share: 0.5,
            },
            Favor::Recall => Marks {
                bad_cost: 30.0,
                short_cost: 5.0,
                keep_mixed_short: true,
                title_without_dateline: true,
                secondary_share: 0.25,
            },
        }
    }
}

/// jusText's `length_low` (70) and `length_high` (200), in Latin-equivalent
/// characters ([`LineEvidence::text_length`]).
pub const LENGTH_LOW: f32 = 70.0;
/// See [`LENGTH_LOW`].
pub const LENGTH_HIGH: f32 = 200.0;

/// Function-character density marks for Chinese (share of ideographs).
/// From the dev set's Chinese lines of 25 ideographs or more: content has
/// a 5th percentile of 0.057 and a first quartile of 0.125; long
/// boilerplate lines a first quartile of 0.038.
pub const CJK_FUNCTION_LOW: f32 = 0.05;
/// See [`CJK_FUNCTION_LOW`].
pub const CJK_FUNCTION_HIGH: f32 = 0.10;
/// Stop-word density marks for the spaced scripts. jusText's are 0.30 and
/// 0.32 with stop lists of a few hundred words; trafilatura lowers them to
/// 0.20 and 0.25 with its union list. Ours are a hundred words or fewer per
/// language, so we take trafilatura's.
pub const STOP_LOW: f32 = 0.20;
/// See [`STOP_LOW`].
pub const STOP_HIGH: f32 = 0.25;
/// Sentence ends and clause marks per ideograph (Chinese) or per word
/// (others) from which a line is punctuated like prose: a mark every 33
/// ideographs or 20 words. Content lines of the dev set have a 5th
/// percentile of 0.034 marks per ideograph.
pub const CJK_PUNCTUATION: f32 = 0.03;
/// Two marks every 33 ideographs: the first quartile of the dev set's
/// Chinese content lines (0.069).
pub const CJK_PUNCTUATION_HIGH: f32 = 0.06;
/// See [`CJK_PUNCTUATION`].
pub const WORD_PUNCTUATION: f32 = 0.05;
/// jusText's `max_link_density` for a good block, applied to hints.
pub const MAX_LINK_DENSITY: f32 = 0.2;
/// From link-like tokens in the text (URLs, e-mails), which are rarer than
/// anchors: features' `MAX_LINK_SHARE`.
pub const MAX_LINK_SHARE: f32 = 0.8;
/// Lines that end an article: the header of a related list or of the
/// comments (boilerpipe's `TerminatingBlocksFinder`). No region runs across
/// one, and no region after the best one starts below one.
const TERMINATORS: &[&str] = &["related_label", "comments_label"];
/// What a terminator costs the region: three good paragraphs.
pub const TERMINATOR_COST: f32 = 3.0 * LENGTH_HIGH;
/// A run of this many headline-like lines, unlabelled, is a headline list
/// (a title, a kicker, a subtitle and an interview header between two
/// articles of a newspaper page are four).
pub const HEADLINE_LIST_MIN: usize = 5;
/// The verdicts that come from a line's place on the page, not from its
/// own text: a line with one of them that repeats a kept line is left to
/// the duplicate stage.
const CONTEXT_VERDICTS: &[&str] = &[
    "outside_main_text",
    "chrome_context",
    "short_line_run",
    "headline_list",
];
/// A title scores this much when a dateline or byline marks it
/// ([`find_title`]).
const DATED_TITLE: i32 = 2;
/// What a dated title above a region adds to it when the best region is
/// chosen: two good paragraphs. Regions worth less than this get no bonus.
pub const TITLE_BONUS: f32 = 2.0 * LENGTH_HIGH;
/// A listing of teasers (`is_teaser_listing`) is ranked at this share of
/// its sum when the best region is chosen, and is never kept beside it.
pub const LISTING_RANK: f32 = 0.5;
/// How many dropped lines may stand between a list and the text after it.
const LIST_TAIL_SKIP: usize = 2;
/// How many short lines in a row cost only [`Marks::short_cost`] each.
pub const FREE_SHORT_RUN: usize = 3;
/// How many headings directly above a region open it; a longer run of
/// short lines there is a list, not headings.
pub const OPENING_HEADINGS: usize = 2;
/// How far before the region (in lines) the title is looked for.
pub const TITLE_WINDOW: usize = 30;

/// Rules whose drops are part of an article: they do not make their
/// neighbours chrome, and count as neutral for the region.
const IN_ARTICLE_RULES: &[&str] = &[
    "caption",
    "ad_label",
    "photo_credit",
    "author_credit",
    "page_jump",
    "byline",
    "dateline",
    "section_number",
];

/// `class`/`id` tokens of chrome containers (trafilatura's discard XPaths,
/// Readability's `unlikelyCandidates`, GNE's `USELESS_ATTR`).
const CHROME_CLASS_TOKENS: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "footer",
    "header",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "share",
    "social",
    "related",
    "recommend",
    "comment",
    "comments",
    "copyright",
    "cookie",
    "banner",
    "advert",
    "ad",
    "ads",
    "newsletter",
    "subscribe",
    "popup",
    "modal",
    "toolbar",
    "pagination",
];

/// A line's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    NearGood,
    Short,
    /// Dropped, with the reason.
    Bad(&'static str),
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Good => "good",
            Class::NearGood => "near_good",
            Class::Short => "short",
            Class::Bad(_) => "bad",
        }
    }
}

/// The page model's verdict on every line, given the rules' verdicts
/// (`Some(rule)` for the lines they drop): `Some(reason)` drops the line,
/// `None` keeps it. Rule verdicts are kept as they are.
///
/// ```
/// use chaff::boilerplate::page::{classify, Favor};
/// let keys = [
///     "新闻中心", "政务公开", "办事服务",
///     "春耕生产有序推进",
///     "2024-03-12 09:30 来源: 县农业局",
///     "3月12日,青山县召开春耕生产工作会议,总结去年农业农村工作,安排部署今年的春耕备耕任务。",
///     "会议指出,各乡镇要把粮食生产摆在突出位置,确保种子、化肥等农资供应充足,价格稳定。",
///     "相关新闻", "全县完成植树造林3万亩", "县领导调研乡村振兴工作",
/// ];
/// let rules = [None, None, None, None, Some("dateline"), None, None, Some("related_label"), None, None];
/// let verdicts = classify(&keys, &rules, None, Favor::Balanced);
/// assert_eq!(verdicts[0], Some("outside_main_text"));
/// assert_eq!(verdicts[3], None); // the title
/// assert_eq!(verdicts[5], None);
/// assert_eq!(verdicts[6], None);
/// assert_eq!(verdicts[8], Some("outside_main_text"));
/// ```
pub fn classify(
    keys: &[&str],
    rules: &[Option<&'static str>],
    hints: Option<&[LineHints]>,
    favor: Favor,
) -> Vec<Option<&'static str>> {
    let evidence: Vec<LineEvidence> = keys.iter().map(|k| LineEvidence::measure(k)).collect();
    explain(keys, &evidence, rules, hints, favor)
        .lines
        .into_iter()
        .map(|line| line.verdict)
        .collect()
}

/// What the page model saw on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct LineView {
    /// The context-free class: `good`, `near_good`, `short` or `bad`.
    pub class: &'static str,
    /// What the line counts for or against the main text region.
    pub value: f32,
    /// The verdict: `None` keeps the line, `Some(reason)` drops it.
    pub verdict: Option<&'static str>,
}

/// The page model's view of a page: every line, the main text regions
/// (line ranges) and the titles found above them.
#[derive(Debug, Clone, PartialEq)]
pub struct PageView {
    /// One entry per line.
    pub lines: Vec<LineView>,
    /// The main text regions, in page order.
    pub regions: Vec<std::ops::Range<usize>>,
    /// The lines taken as titles.
    pub titles: Vec<usize>,
}

/// [`classify`] with every intermediate result, from lines already
/// measured (`evidence[i]` of `keys[i]`): for tools that explain a page.
///
/// ```
/// use chaff::boilerplate::lines::LineEvidence;
/// use chaff::boilerplate::page::{explain, Favor};
/// let keys = ["Home", "News", "Sport", "The council approved the new budget on Monday, and the mayor said it would fund more buses."];
/// let evidence: Vec<LineEvidence> = keys.iter().map(|k| LineEvidence::measure(k)).collect();
/// let view = explain(&keys, &evidence, &[None; 4], None, Favor::Balanced);
/// assert_eq!(view.regions, [3..4]);
/// assert_eq!(view.lines[3].class, "good");
/// assert_eq!(view.lines[0].verdict, Some("outside_main_text"));
/// ```
pub fn explain(
    keys: &[&str],
    evidence: &[LineEvidence],
    rules: &[Option<&'static str>],
    hints: Option<&[LineHints]>,
    favor: Favor,
) -> PageView {
    let marks = Marks::of(favor);
    let language = PageLanguage::detect(evidence);
    let hint = |i: usize| hints.and_then(|h| h.get(i));
    let mut classes: Vec<Class> = (0..keys.len())
        .map(|i| context_free_class(&evidence[i], &language, rules[i], hint(i)))
        .collect();
    mark_label_value_rows(evidence, &mut classes);
    mark_galleries(keys, &mut classes);
    mark_section_numbers(keys, &mut classes);
    let mut transparent: Vec<bool> = classes
        .iter()
        .map(|c| matches!(c, Class::Bad(rule) if IN_ARTICLE_RULES.contains(rule)))
        .collect();
    // Numbers dropped as `digit_row` inside an enclosed run (a table's
    // values, an ingredient's quantity) are in-article drops like captions.
    let enclosed = enclosed_runs(&classes, evidence, &transparent);
    for run in &enclosed {
        for i in run.clone() {
            transparent[i] |= classes[i] == Class::Bad("digit_row");
        }
    }

    let values = line_values(&classes, evidence, &transparent, &enclosed, hints, &marks);
    let terminators: Vec<usize> = (0..classes.len())
        .filter(|&i| matches!(classes[i], Class::Bad(rule) if TERMINATORS.contains(&rule)))
        .collect();
    // A region that opens under a dated title is an article: it outranks a
    // longer run of teasers, a gallery or comments without one.
    let anchored = |floor: usize, start: usize| {
        find_title(floor, start, evidence, &classes, keys, hints, &marks)
            .is_some_and(|(_, score)| score >= DATED_TITLE)
    };
    // A run of headlines each with a line or two under it is a listing of
    // teasers, not an article.
    let listing =
        |region: std::ops::Range<usize>| is_teaser_listing(region, evidence, &classes, keys);
    let comments: Vec<usize> = terminators
        .iter()
        .copied()
        .filter(|&i| classes[i] == Class::Bad("comments_label"))
        .collect();
    let regions = main_regions(
        &values,
        marks.secondary_share,
        &terminators,
        &comments,
        anchored,
        listing,
    );
    let view = |verdicts: Vec<Option<&'static str>>, regions, titles| PageView {
        lines: classes
            .iter()
            .zip(&values)
            .zip(verdicts)
            .map(|((class, &value), verdict)| LineView {
                class: class.name(),
                value,
                verdict,
            })
            .collect(),
        regions,
        titles,
    };
    if regions.is_empty() {
        // No text on the page: only what is plainly chrome goes; "not
        // prose" means nothing where nothing is prose.
        let verdicts = classes
            .iter()
            .map(|c| match c {
                Class::Bad(reason) if *reason != "not_prose" => Some(*reason),
                _ => None,
            })
            .collect();
        return view(verdicts, regions, Vec::new());
    }

    let mut verdicts: Vec<Option<&'static str>> = classes
        .iter()
        .map(|class| match class {
            Class::Bad(reason) => Some(*reason),
            _ => Some("outside_main_text"),
        })
        .collect();
    let mut floor = 0;
    let mut titles = Vec::new();
    for region in &regions {
        let revised = revise_region(
            region.clone(),
            evidence,
            &classes,
            &transparent,
            hints,
            &marks,
        );
        verdicts[region.clone()].copy_from_slice(&revised);
        // Up to two headings directly above the region (captions and
        // credits between them do not count) open it: a title and a
        // subheading, not a name, and not the tail of a list of short lines.
        let above: Vec<usize> = (floor..region.start)
            .rev()
            .filter(|&i| !transparent[i])
            .take_while(|&i| classes[i] == Class::Short || classes[i] == Class::NearGood)
            .take(OPENING_HEADINGS + 1)
            .collect();
        // Under a related or comments header they are its links.
        let boxed = above.last().is_some_and(|&i| {
            (floor..i).rev().find(|&j| !transparent[j]).is_some_and(
                |j| matches!(classes[j], Class::Bad(rule) if TERMINATORS.contains(&rule)),
            )
        });
        let mut top = region.start;
        if above.len() <= OPENING_HEADINGS && !boxed {
            for &i in &above {
                let e = &evidence[i];
                let (short_heading, name) = if e.is_cjk() {
                    (e.ideographs <= 30, e.ideographs <= 5)
                } else {
                    (e.words <= 12, e.words <= 2)
                };
                if !(heading_like(e, keys[i]) && short_heading && !name) {
                    break;
                }
                verdicts[i] = None;
                top = i;
            }
        }
        let mut title = find_title(floor, top, evidence, &classes, keys, hints, &marks);
        // A dated title right under a shorter dated candidate is the
        // standfirst under the title: keep both, the upper as the title.
        if let Some((t, score)) = title
            && score >= DATED_TITLE
            && t > floor
            && let Some((above, above_score)) =
                find_title(floor, t, evidence, &classes, keys, hints, &marks)
            && above + 1 == t
            && above_score >= DATED_TITLE
            && evidence[t].text_length() > evidence[above].text_length()
        {
            verdicts[t] = None;
            title = Some((above, above_score));
        }
        let title = title.map(|(t, _)| t);
        if let Some(t) = title {
            verdicts[t] = None;
            // A subtitle opening with a dash, or a standfirst that reads as
            // text, between the title and the region.
            for i in t + 1..top {
                let subtitle = i == t + 1 && keys[i].starts_with(['—', '-']) && rules[i].is_none();
                if subtitle || matches!(classes[i], Class::Good | Class::NearGood) {
                    verdicts[i] = None;
                }
            }
        }
        titles.extend(title);
        floor = region.end;
    }
    // Repeats of kept text are the duplicate stage's to name. Only the kept
    // keys as long as a line dropped for its context can be its repeat, so
    // only those are hashed (most kept lines are long paragraphs).
    let asked: Vec<usize> = (0..verdicts.len())
        .filter(|&i| verdicts[i].is_some_and(|v| CONTEXT_VERDICTS.contains(&v)))
        .collect();
    if !asked.is_empty() {
        let lengths: HashSet<usize> = asked.iter().map(|&i| keys[i].len()).collect();
        let kept_keys: HashSet<&str> = keys
            .iter()
            .zip(&verdicts)
            .filter(|(key, verdict)| verdict.is_none() && lengths.contains(&key.len()))
            .map(|(key, _)| *key)
            .collect();
        for i in asked {
            if kept_keys.contains(keys[i]) {
                verdicts[i] = None;
            }
        }
    }
    view(verdicts, regions, titles)
}

fn context_free_class(
    e: &LineEvidence,
    language: &PageLanguage,
    rule: Option<&'static str>,
    hint: Option<&LineHints>,
) -> Class {
    if let Some(rule) = rule {
        return Class::Bad(rule);
    }
    if let Some(hint) = hint {
        if hint.link_density.is_some_and(|d| d > MAX_LINK_DENSITY) {
            return Class::Bad("link_density");
        }
        if hint
            .class_tokens
            .iter()
            .any(|t| CHROME_CLASS_TOKENS.contains(&t.as_str()))
        {
            return Class::Bad("chrome_markup");
        }
        if hint.heading_level.is_some() {
            return Class::Short;
        }
    }
    if e.chars == 0 {
        return Class::Short;
    }
    if e.link_share() > MAX_LINK_SHARE {
        return Class::Bad("link_density");
    }
    let sentence = e.ending == Ending::Sentence;
    if e.digit_share() >= 0.5 && !sentence {
        return Class::Bad("digit_row");
    }
    if e.ending == Ending::Truncated && e.sentence_ends == 0 {
        return Class::Bad("teaser");
    }
    if e.separators >= 2 && e.sentence_ends == 0 {
        return Class::Bad("menu_row");
    }
    let level = prose_level(e, language);
    let length = e.text_length();
    if length < LENGTH_LOW {
        return if level >= 1 && matches!(e.ending, Ending::Sentence | Ending::Clause) {
            Class::NearGood
        } else {
            Class::Short
        };
    }
    let punctuated = punctuated(e);
    if level == 2 && (sentence || punctuated) {
        Class::Good
    } else if level >= 1 || (punctuated && (sentence || e.sentence_ends > 0)) {
        // A long line that holds a sentence reads as text in any language.
        Class::NearGood
    } else if punctuated || e.list_marker {
        // A long heading: context decides.
        Class::Short
    } else {
        Class::Bad("not_prose")
    }
}

/// 2: the function-word density of prose; 1: some; 0: none. For a page
/// whose language has no stop list, punctuation stands in.
fn prose_level(e: &LineEvidence, language: &PageLanguage) -> u8 {
    if e.is_cjk() {
        // Official and statistical Chinese is sparse in function characters
        // but punctuated like any prose: either evidence counts.
        let density = e.function_density(language);
        let by_function =
            u8::from(density >= CJK_FUNCTION_LOW) + u8::from(density >= CJK_FUNCTION_HIGH);
        let marks = e.punctuation_density();
        let by_punctuation =
            u8::from(marks >= CJK_PUNCTUATION) + u8::from(marks >= CJK_PUNCTUATION_HIGH);
        return by_function.max(by_punctuation);
    }
    if e.words <= 2 {
        return 0;
    }
    if language.index.is_some() {
        let density = e.function_density(language);
        u8::from(density >= STOP_LOW) + u8::from(density >= STOP_HIGH)
    } else {
        u8::from(punctuated(e)) + u8::from(punctuated(e) && e.ending == Ending::Sentence)
    }
}

fn punctuated(e: &LineEvidence) -> bool {
    let mark = if e.is_cjk() {
        CJK_PUNCTUATION
    } else {
        WORD_PUNCTUATION
    };
    e.punctuation_density() >= mark
}

/// The region value of every line: a good line counts its length (capped
/// at [`LENGTH_HIGH`]), a near-good line half of it. Short lines cost
/// [`Marks::short_cost`] for the first [`FREE_SHORT_RUN`] of a run (a
/// heading, a subheading, a caption between paragraphs) and
/// [`Marks::bad_cost`] after that: long runs of short lines are menus and
/// link lists. A list introduced by a line ending in a colon, or whose
/// items are marked, and followed by text costs nothing.
fn line_values(
    classes: &[Class],
    evidence: &[LineEvidence],
    transparent: &[bool],
    enclosed: &[std::ops::Range<usize>],
    hints: Option<&[LineHints]>,
    marks: &Marks,
) -> Vec<f32> {
    let mut values = vec![0.0f32; classes.len()];
    let mut run = 0usize;
    for i in 0..classes.len() {
        values[i] = match classes[i] {
            Class::Good => {
                run = 0;
                evidence[i].text_length().min(LENGTH_HIGH)
            }
            Class::NearGood => {
                run = 0;
                evidence[i].text_length().min(LENGTH_HIGH) / 2.0
            }
            // Captions and credits sit inside articles; bylines and
            // datelines head articles and comments alike.
            Class::Bad(rule) if transparent[i] && !matches!(rule, "byline" | "dateline") => {
                -marks.short_cost
            }
            Class::Short => {
                run += 1;
                if run <= FREE_SHORT_RUN {
                    -marks.short_cost
                } else {
                    -marks.bad_cost
                }
            }
            // A time stamp that opens an entry of text (a live blog, a
            // thread of replies) sits inside the text like a caption: it
            // does not end the region. Still dropped as a dateline.
            Class::Bad("dateline") if matches!(classes.get(i + 1), Some(Class::Good)) => {
                run += 1;
                -marks.short_cost
            }
            Class::Bad(rule) if TERMINATORS.contains(&rule) => {
                run += 1;
                -TERMINATOR_COST
            }
            Class::Bad(_) => {
                run += 1;
                -marks.bad_cost
            }
        };
    }
    for run in enclosed {
        for v in &mut values[run.clone()] {
            *v = v.max(-marks.short_cost);
        }
    }
    for list in introduced_lists(classes, evidence, transparent, hints) {
        for v in &mut values[list] {
            *v = v.max(0.0);
        }
    }
    values
}

/// Runs of short lines enclosed by the article's text: directly under a
/// good line and directly above one, with no link text, no separators and
/// no truncated teasers among their lines (captions, credits and numbers
/// dropped as `digit_row` between them allowed). A Pros/Cons box, an
/// ingredient list, a contact block inside an article. Each of their lines
/// costs only [`Marks::short_cost`], like a heading, instead of
/// [`Marks::bad_cost`] past [`FREE_SHORT_RUN`]: menus and link lists sit
/// around the text, not inside it, or have link or teaser shape. Our own
/// rule (issue 13): on the dev set it adds recall (0.972 -> 0.973) and
/// leaks nothing; taking near-good lines as the enclosing text leaked 17
/// more boilerplate paragraphs there.
fn enclosed_runs(
    classes: &[Class],
    evidence: &[LineEvidence],
    transparent: &[bool],
) -> Vec<std::ops::Range<usize>> {
    short_runs(classes, |j| {
        matches!(classes[j], Class::Short | Class::Bad("digit_row")) || transparent[j]
    })
    .filter(|run| {
        let (start, end) = (run.start, run.end);
        let plain = run
            .clone()
            .filter(|&j| classes[j] == Class::Short)
            .all(|j| {
                let e = &evidence[j];
                e.link_chars == 0 && e.separators == 0 && e.ending != Ending::Truncated
            });
        let enclosed = start > 0
            && classes[start - 1] == Class::Good
            && classes.get(end) == Some(&Class::Good);
        plain && enclosed
    })
    .collect()
}

/// The runs of lines that start at a short line and go on while `extends`
/// holds for the next line, in page order.
fn short_runs<'a>(
    classes: &'a [Class],
    extends: impl Fn(usize) -> bool + 'a,
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < classes.len() && classes[i] != Class::Short {
            i += 1;
        }
        if i == classes.len() {
            return None;
        }
        let start = i;
        while i < classes.len() && extends(i) {
            i += 1;
        }
        Some(start..i)
    })
}

/// Text (a good or near-good line) at `i`, or after at most
/// [`LIST_TAIL_SKIP`] dropped lines (a "read more" link, an ad label).
fn followed_by_text(classes: &[Class], i: usize) -> bool {
    classes
        .iter()
        .skip(i)
        .take(LIST_TAIL_SKIP + 1)
        .take_while(|c| matches!(c, Class::Good | Class::NearGood | Class::Bad(_)))
        .any(|c| matches!(c, Class::Good | Class::NearGood))
}

/// Runs of short lines (captions and credits between them allowed) that
/// are introduced by a line ending in a colon, or whose items are mostly
/// marked as list items or are lines of code, and that are followed by
/// text.
fn introduced_lists(
    classes: &[Class],
    evidence: &[LineEvidence],
    transparent: &[bool],
    hints: Option<&[LineHints]>,
) -> Vec<std::ops::Range<usize>> {
    let mut lists = Vec::new();
    for run in short_runs(classes, |j| classes[j] == Class::Short || transparent[j]) {
        let (start, i) = (run.start, run.end);
        let items = (start..i).filter(|&j| classes[j] == Class::Short).count();
        let marked = (start..i)
            .filter(|&j| {
                classes[j] == Class::Short
                    && (evidence[j].list_marker
                        || evidence[j].code
                        || hints.and_then(|h| h.get(j)).is_some_and(|h| h.in_list))
            })
            .count();
        let introduced = (start > 0
            && evidence[start - 1].ending == Ending::Colon
            && !matches!(classes[start - 1], Class::Bad(_)))
            || evidence[start].ending == Ending::Colon;
        let followed = followed_by_text(classes, i);
        if items >= 2 && followed && (introduced || marked * 2 >= items) {
            lists.push(start..i);
        }
    }
    lists
}

/// The main text regions: the maximal-scoring runs of lines (Ruzzo &
/// Tompa 1999, all maximal subsequences in linear time; the best of them is
/// Kadane's maximum subarray), keeping the best and every other whose sum
/// is at least `share` of the best, in page order. The best is ranked with
/// [`TITLE_BONUS`] for a region that `anchored(floor, start)` says opens
/// under a dated title. Below the first comments header (one of
/// `comments`) that closes a region worth [`LENGTH_HIGH`] or more, the
/// segments are the readers' comments: they are chosen only when nothing
/// above is text.
fn main_regions(
    values: &[f32],
    share: f32,
    terminators: &[usize],
    comments: &[usize],
    anchored: impl Fn(usize, usize) -> bool,
    listing: impl Fn(std::ops::Range<usize>) -> bool,
) -> Vec<std::ops::Range<usize>> {
    struct Segment {
        start: usize,
        end: usize,
        before: f32,
        after: f32,
    }
    // No region runs across a terminator: the maximal segments are found
    // between them, block by block.
    let mut segments: Vec<Segment> = Vec::new();
    let mut block_start = 0;
    for block_end in terminators.iter().copied().chain([values.len()]) {
        let first = segments.len();
        let mut sum = 0.0f32;
        for (i, &v) in values.iter().enumerate().take(block_end).skip(block_start) {
            if v <= 0.0 {
                sum += v;
                continue;
            }
            let mut new = Segment {
                start: i,
                end: i + 1,
                before: sum,
                after: sum + v,
            };
            sum += v;
            loop {
                let j = segments[first..]
                    .iter()
                    .rposition(|s| s.before < new.before)
                    .map(|j| j + first);
                match j {
                    Some(j) if segments[j].after < new.after => {
                        new.start = segments[j].start;
                        new.before = segments[j].before;
                        segments.truncate(j);
                    }
                    _ => {
                        segments.push(new);
                        break;
                    }
                }
            }
        }
        block_start = block_end + 1;
    }
    let listings: Vec<bool> = segments.iter().map(|s| listing(s.start..s.end)).collect();
    let comments_from = comments
        .iter()
        .copied()
        .find(|&c| {
            segments
                .iter()
                .any(|s| s.end <= c && s.after - s.before >= LENGTH_HIGH)
        })
        .unwrap_or(usize::MAX);
    let ranked: Vec<f32> = segments
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let floor = k.checked_sub(1).map_or(0, |p| segments[p].end);
            let sum = s.after - s.before;
            if s.start > comments_from {
                // Ranked below every region above it.
                f32::MIN
            } else if listings[k] {
                sum * LISTING_RANK
            } else if sum >= TITLE_BONUS && anchored(floor, s.start) {
                sum + TITLE_BONUS
            } else {
                sum
            }
        })
        .collect();
    let Some(best_k) = (0..segments.len()).max_by(|&a, &b| ranked[a].total_cmp(&ranked[b])) else {
        return Vec::new();
    };
    let best = &segments[best_k];
    let best_sum = best.after - best.before;
    // The first terminator below the best region closes the page's text,
    // unless the article goes on right under a short related box: a region
    // worth SECONDARY_FLOOR within INLINE_BOX_LINES of the last one kept.
    let closed_at = terminators
        .iter()
        .find(|&&t| t >= best.end)
        .copied()
        .unwrap_or(usize::MAX);
    let mut regions = Vec::new();
    let mut last_end = best.end;
    for (k, s) in segments.iter().enumerate() {
        let sum = s.after - s.before;
        let keep = if k == best_k {
            true
        } else if listings[k] || s.start > comments_from {
            false
        } else if s.start < closed_at {
            sum >= share * best_sum || sum >= SECONDARY_FLOOR
        } else {
            k > best_k && sum >= SECONDARY_FLOOR && s.start - last_end <= INLINE_BOX_LINES
        };
        if keep {
            regions.push(s.start..s.end);
            if k >= best_k {
                last_end = s.end;
            }
        }
    }
    regions
}

/// How many lines a related box inside an article may take (its header
/// and a handful of links) for the text under it to be the article's.
const INLINE_BOX_LINES: usize = 10;

/// A region that is a listing of teasers: three or more heading-like
/// short lines, at least one for every two lines of text.
fn is_teaser_listing(
    region: std::ops::Range<usize>,
    evidence: &[LineEvidence],
    classes: &[Class],
    keys: &[&str],
) -> bool {
    let short = |i: usize| evidence[i].text_length() < LENGTH_LOW;
    let headings = region
        .clone()
        .filter(|&i| {
            matches!(classes[i], Class::Short | Class::NearGood)
                && short(i)
                && heading_like(&evidence[i], keys[i])
        })
        .count();
    let text = region
        .clone()
        .filter(|&i| matches!(classes[i], Class::Good | Class::NearGood) && !short(i))
        .count();
    headings >= 3 && headings * 2 >= text && !numbered_sections(region, keys)
}

/// Headings numbered in sequence (`2. Check the door`, `3. …`, `4. …`):
/// the sections of one article (a listicle), not teasers of others. True
/// when [`NUMBERED_SECTIONS`] lines of the region open with an ordinal
/// that is one more than the last one seen.
fn numbered_sections(region: std::ops::Range<usize>, keys: &[&str]) -> bool {
    let ordinal = |key: &str| -> Option<u32> {
        let digits = key.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &key[digits..];
        let marked = rest.starts_with(['.', '、', ')'])
            && rest
                .chars()
                .nth(1)
                .is_some_and(|c| c != '.' && !c.is_ascii_digit());
        ((1..=2).contains(&digits) && marked)
            .then(|| key[..digits].parse().ok())
            .flatten()
    };
    let mut last = None;
    let mut chain = 0;
    for n in region.filter_map(|i| ordinal(keys[i])) {
        chain = if last.is_some_and(|l| n == l + 1) {
            chain + 1
        } else {
            1
        };
        if chain >= NUMBERED_SECTIONS {
            return true;
        }
        last = Some(n);
    }
    false
}

/// How many headings numbered in sequence make a listicle.
pub const NUMBERED_SECTIONS: usize = 3;

/// A gallery's slides: three or more lines opening with a counter `k/N`
/// (`1/50  United goin down`, `2/50 …`), one `N` of at least three and
/// `k` rising, each with its caption and credit under it. From the first
/// counter to the last, and as many lines after the last as the slides'
/// average length, every line is `gallery`: a slideshow beside the article,
/// whose long captions would otherwise outweigh it.
fn mark_galleries(keys: &[&str], classes: &mut [Class]) {
    let counter = |key: &str| -> Option<(u32, u32)> {
        let (k, rest) = key.split_once('/')?;
        let k = k.trim();
        let digits = rest.trim_start();
        let n_len = digits.bytes().take_while(u8::is_ascii_digit).count();
        let after = &digits[n_len..];
        let well_formed = (1..=3).contains(&k.len())
            && k.bytes().all(|b| b.is_ascii_digit())
            && (1..=3).contains(&n_len)
            && (after.is_empty() || after.starts_with(char::is_whitespace));
        if !well_formed {
            return None;
        }
        let (k, n) = (k.parse().ok()?, digits[..n_len].parse().ok()?);
        (k >= 1 && k <= n && n >= GALLERY_MIN).then_some((k, n))
    };
    let mut by_total: std::collections::BTreeMap<u32, Vec<(usize, u32)>> = Default::default();
    for (i, key) in keys.iter().enumerate() {
        if let Some((k, n)) = counter(key) {
            by_total.entry(n).or_default().push((i, k));
        }
    }
    for slides in by_total.values() {
        let rising = slides.windows(2).all(|w| w[1].1 > w[0].1);
        if slides.len() < GALLERY_MIN as usize || !rising {
            continue;
        }
        let (first, last) = (slides[0].0, slides[slides.len() - 1].0);
        let stride = (last - first) / (slides.len() - 1);
        let end = (last + stride).min(keys.len());
        for class in &mut classes[first..end] {
            *class = Class::Bad("gallery");
        }
    }
}

/// Section numbers: lines that are a bare number of one or two digits
/// (`1`, `02`), each with text after it, counted from 1, one more than the last
/// in page order, two or more in sequence, with at least a heading and a
/// paragraph between them ([`SECTION_MIN_LINES`]). They head an article's
/// sections (`1` / `AMUNDI's CIO: …` / text, `2` / …) and are dropped as
/// `section_number`, an in-article drop that does not make its neighbours
/// chrome. Page numbers (`1`, `2`, `3` on lines of their own in a row)
/// have no text between them; a "most read" box (`1` / headline / `2` /
/// headline) one line.
fn mark_section_numbers(keys: &[&str], classes: &mut [Class]) {
    let number = |i: usize| -> Option<u32> {
        let key = keys[i].trim();
        ((1..=2).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_digit()))
            .then(|| key.parse().ok())
            .flatten()
    };
    let numbers: Vec<(usize, u32)> = (0..keys.len())
        .filter(|&i| matches!(classes[i], Class::Bad("digit_row")))
        .filter_map(|i| number(i).map(|n| (i, n)))
        .collect();
    let followed = |i: usize| i + 1 < keys.len() && number(i + 1).is_none();
    for pair in numbers.windows(2) {
        let ((i, a), (j, b)) = (pair[0], pair[1]);
        if a >= 1 && b == a + 1 && j >= i + SECTION_MIN_LINES && followed(i) && followed(j) {
            classes[i] = Class::Bad("section_number");
            classes[j] = Class::Bad("section_number");
        }
    }
}

/// How far apart (in lines) two section numbers are at least: the number,
/// a heading and a paragraph.
const SECTION_MIN_LINES: usize = 3;

/// A region other than the best is kept, whatever its share of the best,
/// when it is worth this much: three good paragraphs.
const SECONDARY_FLOOR: f32 = 3.0 * LENGTH_HIGH;

/// How many slides make a gallery, and the least number of slides it
/// announces.
const GALLERY_MIN: u32 = 3;

/// Two or more `label:` lines, each followed by a short value line
/// (`公开方式:` / `主动公开` / `公开时限:` / `常年公开`): a metadata table
/// split over lines.
fn mark_label_value_rows(evidence: &[LineEvidence], classes: &mut [Class]) {
    let is_label = |e: &LineEvidence| {
        !e.code
            && e.ending == Ending::Colon
            && e.sentence_ends == 0
            && e.clause_marks <= 1
            && (e.ideographs <= 8 && e.words <= 3)
    };
    let is_value = |e: &LineEvidence| {
        !e.code
            && matches!(e.ending, Ending::Open)
            && e.sentence_ends == 0
            && e.ideographs <= 20
            && e.words <= 6
    };
    let pairs: Vec<usize> = (0..evidence.len().saturating_sub(1))
        .filter(|&i| is_label(&evidence[i]) && is_value(&evidence[i + 1]))
        .collect();
    for (k, &i) in pairs.iter().enumerate() {
        let near = |j: Option<&usize>| j.is_some_and(|&j| j.abs_diff(i) <= 4);
        if near(pairs.get(k + 1)) || near(k.checked_sub(1).and_then(|p| pairs.get(p))) {
            for class in &mut classes[i..i + 2] {
                if !matches!(class, Class::Bad(_)) {
                    *class = Class::Bad("label_value");
                }
            }
        }
    }
}

/// A line that can be a title or a heading: no sentence end, not a date,
/// not mostly digits or links, of heading length.
fn heading_like(e: &LineEvidence, key: &str) -> bool {
    !key.ends_with(['。', '.'])
        && !e.date
        && e.digit_share() < 0.3
        && e.link_chars == 0
        && e.separators <= 1
        && if e.is_cjk() {
            (5..=60).contains(&e.ideographs)
        } else {
            (2..=30).contains(&e.words)
        }
}

fn is_dateline(class: Class, e: &LineEvidence) -> bool {
    matches!(
        class,
        Class::Bad("dateline" | "byline" | "metadata_row" | "author_credit")
    ) || (e.date && e.text_length() <= 150.0 && e.ending != Ending::Sentence)
}

/// The title: among the heading-like lines before the region (within
/// [`TITLE_WINDOW`] lines, not past a good line or the header of a related
/// list), the one with the most evidence of being a title; ties go to the
/// closest. Evidence: a heading level from the reader (3); a dateline or
/// byline on the next line, the common order (2), or within three lines
/// after it or two before it (1); a title's length, ten ideographs or five
/// words (1); a name's length, five ideographs or two words or fewer (−1).
/// A title needs
/// 2 (a dateline, or a heading level); without one, the heading-like line
/// right above the region is taken (score 0), unless the favor is
/// precision.
fn find_title(
    floor: usize,
    start: usize,
    evidence: &[LineEvidence],
    classes: &[Class],
    keys: &[&str],
    hints: Option<&[LineHints]>,
    marks: &Marks,
) -> Option<(usize, i32)> {
    let mut floor = start.saturating_sub(TITLE_WINDOW).max(floor);
    // A paragraph of text (an earlier article's) or a list header ends the
    // search.
    if let Some(stop) = (floor..start).rev().find(|&i| {
        (classes[i] == Class::Good && evidence[i].text_length() >= 2.0 * LENGTH_LOW)
            || matches!(classes[i], Class::Bad(rule) if TERMINATORS.contains(&rule))
    }) {
        floor = stop + 1;
    }
    let candidate = |i: usize| {
        matches!(
            classes[i],
            Class::Short | Class::NearGood | Class::Bad("not_prose" | "teaser")
        ) && heading_like(&evidence[i], keys[i])
    };
    let dated = |j: usize| j < evidence.len() && is_dateline(classes[j], &evidence[j]);
    let score = |i: usize| {
        let e = &evidence[i];
        let mut score = 0i32;
        if hints
            .and_then(|h| h.get(i))
            .is_some_and(|h| h.heading_level.is_some())
        {
            score += 3;
        }
        // The line right after (captions and credits skipped), or within
        // three lines, or the two lines before.
        let next = (i + 1..evidence.len()).find(|&j| {
            !matches!(classes[j], Class::Bad(rule) if IN_ARTICLE_RULES.contains(&rule) && !matches!(rule, "byline" | "dateline" | "author_credit"))
        });
        if next.is_some_and(dated) {
            score += 2;
        } else if (i + 1..=i + 3).any(dated) || (i.saturating_sub(2)..i).any(dated) {
            score += 1;
        }
        let (long, name) = if e.is_cjk() {
            (e.ideographs >= 10, e.ideographs <= 5)
        } else {
            (e.words >= 5, e.words <= 2)
        };
        score + i32::from(long) - i32::from(name)
    };
    let best = (floor..start)
        .rev()
        .filter(|&i| candidate(i))
        .map(|i| (score(i), i))
        .max_by_key(|&(score, i)| (score, std::cmp::Reverse(start - i)));
    match best {
        Some((score, i)) if score >= DATED_TITLE => Some((i, score)),
        _ => (marks.title_without_dateline && start > floor && candidate(start - 1))
            .then(|| (start - 1, 0)),
    }
}

/// The verdicts inside the region (index 0 is `region.start`).
fn revise_region(
    region: std::ops::Range<usize>,
    evidence: &[LineEvidence],
    classes: &[Class],
    transparent: &[bool],
    hints: Option<&[LineHints]>,
    marks: &Marks,
) -> Vec<Option<&'static str>> {
    let lines: Vec<usize> = region.clone().collect();
    // Lines that take part in context: all but the in-article drops.
    let context: Vec<usize> = lines.iter().copied().filter(|&i| !transparent[i]).collect();
    let mut class: Vec<Class> = context.iter().map(|&i| classes[i]).collect();
    let mut reason_for_short: Vec<&'static str> = vec!["chrome_context"; context.len()];

    // Runs of short lines, decided by what surrounds them.
    let mut k = 0;
    while k < context.len() {
        if class[k] != Class::Short {
            k += 1;
            continue;
        }
        let run_start = k;
        while k < context.len() && matches!(class[k], Class::Short) {
            k += 1;
        }
        let run = run_start..k;
        if run.len() >= 3 {
            let items = || run.clone().map(|r| context[r]);
            let before = run_start.checked_sub(1).map(|b| context[b]);
            let introduced = before.is_some_and(|b| evidence[b].ending == Ending::Colon)
                || evidence[context[run_start]].ending == Ending::Colon
                || items()
                    .filter(|&i| {
                        evidence[i].list_marker
                            || evidence[i].code
                            || hints.and_then(|h| h.get(i)).is_some_and(|h| h.in_list)
                    })
                    .count()
                    * 2
                    >= run.len();
            let followed = context
                .get(k)
                .is_some_and(|&a| followed_by_text(classes, a));
            let headed = before.is_some_and(|b| classes[b] == Class::Bad("related_label"));
            let headlines = items()
                .filter(|&i| {
                    let e = &evidence[i];
                    matches!(e.ending, Ending::Open | Ending::Truncated)
                        && if e.is_cjk() {
                            e.ideographs >= 8
                        } else {
                            e.words >= 4
                        }
                })
                .count();
            if introduced && followed {
                for c in &mut class[run.clone()] {
                    *c = Class::Good;
                }
            } else if headed || (headlines == run.len() && run.len() >= HEADLINE_LIST_MIN) {
                for c in &mut class[run.clone()] {
                    *c = Class::Bad("headline_list");
                }
            } else {
                for r in &mut reason_for_short[run.clone()] {
                    *r = "short_line_run";
                }
            }
        }
    }
    // A heading right above a good paragraph.
    for k in 0..context.len().saturating_sub(1) {
        let i = context[k];
        if class[k] == Class::Short
            && class[k + 1] == Class::Good
            && !evidence[i].list_marker
            && matches!(evidence[i].ending, Ending::Open | Ending::Colon)
            && evidence[i].separators == 0
        {
            class[k] = Class::NearGood;
        }
    }
    // jusText's context-sensitive pass. The region was chosen as text, so
    // its edges count as good (jusText's document edges count as bad).
    let neighbour = |class: &[Class], k: usize, forward: bool, skip_near_good: bool| -> Class {
        let mut j = k;
        loop {
            if forward {
                j += 1;
                if j >= class.len() {
                    return Class::Good;
                }
            } else {
                if j == 0 {
                    return Class::Good;
                }
                j -= 1;
            }
            match class[j] {
                Class::Short => {}
                Class::NearGood if skip_near_good => {}
                other => return other,
            }
        }
    };
    let is_bad = |c: Class| matches!(c, Class::Bad(_));
    let mut revised = class.clone();
    for k in 0..class.len() {
        if class[k] != Class::Short {
            continue;
        }
        let previous = neighbour(&class, k, false, true);
        let next = neighbour(&class, k, true, true);
        revised[k] = match (is_bad(previous), is_bad(next)) {
            (false, false) => Class::Good,
            (true, true) => Class::Bad(reason_for_short[k]),
            _ => {
                let near_good_side = (is_bad(previous)
                    && neighbour(&class, k, false, false) == Class::NearGood)
                    || (is_bad(next) && neighbour(&class, k, true, false) == Class::NearGood);
                if near_good_side || marks.keep_mixed_short {
                    Class::Good
                } else {
                    Class::Bad(reason_for_short[k])
                }
            }
        };
    }
    let after_short = revised.clone();
    let in_phrase_run = phrase_runs(&class, &context, evidence);
    for k in 0..class.len() {
        if after_short[k] != Class::NearGood {
            continue;
        }
        let previous = neighbour(&after_short, k, false, true);
        let next = neighbour(&after_short, k, true, true);
        revised[k] = if is_bad(previous) && is_bad(next) && !in_phrase_run[k] {
            Class::Bad("chrome_context")
        } else {
            Class::Good
        };
    }

    let mut verdicts: Vec<Option<&'static str>> = lines
        .iter()
        .map(|&i| match classes[i] {
            Class::Bad(reason) => Some(reason),
            _ => None,
        })
        .collect();
    for (k, &i) in context.iter().enumerate() {
        verdicts[i - region.start] = match revised[k] {
            Class::Bad(reason) => Some(reason),
            _ => None,
        };
    }
    verdicts
}

/// Near-good lines (sentences and clauses) in runs, shorts between them
/// allowed, whose near-good text adds up to [`PHRASE_RUN_LENGTH`]: a
/// paragraph the author broke into phrase lines (the WeChat style), which
/// is text even between chrome. jusText's rule that a near-good line
/// between bad ones is bad is for a block that stands alone.
fn phrase_runs(class: &[Class], context: &[usize], evidence: &[LineEvidence]) -> Vec<bool> {
    let mut in_run = vec![false; class.len()];
    let mut k = 0;
    while k < class.len() {
        if !matches!(class[k], Class::Short | Class::NearGood) {
            k += 1;
            continue;
        }
        let start = k;
        let mut length = 0.0f32;
        let mut phrases = 0usize;
        while k < class.len() && matches!(class[k], Class::Short | Class::NearGood) {
            if class[k] == Class::NearGood {
                length += evidence[context[k]].text_length();
                phrases += 1;
            }
            k += 1;
        }
        if phrases >= PHRASE_RUN_LINES && length >= PHRASE_RUN_LENGTH {
            in_run[start..k].fill(true);
        }
    }
    in_run
}

/// How much near-good text a run of phrase lines holds to be a paragraph:
/// two good paragraphs' worth (2 × [`LENGTH_HIGH`]).
pub const PHRASE_RUN_LENGTH: f32 = 2.0 * LENGTH_HIGH;
/// How many near-good lines make a run of phrase lines.
pub const PHRASE_RUN_LINES: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::comparison_key;

    fn run(page: &[&str]) -> Vec<Option<&'static str>> {
        let keys: Vec<String> = page.iter().map(|t| comparison_key(t)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let rules: Vec<Option<&'static str>> = keys
            .iter()
            .map(|k| super::super::named_rule(k, &LineEvidence::measure(k)))
            .collect();
        classify(&keys, &rules, None, Favor::Balanced)
    }

    fn kept<'a>(page: &[&'a str]) -> Vec<&'a str> {
        page.iter()
            .zip(run(page))
            .filter(|(_, v)| v.is_none())
            .map(|(t, _)| *t)
            .collect()
    }

    const ARTICLE_ZH: [&str; 4] = [
        "3月12日，青山县召开春耕生产工作会议，总结去年农业农村工作，安排部署今年的春耕备耕任务。",
        "会议指出，各乡镇要把粮食生产摆在突出位置，确保种子、化肥等农资供应充足，价格保持稳定。",
        "会议要求，要抓好高标准农田建设，全年计划新建高标准农田5.2万亩，其中3月底前完成招标。",
        "县农业农村局负责人表示，将组织技术人员深入田间地头，为农户提供面对面的技术指导服务。",
    ];

    const ARTICLE_EN: [&str; 3] = [
        "The river authority said on Tuesday that the old pumping station would be rebuilt by the end of next year, at a cost of about four million pounds.",
        "Engineers found that the pumps, which were installed in the 1960s, could no longer keep up with the heavier storms the valley has seen in the last decade.",
        "Residents who were flooded twice last winter said they welcomed the plan, but asked the authority to publish the timetable for the work in full.",
    ];

    #[test]
    fn numbers_with_text_between_them_head_sections_page_numbers_do_not() {
        let keys = ["1", "Heading one", "Text.", "2", "Heading two", "Text."];
        let mut classes = vec![Class::Bad("digit_row"), Class::Short, Class::Good];
        classes = classes.repeat(2);
        mark_section_numbers(&keys, &mut classes);
        assert_eq!(classes[0], Class::Bad("section_number"));
        assert_eq!(classes[3], Class::Bad("section_number"));
        let pages = ["Text.", "1", "2", "3", "Next"];
        let mut classes = vec![
            Class::Good,
            Class::Bad("digit_row"),
            Class::Bad("digit_row"),
            Class::Bad("digit_row"),
            Class::Short,
        ];
        mark_section_numbers(&pages, &mut classes);
        assert!(!classes.contains(&Class::Bad("section_number")));
        // A "most read" box: a number and a headline, then the next.
        let box_ = [
            "1",
            "Headline one",
            "2",
            "Headline two",
            "3",
            "Headline three",
        ];
        let mut classes = [Class::Bad("digit_row"), Class::Short].repeat(3);
        mark_section_numbers(&box_, &mut classes);
        assert!(!classes.contains(&Class::Bad("section_number")));
    }

    #[test]
    fn headings_numbered_in_sequence_are_sections() {
        let keys = [
            "2. Check the door",
            "Text.",
            "3. Keep food in the car",
            "Text.",
            "4. Bring coins",
            "Text.",
        ];
        assert!(numbered_sections(0..6, &keys));
        let teasers = [
            "2 dead in crash",
            "Text.",
            "3 ways to save",
            "Text.",
            "10. Best films",
            "Text.",
        ];
        assert!(!numbered_sections(0..6, &teasers));
    }

    #[test]
    fn a_numbered_slideshow_beside_the_article_is_a_gallery() {
        let mut page = vec!["Pumping station to be rebuilt after floods"];
        page.extend(ARTICLE_EN);
        page.push("Weekend weather in pictures");
        let captions = [
            (
                "1/12  Snow on the moors",
                "Walkers on the high moors woke up to the first snow of the season on Saturday, and the roads over the passes were closed for most of the morning.",
            ),
            (
                "2/12  Floods in the market town",
                "The river burst its banks in the market town for the second time this year, and shopkeepers spent the afternoon carrying stock to the upper floors.",
            ),
            (
                "3/12  Gales on the coast",
                "Waves broke over the harbour wall as gusts of up to seventy miles an hour hit the coast, and the ferry to the islands was cancelled until Monday.",
            ),
            (
                "4/12  Fog at the airport",
                "Thick fog delayed dozens of early flights at the regional airport, where passengers waited for up to four hours before the first planes could leave.",
            ),
        ];
        for (counter, caption) in captions {
            page.extend([counter, caption, "PA"]);
        }
        let verdicts = run(&page);
        for (line, verdict) in page.iter().zip(&verdicts).skip(1).take(3) {
            assert_eq!(*verdict, None, "{line}");
        }
        let gallery_start = page.iter().position(|l| l.starts_with("1/12")).unwrap();
        for (line, verdict) in page.iter().zip(&verdicts).skip(gallery_start) {
            assert!(verdict.is_some(), "{line}");
        }
        assert_eq!(verdicts[gallery_start], Some("gallery"));
        // Counters that do not rise, or dates, are not slides.
        let dates = [
            "12/05 Market day moved",
            "03/07 Bridge reopened",
            "28/11 New buses",
        ];
        let mut classes = vec![Class::Short; 3];
        mark_galleries(&dates, &mut classes);
        assert_eq!(classes, [Class::Short; 3]);
    }

    #[test]
    fn the_comments_under_an_article_are_not_its_main_text() {
        // The comments outweigh the article: five long ones under two
        // paragraphs.
        let mut page = vec!["Pumping station to be rebuilt after floods"];
        page.extend(&ARTICLE_EN[..2]);
        page.push("There are 5 comments");
        for (name, text) in [
            (
                "Margaret · March 10, 2024 at 9:12 AM",
                "We were flooded twice last winter and nobody from the authority ever came to look at the pumps, so I will believe this when I see the diggers arrive in the valley. Until then it is just another promise made before an election.",
            ),
            (
                "Tom R · March 10, 2024 at 10:40 AM",
                "Four million pounds seems like a lot for one station, but it is far cheaper than the damage the last two floods did to the houses along the lower road. The insurance alone must have cost more than that.",
            ),
            (
                "Priya · March 10, 2024 at 1:05 PM",
                "My father worked on the original pumps in the sixties and he always said they were only ever meant to last thirty years, so it is about time they were replaced. He would have been glad to read this.",
            ),
            (
                "Daniel · March 11, 2024 at 8:30 AM",
                "Does anyone know whether the footpath along the river will stay open while the work is going on? We use it every morning to walk the children to school, and the road is far too busy for them.",
            ),
            (
                "Alan · March 11, 2024 at 6:02 PM",
                "The same thing happened in the next valley ten years ago: the new pumps were late, over budget and then broke in the first storm. I hope the authority has learned something since then.",
            ),
        ] {
            page.extend([name, text, "Reply"]);
        }
        let verdicts = run(&page);
        assert_eq!(kept(&page)[1..], ARTICLE_EN[..2]);
        assert!(verdicts[4..].iter().all(Option::is_some), "{verdicts:?}");
    }

    #[test]
    fn the_article_goes_on_under_a_short_related_box() {
        let paragraph = |n: usize, topic: &str| {
            format!(
                "In the {n}th part of the survey, the engineers looked at the {topic} of the old station, and they found that it had been repaired many times since it was built, which is why the authority now wants to replace it."
            )
        };
        let above: Vec<String> = ["pumps", "walls", "roof", "gates", "cables"]
            .iter()
            .enumerate()
            .map(|(n, t)| paragraph(n + 1, t))
            .collect();
        let below: Vec<String> = ["pipes", "doors", "floors", "meters"]
            .iter()
            .enumerate()
            .map(|(n, t)| paragraph(n + 6, t))
            .collect();
        let mut page = vec!["Pumping station to be rebuilt after floods"];
        page.extend(above.iter().map(String::as_str));
        page.extend([
            "Related",
            "Council to vote on new bus lanes",
            "Bridge closed for repairs until May",
        ]);
        page.extend(below.iter().map(String::as_str));
        page.extend([
            "Most read",
            "Storm warning for the coast",
            "School meals to be free",
        ]);
        let kept = kept(&page);
        for text in above.iter().chain(&below) {
            assert!(kept.contains(&text.as_str()), "{text}");
        }
        assert!(!kept.contains(&"Council to vote on new bus lanes"));
        assert!(!kept.contains(&"Storm warning for the coast"));
    }

    #[test]
    fn article_between_menus_and_related_lists() {
        let mut page = vec!["网站首页", "新闻中心", "政务公开", "办事服务", "互动交流"];
        page.push("青山县召开春耕生产工作会议");
        page.push("2024-03-12 09:30 来源：县农业局");
        page.extend(ARTICLE_ZH);
        page.extend([
            "相关新闻",
            "全县完成植树造林3万亩任务",
            "县领导调研乡村振兴重点工作",
            "青山县举办春季招聘会提供岗位两千个",
            "网站地图 联系我们 网站声明",
        ]);
        let mut expected = vec!["青山县召开春耕生产工作会议"];
        expected.extend(ARTICLE_ZH);
        assert_eq!(kept(&page), expected);
    }

    #[test]
    fn short_lines_enclosed_by_the_text_are_the_articles() {
        let article = [
            "The new kettle boils a litre of water in under three minutes, and its lid opens wide enough to clean the inside by hand.",
            "Good",
            "Quiet boil",
            "Wide lid",
            "Bad",
            "Short cord",
            "Hot handle",
            "Design",
            "The body is brushed steel with a plastic base, and the water window on the side is easy to read from across the kitchen.",
        ];
        assert_eq!(kept(&article), article);
        // Not enclosed: the same lines after the text are a list of links.
        let mut page: Vec<&str> = article[..1].to_vec();
        page.extend(&article[1..8]);
        let kept_page = kept(&page);
        assert_eq!(kept_page, &article[..1], "{kept_page:?}");
    }

    #[test]
    fn a_list_introduced_by_a_colon_is_the_articles() {
        let page = [
            "偏头痛是一种常见的慢性神经血管性疾病，多数患者在青春期起病，女性患者多于男性患者。",
            "医生介绍，偏头痛的发作往往有明确的诱因，常见的诱因主要包括：",
            "精神紧张",
            "睡眠不足",
            "过量饮用咖啡或酒",
            "强光刺激",
            "医生提醒，患者应当记录每次发作的时间和诱因，尽量避开诱因，必要时到医院神经内科就诊。",
        ];
        assert_eq!(kept(&page), page);
        let page = [
            "The council approved the new budget on Monday, and the mayor said it would fund more buses and schools.",
            "The plan covers:",
            "two new primary schools",
            "a bus lane on the high street",
            "longer library hours",
            "The plan also funds two new teachers for the adult education centre, which reopens in the autumn.",
        ];
        assert_eq!(kept(&page), page);
    }

    #[test]
    fn headlines_beside_the_article_are_a_headline_list() {
        let headlines = [
            "全县完成植树造林3万亩任务",
            "县领导调研乡村振兴重点工作",
            "青山县举办春季招聘会提供岗位两千个",
            "县医院新建门诊楼投入使用",
            "全县中小学开展防溺水安全教育",
        ];
        let mut page: Vec<&str> = ARTICLE_ZH[..2].to_vec();
        page.extend(headlines);
        page.extend(&ARTICLE_ZH[2..]);
        let verdicts = run(&page);
        assert_eq!(&verdicts[2..7], [Some("headline_list"); 5]);
        assert!(
            verdicts[..2]
                .iter()
                .chain(&verdicts[7..])
                .all(Option::is_none)
        );
        // Three under a related-list header.
        let mut page: Vec<&str> = ARTICLE_ZH[..2].to_vec();
        page.push("相关阅读");
        page.extend(&headlines[..3]);
        page.extend(&ARTICLE_ZH[2..]);
        let verdicts = run(&page);
        assert_eq!(verdicts[2], Some("related_label"));
        assert!(verdicts[3..6].iter().all(Option::is_some), "{verdicts:?}");
        // Headings between two articles of a newspaper page are not.
        let mut page: Vec<&str> = ARTICLE_ZH[..2].to_vec();
        page.extend([
            "学习贯彻全会精神",
            "挺膺担当谋发展 乘势而上启新程",
            "——访青山县教育局局长李华",
        ]);
        page.extend(&ARTICLE_ZH[2..]);
        assert!(run(&page).iter().all(Option::is_none));
    }

    #[test]
    fn closing_sentence_without_final_punctuation_is_kept_between_text() {
        let page = [
            "The council approved the new budget on Monday, and the mayor said it would fund more buses and schools.",
            "The plan also funds two new teachers",
            "Work on the first school starts in June, and the council expects it to open to pupils next year.",
        ];
        assert_eq!(kept(&page), page);
    }

    #[test]
    fn comments_far_below_the_article_are_outside_the_main_text() {
        let mut page = vec!["Springfield opens its new library"];
        page.push("By Jane Doe");
        page.extend([
            "The new central library opened on Saturday after three years of building work, the city said.",
            "It holds more than two hundred thousand books and has a room for children on the ground floor.",
            "The mayor said the library would stay open until nine in the evening on every weekday.",
        ]);
        page.extend([
            "Share",
            "Tweet",
            "Email",
            "Related stories",
            "Council approves new budget",
            "Night buses return in April",
            "Sign up to our newsletter to get the latest news in your inbox.",
            "12 comments",
            "Sam · March 3, 2024 at 9:12 am",
        ]);
        page.push(
            "I went on Saturday and it was great, but the parking is a real problem for families.",
        );
        page.push("Reply");
        let verdicts = run(&page);
        assert_eq!(verdicts[0], None, "title");
        assert!(verdicts[2..5].iter().all(Option::is_none));
        assert_eq!(verdicts[page.len() - 2], Some("outside_main_text"));
    }

    #[test]
    fn repeats_outside_the_region_are_left_to_dedup() {
        let mut page: Vec<&str> = ARTICLE_ZH.to_vec();
        page.extend(["网站地图", "联系我们", "关于我们", "隐私政策", "帮助中心"]);
        page.push(ARTICLE_ZH[0]);
        let verdicts = run(&page);
        assert_eq!(verdicts[page.len() - 1], None);
    }

    #[test]
    fn label_value_rows_split_over_lines() {
        let mut page: Vec<&str> = ARTICLE_ZH.to_vec();
        page.extend(["公开方式：", "主动公开", "公开时限：", "常年公开"]);
        page.extend(ARTICLE_ZH);
        let verdicts = run(&page);
        assert_eq!(&verdicts[4..8], [Some("label_value"); 4]);
    }

    #[test]
    fn hints_mark_chrome_and_headings() {
        let keys = [
            "Latest",
            "Council backs new buses",
            "The council voted on Monday to buy twenty electric buses, the mayor said after the meeting.",
        ];
        let rules = [None; 3];
        let hints = [
            LineHints {
                class_tokens: vec!["nav".into()],
                ..Default::default()
            },
            LineHints {
                heading_level: Some(1),
                ..Default::default()
            },
            LineHints::default(),
        ];
        let verdicts = classify(&keys, &rules, Some(&hints), Favor::Balanced);
        assert_eq!(verdicts, [Some("chrome_markup"), None, None]);
    }

    #[test]
    fn favor_moves_the_borderline() {
        let page = [
            "The council approved the new budget on Monday, and the mayor said it would fund more buses and schools.",
            "Advertisement",
            "Local elections",
            "Work on the first school starts in June, and the council expects it to open to pupils next year.",
        ];
        let keys: Vec<String> = page.iter().map(|t| comparison_key(t)).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let rules = [None; 4];
        let recall = classify(&keys, &rules, None, Favor::Recall);
        let precision = classify(&keys, &rules, None, Favor::Precision);
        let kept = |v: &[Option<&str>]| v.iter().filter(|x| x.is_none()).count();
        assert!(kept(&recall) >= kept(&precision));
    }
}
