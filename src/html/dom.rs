//! HTML to a DOM tree: html5ever's tokenizer and tree builder (the WHATWG
//! parsing algorithm, so the tree is the one a browser builds from the same
//! markup, unclosed tags, misnested formatting and stray table text
//! included), into scraper's `Html` (an `ego_tree` arena).
//!
//! One thing sits between the tokenizer and the tree builder: a depth
//! guard. The tree builder checks "is there a `p` in button scope" by
//! walking the stack of open elements, so a page of 100,000 nested `<div>`s
//! costs it 10¹⁰ steps (21 s measured). Browsers cap the depth instead
//! (Blink inserts elements past depth 512 as siblings,
//! `kMaximumHTMLParserDOMTreeDepth`); the guard does the same by dropping
//! start tags (and their end tags) past [`MAX_DEPTH`] open elements, so the
//! text of deeper elements lands in the deepest one allowed. The guard
//! keeps its own mirror of the open elements: end tags pop to the matching
//! entry, and `p`, `li`, `dd`, `dt`, `option` and table parts close their
//! unclosed predecessors as the tree builder does, so ordinary pages, whose
//! depth stays far below the cap, are never touched.

use std::cell::{Cell, RefCell};

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts};
use html5ever::{LocalName, local_name};
use scraper::{Html, HtmlTreeSink};

/// The deepest nesting of open elements the parser builds (Blink's limit).
pub const MAX_DEPTH: usize = 512;

/// Parses a whole document.
///
/// ```
/// let dom = chaff::html::dom::parse("<p>one<div>two</div>");
/// let texts: Vec<&str> = dom.root_element().text().collect();
/// assert_eq!(texts, ["one", "two"]);
/// ```
pub fn parse(html: &str) -> Html {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let guard = DepthGuard {
        inner: builder,
        open: RefCell::new(Vec::new()),
        dropped: RefCell::new(Vec::new()),
        depth_cut: Cell::new(false),
    };
    let tokenizer = Tokenizer::new(guard, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // `Script` pauses the tokenizer for script execution, which this parser
    // has none of, and `EncodingIndicator` reports a `<meta charset>`, which
    // `charset` has dealt with before: resume until the input is used up.
    while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
    tokenizer.end();
    let sink = &tokenizer.sink.inner.sink;
    std::mem::replace(&mut *sink.0.borrow_mut(), Html::new_document())
}

/// Whether `<name>` is a void element (never has content or an end tag).
fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
            | local_name!("param")
            | local_name!("keygen")
            | local_name!("frame")
    )
}

/// Elements whose start tag closes an unclosed predecessor of one of the
/// names returned (simplified from the tree-construction rules).
fn closes(name: &LocalName) -> &'static [LocalName] {
    use std::sync::LazyLock;
    static P: LazyLock<[LocalName; 1]> = LazyLock::new(|| [local_name!("p")]);
    static LI: LazyLock<[LocalName; 2]> = LazyLock::new(|| [local_name!("li"), local_name!("p")]);
    static DT: LazyLock<[LocalName; 3]> =
        LazyLock::new(|| [local_name!("dd"), local_name!("dt"), local_name!("p")]);
    static OPTION: LazyLock<[LocalName; 1]> = LazyLock::new(|| [local_name!("option")]);
    static CELL: LazyLock<[LocalName; 2]> =
        LazyLock::new(|| [local_name!("td"), local_name!("th")]);
    static ROW: LazyLock<[LocalName; 3]> =
        LazyLock::new(|| [local_name!("tr"), local_name!("td"), local_name!("th")]);
    match *name {
        local_name!("li") => &*LI,
        local_name!("dd") | local_name!("dt") => &*DT,
        local_name!("option") => &*OPTION,
        local_name!("td") | local_name!("th") => &*CELL,
        local_name!("tr") => &*ROW,
        local_name!("p")
        | local_name!("div")
        | local_name!("ul")
        | local_name!("ol")
        | local_name!("dl")
        | local_name!("table")
        | local_name!("h1")
        | local_name!("h2")
        | local_name!("h3")
        | local_name!("h4")
        | local_name!("h5")
        | local_name!("h6")
        | local_name!("section")
        | local_name!("article")
        | local_name!("blockquote")
        | local_name!("pre") => &*P,
        _ => &[],
    }
}

/// Passes tokens to the tree builder, except start tags past
/// [`MAX_DEPTH`] and their end tags.
struct DepthGuard<S> {
    inner: S,
    /// Mirror of the open elements (at most `MAX_DEPTH`).
    open: RefCell<Vec<LocalName>>,
    /// Start tags dropped and not yet matched by an end tag, per name.
    dropped: RefCell<Vec<(LocalName, usize)>>,
    /// Whether any start tag was dropped.
    depth_cut: Cell<bool>,
}

impl<S: TokenSink> DepthGuard<S> {
    /// Whether the token goes on to the tree builder.
    fn admit(&self, token: &Token) -> bool {
        let Token::TagToken(tag) = token else {
            return true;
        };
        if is_void(&tag.name) {
            return true;
        }
        let mut open = self.open.borrow_mut();
        match tag.kind {
            TagKind::StartTag => {
                let closed = closes(&tag.name);
                while open.last().is_some_and(|top| closed.contains(top)) {
                    open.pop();
                }
                if open.len() >= MAX_DEPTH {
                    self.depth_cut.set(true);
                    let mut dropped = self.dropped.borrow_mut();
                    match dropped.iter_mut().find(|(name, _)| *name == tag.name) {
                        Some((_, count)) => *count += 1,
                        None => dropped.push((tag.name.clone(), 1)),
                    }
                    return false;
                }
                if !tag.self_closing {
                    open.push(tag.name.clone());
                }
                true
            }
            TagKind::EndTag => {
                let mut dropped = self.dropped.borrow_mut();
                if let Some((_, count)) = dropped
                    .iter_mut()
                    .find(|(name, count)| *name == tag.name && *count > 0)
                {
                    *count -= 1;
                    return false;
                }
                if let Some(at) = open.iter().rposition(|name| *name == tag.name) {
                    open.truncate(at);
                }
                true
            }
        }
    }
}

impl<S: TokenSink> TokenSink for DepthGuard<S> {
    type Handle = S::Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Self::Handle> {
        if self.admit(&token) {
            self.inner.process_token(token, line_number)
        } else {
            TokenSinkResult::Continue
        }
    }

    fn end(&self) {
        self.inner.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_of_text(dom: &Html, needle: &str) -> usize {
        dom.tree
            .root()
            .descendants()
            .find(|n| n.value().as_text().is_some_and(|t| t.contains(needle)))
            .map(|n| n.ancestors().count())
            .unwrap_or(0)
    }

    #[test]
    fn deep_nesting_is_capped_and_fast() {
        let html =
            "<div>".repeat(100_000) + "deep text" + &"</div>".repeat(100_000) + "<p>after</p>";
        let started = std::time::Instant::now();
        let dom = parse(&html);
        assert!(started.elapsed().as_secs() < 10);
        let depth = depth_of_text(&dom, "deep text");
        assert!((MAX_DEPTH..MAX_DEPTH + 8).contains(&depth), "{depth}");
        // The end tags of the dropped start tags were dropped too: `after`
        // is a child of body again.
        assert_eq!(depth_of_text(&dom, "after"), 4); // p, body, html, document
    }

    #[test]
    fn long_runs_of_unclosed_items_are_not_depth() {
        // 2,000 unclosed list items and paragraphs: siblings, not nesting.
        let html = "<ul>".to_owned()
            + &"<li>item".repeat(2000)
            + "</ul>"
            + &"<p>para".repeat(2000)
            + "<div><p>last</p></div>";
        let dom = parse(&html);
        assert_eq!(
            dom.root_element().html(),
            Html::parse_document(&html).root_element().html()
        );
        assert_eq!(depth_of_text(&dom, "last"), 5); // p, div, body, html, document
    }

    #[test]
    fn ordinary_pages_are_untouched() {
        let html = "<ul><li>a<li>b</ul><p>one<p>two<table><tr><td>x<td>y<tr><td>z</table>";
        assert_eq!(
            parse(html).root_element().html(),
            Html::parse_document(html).root_element().html()
        );
    }
}
