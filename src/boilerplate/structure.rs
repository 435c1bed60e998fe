//! The structural layer: boilerplate decisions from an HTML page's
//! structure, for pages read from HTML (see [`crate::html`]).
//!
//! Plain text shows only a line's own words; HTML also shows which text
//! sits inside links, which elements the site named `nav` or `share`,
//! which text the page hides, and where the body of the article is. This
//! layer decides from those, with its own rule names, before the text
//! layers (which still apply to every block this layer keeps):
//!
//! | rule | drops a block that… |
//! |---|---|
//! | `hidden` | the page hides (`hidden`, `aria-hidden`, `display:none`) |
//! | `form_control` | is a form's control or label (`select`, `option`, `button`, `label`, `textarea`) |
//! | `nav_container` | sits in a `<nav>`, `<header>`, `<footer>` or `<aside>`, or in an element named as navigation, breadcrumb, header, footer, sidebar or pagination, below the main content |
//! | `widget_container` | sits in an element named as share buttons, related or recommended lists, comments, ads, login or subscription boxes, metadata or captions |
//! | `link_dense` | is mostly link text (more than half its characters inside `<a>`) and not a long sentence |
//! | `outside_main` | lies outside the page's main content region and is not its title |
//!
//! # The main content region
//!
//! The region is the element whose subtree holds the most *net text*:
//! every block adds its characters when it reads as running text (a
//! sentence ending, link density below 0.3) and subtracts them, scaled by
//! [`JUNK_WEIGHT`], when it reads as page furniture (mostly links, or short
//! and unpunctuated, or inside a named widget); the element with the
//! highest sum is the region (a maximum-weight subtree; the idea of
//! Readability's ancestor scoring and of GeneralNewsExtractor's text
//! density, with the menus subtracted instead of divided out). A
//! container that holds the article and the site's menus scores lower
//! than the article's own container, and an article split by an
//! advertisement still scores as one region.
//!
//! The title of the page (the heading or block that best matches the
//! `<title>`, else the first `<h1>`) is kept when it lies outside the
//! region, and so are the headings and running text between it and the
//! region (subtitles, standfirsts).

use crate::html::classes::{Categories, Category};
use crate::html::{Block, Page};

use super::features::TextFeatures;

/// How much a block of furniture counts against the region that holds it,
/// per character, relative to a character of running text. Our choice, not
/// tuned: at 0.5 a wrapper must add twice as many characters of furniture
/// as of text before a region inside it wins.
pub const JUNK_WEIGHT: f32 = 0.5;

/// Blocks with more than this share of link characters are `link_dense`
/// (jusText's `max_link_density` is 0.2 for any block; we drop only
/// blocks that are mostly links, since a sentence with a link or two is
/// text).
pub const MAX_LINK_DENSITY: f32 = 0.5;

/// Categories whose containers are navigation.
const NAV: &[Category] = &[
    Category::Nav,
    Category::Breadcrumb,
    Category::Footer,
    Category::Sidebar,
    Category::Pagination,
];

/// Categories whose containers are widgets.
const WIDGETS: &[Category] = &[
    Category::Share,
    Category::Related,
    Category::Comment,
    Category::Ad,
    Category::Login,
    Category::Meta,
    Category::Caption,
];

/// Comment sections and galleries: the widgets that can hold more text
/// than the article.
const OUTGROWING: Categories =
    Categories((1 << Category::Comment as u8) | (1 << Category::Caption as u8));

/// The layer's verdict on a page.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    /// The rule that drops each block, `None` to keep it.
    pub classes: Vec<Option<&'static str>>,
    /// Why each dropped block was dropped, in words (the deciding element,
    /// see [`Structure::detail`]); `None` for kept blocks.
    pub details: Vec<Option<String>>,
    /// The element of the main content region, if the page has text.
    pub main: Option<u32>,
    /// The block taken as the page's title.
    pub title: Option<usize>,
    /// Whether the class and id names were set aside for the whole page:
    /// believing them would have dropped nearly all of its running text
    /// (see [`MIN_KEPT_PROSE`]).
    pub names_ignored: bool,
}

impl Structure {
    /// The detail of block `index`'s verdict, if it was dropped.
    pub fn detail(&self, index: usize) -> Option<&str> {
        self.details.get(index).and_then(|d| d.as_deref())
    }
}

/// How a block reads, for the region score.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Junk,
    Neutral,
}

/// The least share of a page's running text (characters of blocks that
/// read as sentences, ignoring class and id names) the layer keeps when
/// it believes the page's names. Below it, the names are set aside for the
/// page and the layer decides from tags, links and text alone: a main
/// content that the site happened to name like chrome (`copyNormal`, a
/// `commented` post) must not be dropped whole. Our choice, not tuned on
/// the dev set: a page whose names are right keeps most of its running
/// text, and one that keeps less than a fifth has lost its article.
pub const MIN_KEPT_PROSE: f32 = 0.2;

/// Pages with less running text than this (characters) are not checked
/// against [`MIN_KEPT_PROSE`]: a page of a few sentences may well be all
/// chrome.
pub const MIN_PROSE_CHECKED: u32 = 200;

/// Classifies the blocks of a page. `keys` are the blocks' comparison keys
/// (see [`crate::normalize`]), one per block.
///
/// An element's class and id names are not believed of an element that
/// holds most of the page's running text (counted without the names): the
/// main content is never a container judged chrome by its name. And when
/// believing the names would still drop all but [`MIN_KEPT_PROSE`] of the
/// running text, the names are set aside for the whole page.
///
/// ```
/// use chaff::boilerplate::structure::classify;
/// use chaff::html::Page;
/// let page = Page::parse(
///     "<div class=menu><a href=/>首页</a> <a href=/n>新闻</a></div>\
///      <div class=article><h1>市政府召开常务会议</h1>\
///      <p>会议研究部署了今年的重点工作，要求各部门把任务落到实处。</p>\
///      <div class=share>分享到：<a href=#>微信</a></div></div>\
///      <div class=footer>版权所有</div>",
/// );
/// let keys: Vec<String> = page.blocks.iter().map(|b| chaff::normalize::comparison_key(&b.text)).collect();
/// let structure = classify(&page, &keys);
/// assert_eq!(structure.classes, [Some("nav_container"), None, None, Some("widget_container"), Some("nav_container")]);
/// assert_eq!(structure.detail(3), Some("share in div.share at html>body>div>div"));
/// ```
pub fn classify<S: AsRef<str>>(page: &Page, keys: &[S]) -> Structure {
    let blocks = &page.blocks;
    let features: Vec<TextFeatures> = keys.iter().map(|k| TextFeatures::of(k.as_ref())).collect();
    // Running text as the words alone say it, without the names.
    let plain: Vec<Kind> = blocks
        .iter()
        .zip(&features)
        .map(|(block, f)| kind(block, f, Categories::NONE))
        .collect();
    let plain_prose = prose_per_element(page, &plain);
    let page_prose: u32 = blocks
        .iter()
        .zip(&plain)
        .filter(|(_, k)| **k == Kind::Text)
        .map(|(b, _)| b.chars)
        .sum();
    // Names are believed of elements that hold at most half of it.
    let believed: Vec<bool> = plain_prose.iter().map(|p| p * 2 <= page_prose).collect();
    let structure = classify_with(page, keys, &features, &believed);
    let kept_prose: u32 = blocks
        .iter()
        .zip(&plain)
        .zip(&structure.classes)
        .filter(|((_, k), c)| **k == Kind::Text && c.is_none())
        .map(|((b, _), _)| b.chars)
        .sum();
    if page_prose >= MIN_PROSE_CHECKED && (kept_prose as f32) < MIN_KEPT_PROSE * page_prose as f32 {
        let unnamed = classify_with(page, keys, &features, &vec![false; page.elements.len()]);
        // (Comment and gallery names still count: see `names_of`.)
        return Structure {
            names_ignored: true,
            ..unnamed
        };
    }
    structure
}

fn classify_with<S: AsRef<str>>(
    page: &Page,
    keys: &[S],
    features: &[TextFeatures],
    believed: &[bool],
) -> Structure {
    let blocks = &page.blocks;
    let total: u32 = blocks.iter().map(|b| b.chars).sum();
    let kinds: Vec<Kind> = blocks
        .iter()
        .zip(features)
        .map(|(block, f)| kind(block, f, local_categories(page, block, total / 4, believed)))
        .collect();
    let prose = prose_per_element(page, &kinds);
    let main = main_region(page, &kinds);
    let title = find_title(page, keys);
    let in_main = |block: &Block| main.is_some_and(|m| is_within(page, block.element, m));
    // Blocks between the title and the region's first block are the
    // article's head (subtitles, standfirsts).
    let first_in_main = blocks.iter().position(in_main);
    let head = match (title, first_in_main) {
        (Some(t), Some(m)) if t < m => t..m,
        _ => 0..0,
    };
    let mut details = vec![None; blocks.len()];
    let classes = blocks
        .iter()
        .enumerate()
        .map(|(i, block)| {
            if block.hidden {
                return Some("hidden");
            }
            if block.in_form {
                return Some("form_control");
            }
            if Some(i) == title {
                return None;
            }
            let below = categories_below(page, block, main, &prose, believed);
            for (rule, categories) in [("widget_container", WIDGETS), ("nav_container", NAV)] {
                if below.any(categories) {
                    details[i] = named_element(page, block, main, &prose, believed, categories)
                        .map(|(element, category)| {
                            format!(
                                "{category} in {} at {}",
                                page.elements[element as usize].selector(),
                                page.element_path(element)
                            )
                        });
                    return Some(rule);
                }
            }
            if block.link_density() > MAX_LINK_DENSITY
                && kinds[i] != Kind::Text
                && !(in_main(block) && is_linked_sentence(block, &features[i]))
            {
                details[i] = Some(format!(
                    "link density {:.2} in {}",
                    block.link_density(),
                    page.elements[block.element as usize].selector()
                ));
                return Some("link_dense");
            }
            if let Some(m) = main
                && !in_main(block)
                && !(head.contains(&i) && kinds[i] != Kind::Junk)
            {
                details[i] = Some(format!(
                    "main content is {} at {}",
                    page.elements[m as usize].selector(),
                    page.element_path(m)
                ));
                return Some("outside_main");
            }
            None
        })
        .collect();
    Structure {
        classes,
        details,
        main,
        title,
        names_ignored: false,
    }
}

/// How a block reads: running text, furniture, or neither.
fn kind(block: &Block, f: &TextFeatures, local: Categories) -> Kind {
    if block.hidden || block.in_form {
        return Kind::Junk;
    }
    if local.any(WIDGETS) || local.any(NAV) {
        return Kind::Junk;
    }
    let density = block.link_density();
    if density > MAX_LINK_DENSITY {
        return Kind::Junk;
    }
    if f.sentence_ends > 0 && density < 0.3 && f.chars >= 10 {
        return Kind::Text;
    }
    if f.chars <= 12 && density > 0.0 {
        return Kind::Junk;
    }
    Kind::Neutral
}

/// The fewest words (or ideographs, for CJK) of a sentence that
/// `is_linked_sentence` keeps: a headline or a menu entry is shorter,
/// and does not end with a full stop. Our choice.
pub const LINKED_SENTENCE_MIN_WORDS: usize = 8;

/// The most link text a sentence kept by `is_linked_sentence` may have: a quarter of
/// it is the sentence's own words ("Read: <a>…</a>" and "Photos by
/// <a>…</a>" are credits and calls to action, not prose). Our choice.
pub const LINKED_SENTENCE_MAX_DENSITY: f32 = 0.75;

/// A sentence of the article's prose that is mostly one link ("… was
/// <a>re-opened earlier this year following his eviction</a>."): not a
/// list item or heading, a quarter of its text outside links, at least
/// [`LINKED_SENTENCE_MIN_WORDS`] words (twice as many ideographs), and it
/// ends as a sentence does. `link_dense` does not drop it in the main
/// content.
fn is_linked_sentence(block: &Block, f: &TextFeatures) -> bool {
    let text = block
        .text
        .trim_end_matches(['"', '\'', '”', '’', ')', '）', '」', '』']);
    block.list_depth == 0
        && block.heading == 0
        && block.link_density() <= LINKED_SENTENCE_MAX_DENSITY
        && text.ends_with(['.', '!', '?', '。', '！', '？'])
        && (f.words >= LINKED_SENTENCE_MIN_WORDS || f.ideographs >= 2 * LINKED_SENTENCE_MIN_WORDS)
}

/// The element whose subtree holds the most net text.
fn main_region(page: &Page, kinds: &[Kind]) -> Option<u32> {
    let mut score = vec![0f32; page.elements.len()];
    for (block, kind) in page.blocks.iter().zip(kinds) {
        let chars = block.chars as f32;
        let weight = match kind {
            Kind::Text => chars,
            Kind::Junk => -JUNK_WEIGHT * chars,
            Kind::Neutral => 0.0,
        };
        if let Some(s) = score.get_mut(block.element as usize) {
            *s += weight;
        }
    }
    // Subtree sums: children come after their parents.
    for index in (0..page.elements.len()).rev() {
        if let Some(parent) = page.elements[index].parent {
            score[parent as usize] += score[index];
        }
    }
    let (best, value) = score
        .iter()
        .enumerate()
        .fold((None, 0f32), |(best, value), (i, s)| {
            if *s > value {
                (Some(i), *s)
            } else {
                (best, value)
            }
        });
    (value > 0.0).then_some(best? as u32)
}

/// Whether `element` is `ancestor` or inside it.
fn is_within(page: &Page, element: u32, ancestor: u32) -> bool {
    let mut at = Some(element);
    while let Some(index) = at {
        if index == ancestor {
            return true;
        }
        // Parents come before children: no need to climb above it.
        if index < ancestor {
            return false;
        }
        at = page.elements[index as usize].parent;
    }
    false
}

/// The longest element that a metadata name (`info`, `meta`, `byline`,
/// `date`…) is believed of: bylines, dates and tag rows are short, so a
/// container named `news_info` that holds a whole article is not
/// metadata.
pub const META_MAX_CHARS: u32 = 300;

/// What an element's tag and `class`/`id` say it is. Of an element whose
/// names are not `believed` (it holds most of the page's running text),
/// only that it is a comment section or a gallery: those can outgrow the
/// article.
fn names_of(element: &crate::html::Element, believed: bool) -> Categories {
    let mut names = element.names | element.tags;
    if !believed {
        names = Categories(names.0 & OUTGROWING.0);
    }
    if names.has(Category::Meta) && element.chars > META_MAX_CHARS {
        names = Categories(names.0 & !(1 << Category::Meta as u8));
    }
    names
}

/// Characters of running text in each element's subtree.
fn prose_per_element(page: &Page, kinds: &[Kind]) -> Vec<u32> {
    let mut prose = vec![0u32; page.elements.len()];
    for (block, kind) in page.blocks.iter().zip(kinds) {
        if *kind == Kind::Text
            && let Some(p) = prose.get_mut(block.element as usize)
        {
            *p += block.chars;
        }
    }
    for index in (0..page.elements.len()).rev() {
        if let Some(parent) = page.elements[index].parent {
            prose[parent as usize] += prose[index];
        }
    }
    prose
}

/// The categories of the elements from the block's element up to (not
/// including) the main region's element, or all of them when the block is
/// outside the region. A name is believed only of an element that holds
/// less than half of the region's running text: a widget is never most of
/// the article, so a content wrapper that a CMS happened to call
/// `meta_field` or `sidebar-layout` keeps its text. Comment sections and
/// galleries are the exception: they can outgrow the article.
fn categories_below(
    page: &Page,
    block: &Block,
    main: Option<u32>,
    prose: &[u32],
    believed: &[bool],
) -> Categories {
    let whole = main.map_or_else(
        || prose.first().copied().unwrap_or(0),
        |m| prose[m as usize],
    );
    let mut found = Categories::NONE;
    let mut at = Some(block.element);
    while let Some(index) = at {
        if Some(index) == main {
            break;
        }
        let element = &page.elements[index as usize];
        let names = names_of(element, believed[index as usize]);
        if prose[index as usize] * 2 < whole.max(1) {
            found |= names;
        } else {
            for category in [Category::Comment, Category::Caption] {
                if names.has(category) {
                    found.insert(category);
                }
            }
        }
        at = element.parent;
    }
    found
}

/// The element nearest the block whose name put it in one of
/// `categories` (as [`categories_below`] reads the names), and the
/// category, for the report.
fn named_element(
    page: &Page,
    block: &Block,
    main: Option<u32>,
    prose: &[u32],
    believed: &[bool],
    categories: &[Category],
) -> Option<(u32, &'static str)> {
    let whole = main.map_or_else(
        || prose.first().copied().unwrap_or(0),
        |m| prose[m as usize],
    );
    let mut at = Some(block.element);
    while let Some(index) = at {
        if Some(index) == main {
            break;
        }
        let element = &page.elements[index as usize];
        let names = names_of(element, believed[index as usize]);
        let small = prose[index as usize] * 2 < whole.max(1);
        for category in categories {
            let counts = small || matches!(category, Category::Comment | Category::Caption);
            if counts && names.has(*category) {
                return Some((index, category.name()));
            }
        }
        at = element.parent;
    }
    None
}

/// The categories of the elements around a block up to the first that
/// holds more than `limit` characters (a page-wide wrapper's name says
/// nothing about one block).
fn local_categories(page: &Page, block: &Block, limit: u32, believed: &[bool]) -> Categories {
    let mut found = Categories::NONE;
    let mut at = Some(block.element);
    while let Some(index) = at {
        let element = &page.elements[index as usize];
        if element.chars > limit {
            break;
        }
        found |= names_of(element, believed[index as usize]);
        at = element.parent;
    }
    found
}

/// The block that is the page's title: the heading whose text best matches
/// the `<title>`, else the first `<h1>`.
fn find_title<S: AsRef<str>>(page: &Page, keys: &[S]) -> Option<usize> {
    let title = page
        .title
        .as_deref()
        .map(crate::normalize::comparison_key)
        .unwrap_or_default();
    let title: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    let mut best: Option<(usize, usize)> = None;
    if !title.is_empty() {
        for (i, (block, key)) in page.blocks.iter().zip(keys).enumerate() {
            if block.hidden || block.link_density() > MAX_LINK_DENSITY {
                continue;
            }
            let key: String = key
                .as_ref()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let len = key.chars().count();
            if len < 4 || !title.contains(&key) {
                continue;
            }
            // Prefer headings, then the longest match.
            let rank = len + if block.heading > 0 { 1000 } else { 0 };
            if best.is_none_or(|(_, r)| rank > r) {
                best = Some((i, rank));
            }
        }
    }
    best.map(|(i, _)| i).or_else(|| page.first_h1())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(html: &str) -> Vec<(String, Option<&'static str>)> {
        let page = Page::parse(html);
        let keys: Vec<String> = page
            .blocks
            .iter()
            .map(|b| crate::normalize::comparison_key(&b.text))
            .collect();
        let structure = classify(&page, &keys);
        page.blocks
            .iter()
            .map(|b| b.text.clone())
            .zip(structure.classes)
            .collect()
    }

    const ARTICLE: &str = "<p>The council approved the budget on Monday after a long debate, the mayor said.</p>\
        <p>It adds six night bus routes from April and extends the library's opening hours.</p>\
        <p>Opposition members said the plan relies on optimistic revenue forecasts for next year.</p>";

    #[test]
    fn a_metadata_name_on_a_whole_article_is_not_believed() {
        let html = format!(
            "<div class=menu><a href=/>Home</a> <a href=/n>News</a></div>\
             <div class=news_info><div class=info>By Jane Doe, 12 March</div>{ARTICLE}</div>"
        );
        let rules = rules(&html);
        assert_eq!(rules[1].1, Some("widget_container"), "{rules:?}"); // the byline row
        assert!(rules[2..].iter().all(|(_, r)| r.is_none()), "{rules:?}");
    }

    #[test]
    fn the_title_outside_the_region_is_kept_and_the_sidebar_is_not() {
        let html = format!(
            "<title>Budget approved | City News</title><h1>Budget approved</h1>\
             <div class=body>{ARTICLE}</div>\
             <div class=sidebar><p>Most read: a long list of other stories that are not this one.</p></div>"
        );
        let rules = rules(&html);
        assert_eq!(rules[0], ("Budget approved".into(), None));
        assert_eq!(rules.last().unwrap().1, Some("nav_container"), "{rules:?}");
    }

    /// A page whose menus hold far more characters than its article.
    fn page_with_big_menus(article_class: &str) -> String {
        let links: String = (0..120)
            .map(|i| format!("<li><a href=/s{i}>Section number {i}</a></li>"))
            .collect();
        format!(
            "<title>Budget approved</title><ul class=menu>{links}</ul>\
             <div class=\"{article_class}\">{ARTICLE}</div>\
             <div class=footer>© 2024 City News</div>"
        )
    }

    #[test]
    fn the_main_content_is_never_dropped_for_its_name() {
        // A name that reads as chrome on the element that holds all the
        // page's running text: the names are not believed of it.
        for class in ["site-footer-text", "related-story", "sidebar-widget share"] {
            let rules = rules(&page_with_big_menus(class));
            let article: Vec<_> = rules
                .iter()
                .filter(|(text, _)| text.ends_with('.') && text.len() > 60)
                .collect();
            assert_eq!(article.len(), 3, "{class}: {rules:?}");
            assert!(
                article.iter().all(|(_, r)| r.is_none()),
                "{class}: {article:?}"
            );
            assert_eq!(rules.last().unwrap().1, Some("nav_container"), "{class}");
        }
    }

    #[test]
    fn names_are_set_aside_when_they_would_drop_nearly_all_the_text() {
        // Each paragraph in its own element named like chrome: no one
        // element holds most of the text, but believing the names drops
        // all of it.
        let paragraphs: String = ARTICLE
            .split("</p>")
            .filter(|p| !p.is_empty())
            .map(|p| format!("<div class=footer-note>{p}</p></div>"))
            .collect();
        let html =
            format!("<ul class=menu><li><a href=/>Home</a></li></ul><div>{paragraphs}</div>");
        let page = Page::parse(&html);
        let keys: Vec<String> = page
            .blocks
            .iter()
            .map(|b| crate::normalize::comparison_key(&b.text))
            .collect();
        let structure = classify(&page, &keys);
        assert!(structure.names_ignored);
        assert_eq!(
            structure.classes[1..],
            [None, None, None],
            "{:?}",
            structure.classes
        );
    }

    #[test]
    fn a_structural_drop_names_the_element_that_decided_it() {
        let html = format!(
            "<div id=top class=\"site-nav dark\"><a href=/>Home</a> <a href=/n>News</a></div>\
             <div class=body>{ARTICLE}<p><a href=/x>Read the full council minutes</a> <a href=/y>Budget</a></p></div>\
             <aside><p>Other stories from around the city this week, briefly.</p></aside>"
        );
        let page = Page::parse(&html);
        let keys: Vec<String> = page
            .blocks
            .iter()
            .map(|b| crate::normalize::comparison_key(&b.text))
            .collect();
        let structure = classify(&page, &keys);
        assert_eq!(structure.classes[0], Some("nav_container"));
        assert_eq!(
            structure.detail(0),
            Some("nav in div#top.site-nav.dark at html>body>div")
        );
        assert_eq!(structure.classes[4], Some("link_dense"));
        assert_eq!(structure.detail(4), Some("link density 1.00 in p"));
        assert_eq!(structure.classes[5], Some("nav_container"));
        assert_eq!(
            structure.detail(5),
            Some("sidebar in aside at html>body>aside")
        );
        assert_eq!(structure.detail(1), None);
    }

    #[test]
    fn a_sentence_that_is_mostly_one_link_is_not_link_dense() {
        let html = format!(
            "<div class=body>{ARTICLE}<p>The investigation had been shelved in 2017 but was \
             <a href=/x>re-opened earlier this year following his eviction from the embassy</a>.</p>\
             <p><a href=/y>More from the council</a> <a href=/z>budget</a></p>\
             <ul><li>Read <a href=/w>the council's full statement on the new budget and the bus routes</a>.</li></ul></div>"
        );
        let rules = rules(&html);
        assert_eq!(rules[3].1, None, "{rules:?}");
        assert_eq!(rules[4].1, Some("link_dense"), "{rules:?}");
        assert_eq!(rules[5].1, Some("link_dense"), "{rules:?}"); // a list item
    }
}
