//! Layer 3, layout: what the rules cannot name, the shape of the page
//! reveals. A row of three or more short unpunctuated tokens is a menu
//! (`menu_row`); three or more short unpunctuated lines in a row are a link
//! list (`short_line_run`); a short unpunctuated line with chrome on both
//! sides is chrome too (`chrome_context`, after jusText's context-sensitive
//! pass).

use crate::chars::{is_cjk, is_text_punctuation};

/// A line this short (in non-space characters) and without punctuation
/// reads as a link or a label, not as text.
const LINK_MAX_CHARS: usize = 8;
/// How many link-like lines in a row make a link list.
const LINK_RUN_MIN: usize = 3;
/// The longest line that takes its class from chrome on both sides.
const CONTEXT_MAX_CHARS: usize = 12;
/// Menu rows: at least this many tokens, each at most `MENU_TOKEN_CHARS`.
const MENU_MIN_TOKENS: usize = 3;
const MENU_TOKEN_CHARS: usize = 6;

/// Rules whose drops are part of an article (captions, credits), which do
/// not make their neighbours chrome.
const IN_ARTICLE_RULES: &[&str] = &["photo_credit", "author_credit", "page_jump"];

/// Marks the menu rows, link runs and chrome context of a page among the
/// paragraphs `classes` keeps (`None`), in that order.
pub(super) fn classify<S: AsRef<str>>(keys: &[S], classes: &mut [Option<&'static str>]) {
    let shapes: Vec<Shape> = keys.iter().map(|k| Shape::of(k.as_ref())).collect();
    for (class, shape) in classes.iter_mut().zip(&shapes) {
        if class.is_none() && shape.menu_row() {
            *class = Some("menu_row");
        }
    }
    mark_link_runs(&shapes, classes);
    mark_chrome_context(&shapes, classes);
}

/// What the layout rules need to know of a line.
struct Shape {
    chars: usize,
    punctuated: bool,
    tokens: usize,
    longest_token: usize,
    has_cjk: bool,
}

impl Shape {
    fn of(key: &str) -> Shape {
        let mut tokens = 0;
        let mut longest_token = 0;
        for token in key.split(' ') {
            tokens += 1;
            longest_token = longest_token.max(token.chars().count());
        }
        Shape {
            chars: key.chars().filter(|c| *c != ' ').count(),
            punctuated: key.chars().any(is_text_punctuation),
            tokens,
            longest_token,
            has_cjk: key.chars().any(is_cjk),
        }
    }

    /// Reads like a link or a label: short, no punctuation.
    fn link_like(&self) -> bool {
        !self.punctuated
            && if self.has_cjk {
                self.chars <= LINK_MAX_CHARS
            } else {
                self.tokens <= 3 && self.chars <= 24
            }
    }

    /// Reads like a menu: many short CJK tokens, no punctuation.
    fn menu_row(&self) -> bool {
        self.has_cjk
            && !self.punctuated
            && self.tokens >= MENU_MIN_TOKENS
            && self.longest_token <= MENU_TOKEN_CHARS
    }
}

/// Runs of `LINK_RUN_MIN` or more link-like lines are link lists.
fn mark_link_runs(shapes: &[Shape], classes: &mut [Option<&'static str>]) {
    let mut start = 0;
    while start < shapes.len() {
        let mut end = start;
        while end < shapes.len() && shapes[end].link_like() {
            end += 1;
        }
        if end - start >= LINK_RUN_MIN {
            for class in &mut classes[start..end] {
                class.get_or_insert("short_line_run");
            }
        }
        start = end + 1;
    }
}

/// A short unpunctuated line between chrome on both sides is chrome.
fn mark_chrome_context(shapes: &[Shape], classes: &mut [Option<&'static str>]) {
    let is_chrome =
        |class: Option<&'static str>| class.is_some_and(|rule| !IN_ARTICLE_RULES.contains(&rule));
    for i in 1..shapes.len().saturating_sub(1) {
        let shape = &shapes[i];
        if classes[i].is_none()
            && !shape.punctuated
            && shape.chars <= CONTEXT_MAX_CHARS
            && is_chrome(classes[i - 1])
            && is_chrome(classes[i + 1])
        {
            classes[i] = Some("chrome_context");
        }
    }
}
