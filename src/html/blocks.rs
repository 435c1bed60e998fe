//! A DOM tree to blocks of text in reading order, each with the structural
//! features the boilerplate stage uses.
//!
//! # Where blocks begin and end
//!
//! A block is a line of the page as a reader sees it: its boundaries are
//! the start and end of every block-level element ([`is_block_level`]:
//! paragraphs, headings, list items, `div`s, table rows, form controls…)
//! and every `<br>`, so text directly inside a `<div>` is a block of its
//! own, `<br>`-separated lines are separate blocks, and inline elements
//! (`a`, `span`, `b`, `font`…) stay inside the line they are in. Table
//! cells are joined by a space within their row (a row of a data table is
//! one line), unless a cell holds block-level elements of its own. Inside
//! `<pre>` every source line is a block. This is the segmentation of the
//! project's HTML-to-text converter (`tests/fixtures/devset/tools/
//! html2text.py`), so blocks coincide with the lines of the scraped text.
//!
//! Whitespace runs (space, tab, line feed, carriage return, form feed)
//! inside text become one space, outside `<pre>`; a block's text is its
//! line with the outer whitespace trimmed. Blocks that are blank are not
//! made.
//!
//! # What is not text
//!
//! `<script>`, `<style>`, `<noscript>`, `<template>`, `<svg>`, `<object>`,
//! `<embed>`, `<iframe>`, `<head>` and comments hold no page text and make
//! no block. Elements the page hides (the `hidden` attribute,
//! `aria-hidden="true"`, an inline style with `display:none` or
//! `visibility:hidden`) are a boundary, and their text makes blocks marked
//! [`Block::hidden`], so that the boilerplate stage can report them
//! (nothing of the page's text is lost silently).
//!
//! # Features
//!
//! Each block carries the features of [`Block`]; the elements that hold
//! blocks are kept in [`Page::elements`] with the totals of their subtree
//! (characters, characters inside links, blocks, elements), from which
//! container-level link density and text density follow.

use html5ever::{LocalName, local_name};
use scraper::Html;
use scraper::node::Element as DomElement;

use super::classes::{Categories, Category, categories_of};

/// One element of the page that is an ancestor of some text.
#[derive(Debug, Clone)]
pub struct Element {
    /// The tag name, lowercase (`div`, `p`, `li`…).
    pub tag: LocalName,
    /// The parent element, if any (an index into [`Page::elements`]).
    pub parent: Option<u32>,
    /// Depth below the document (the `html` element is 1).
    pub depth: u32,
    /// Categories named by this element's own `class` and `id`.
    pub names: Categories,
    /// The element's `id` and `class` as CSS writes them
    /// (`#main.article-body`), at most [`LABEL_MAX_BYTES`] bytes; `None`
    /// when it has neither. The report names the element that decided a
    /// structural drop with it.
    pub label: Option<Box<str>>,
    /// Categories named by the element's tag (`nav`, `header`, `footer`,
    /// `aside`, `figcaption`, `article`, `main`, `form`…).
    pub tags: Categories,
    /// Non-whitespace characters of the blocks in the subtree.
    pub chars: u32,
    /// Of those, the characters inside links (`<a href>`).
    pub link_chars: u32,
    /// Blocks in the subtree.
    pub blocks: u32,
    /// Elements in the subtree, itself included.
    pub elements: u32,
}

/// The longest [`Element::label`], in bytes (longer labels are cut at a
/// character boundary and end with `…`).
pub const LABEL_MAX_BYTES: usize = 80;

/// `#id.class1.class2` of an element, cut to [`LABEL_MAX_BYTES`].
fn label_of(element: &DomElement) -> Option<Box<str>> {
    let mut label = String::new();
    if let Some(id) = element
        .attr("id")
        .map(str::trim)
        .filter(|id| !id.is_empty())
    {
        label.push('#');
        label.push_str(id);
    }
    if let Some(class) = element.attr("class") {
        for token in class.split_ascii_whitespace() {
            label.push('.');
            label.push_str(token);
            if label.len() > LABEL_MAX_BYTES {
                break;
            }
        }
    }
    if label.len() > LABEL_MAX_BYTES {
        let mut cut = LABEL_MAX_BYTES - '…'.len_utf8();
        while !label.is_char_boundary(cut) {
            cut -= 1;
        }
        label.truncate(cut);
        label.push('…');
    }
    (!label.is_empty()).then(|| label.into_boxed_str())
}

impl Element {
    /// The element as a CSS selector of its tag, `id` and classes
    /// (`div#main.article-body`).
    pub fn selector(&self) -> String {
        format!("{}{}", &*self.tag, self.label.as_deref().unwrap_or(""))
    }

    /// Characters inside links per character of the subtree, 0 to 1.
    pub fn link_density(&self) -> f32 {
        ratio(self.link_chars, self.chars)
    }

    /// Characters per element of the subtree: text-heavy containers have
    /// many characters per tag, menus and link lists few (Sun et al.'s
    /// text density, as GeneralNewsExtractor uses it).
    pub fn text_density(&self) -> f32 {
        ratio(self.chars, self.elements.max(1))
    }
}

/// One block of text and its structural features.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The block's text, whitespace-collapsed and trimmed.
    pub text: String,
    /// The innermost block-level element around the block (an index into
    /// [`Page::elements`]).
    pub element: u32,
    /// Heading level of the heading the text is in (1–6), 0 if none.
    pub heading: u8,
    /// Non-whitespace characters.
    pub chars: u32,
    /// Of those, the characters inside links (`<a href>`).
    pub link_chars: u32,
    /// How many list items (`li`, `dd`, `dt`) the text is inside.
    pub list_depth: u8,
    /// Inside a table cell.
    pub in_table: bool,
    /// Inside a form control: a button, a `select`, a `textarea` or a
    /// `label` (not a `<form>`: ASP.NET pages wrap the whole page in one).
    pub in_form: bool,
    /// Inside `<pre>`.
    pub preformatted: bool,
    /// Inside an element the page hides.
    pub hidden: bool,
    /// The block follows a single `<br>` (not two, not an element
    /// boundary): the break may be a line wrapped inside a paragraph, which
    /// split's break repair may join to the block before. Paragraphs the
    /// publisher put in separate elements are never joined.
    pub after_br: bool,
    /// Categories named by the `class` and `id` of the elements around the
    /// text, from the document down.
    pub names: Categories,
    /// Categories of the sectioning and form elements around the text.
    pub tags: Categories,
}

impl Block {
    /// Characters inside links per character, 0 to 1.
    ///
    /// ```
    /// let page = chaff::html::Page::parse("<p>Read <a href=/x>more</a></p>");
    /// assert_eq!(page.blocks[0].link_density(), 0.5);
    /// ```
    pub fn link_density(&self) -> f32 {
        ratio(self.link_chars, self.chars)
    }
}

/// A page's blocks, in reading order, and the elements that hold them.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The text of the `<title>` element, whitespace-collapsed.
    pub title: Option<String>,
    /// The blocks, in document order.
    pub blocks: Vec<Block>,
    /// The elements that are ancestors of some block, in document order
    /// (a parent before its children).
    pub elements: Vec<Element>,
}

impl Page {
    /// Parses HTML text and extracts its blocks.
    ///
    /// ```
    /// use chaff::html::Page;
    /// let page = Page::parse(
    ///     "<title>Budget</title><nav><a href=/>Home</a></nav>\
    ///      <div>The council met.<br>It voted.<script>x()</script><p class=share>Share</p></div>",
    /// );
    /// let texts: Vec<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
    /// assert_eq!(texts, ["Home", "The council met.", "It voted.", "Share"]);
    /// assert_eq!(page.title.as_deref(), Some("Budget"));
    /// assert_eq!(page.blocks[0].link_density(), 1.0);
    /// ```
    pub fn parse(html: &str) -> Page {
        Page::from_dom(&super::dom::parse(html))
    }

    /// Extracts the blocks of a parsed document.
    pub fn from_dom(dom: &Html) -> Page {
        let mut walker = Walker::default();
        walker.walk(dom);
        walker.finish()
    }

    /// The tag path of a block: the tag names from the `html` element down
    /// to the block's element, `html>body>div>div>p` (the elements' class
    /// and id categories are in [`Element::names`]).
    pub fn path(&self, block: &Block) -> String {
        self.element_path(block.element)
    }

    /// The tag path of an element (see [`Page::path`]).
    pub fn element_path(&self, element: u32) -> String {
        let mut tags = Vec::new();
        let mut at = Some(element);
        while let Some(index) = at {
            let Some(element) = self.elements.get(index as usize) else {
                break;
            };
            tags.push(&*element.tag);
            at = element.parent;
        }
        tags.reverse();
        tags.join(">")
    }

    /// The first block inside an `<h1>`, if any.
    pub fn first_h1(&self) -> Option<usize> {
        self.blocks.iter().position(|b| b.heading == 1)
    }

    /// The blocks' text, one block per line.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.blocks.iter().map(|b| b.text.len() + 1).sum());
        for block in &self.blocks {
            text.push_str(&block.text);
            text.push('\n');
        }
        text
    }
}

fn ratio(part: u32, whole: u32) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

/// Whether an element starts and ends a line (html2text's block set).
pub fn is_block_level(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("br")
            | local_name!("center")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("frame")
            | local_name!("frameset")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("legend")
            | local_name!("li")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("option")
            | local_name!("p")
            | local_name!("pre")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("tr")
            | local_name!("ul")
            | local_name!("caption")
            | local_name!("select")
            | local_name!("textarea")
            | local_name!("button")
    )
}

/// Elements whose content is not page text.
fn is_skipped(tag: &LocalName) -> bool {
    matches!(
        *tag,
        local_name!("script")
            | local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
            | local_name!("svg")
            | local_name!("head")
            | local_name!("title")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("iframe")
            | local_name!("math")
    )
}

/// Whether the page hides the element.
fn is_hidden(element: &DomElement) -> bool {
    if element.attr("hidden").is_some() {
        return true;
    }
    if element
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    element.attr("style").is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

/// Categories named by a tag.
fn tag_categories(tag: &LocalName) -> Categories {
    let mut c = Categories::NONE;
    match *tag {
        local_name!("nav") | local_name!("menu") => c.insert(Category::Nav),
        local_name!("header") => c.insert(Category::Header),
        local_name!("footer") => c.insert(Category::Footer),
        local_name!("aside") => c.insert(Category::Sidebar),
        local_name!("figcaption") | local_name!("figure") => c.insert(Category::Caption),
        local_name!("article") | local_name!("main") => c.insert(Category::Content),
        local_name!("address") => c.insert(Category::Meta),
        local_name!("time") => c.insert(Category::Meta),
        _ => {}
    }
    c
}

/// What the walk knows about an open element.
#[derive(Clone, Copy)]
struct Frame {
    element: u32,
    /// The innermost block-level element (itself if block-level).
    block_element: u32,
    heading: u8,
    list_depth: u8,
    in_table: bool,
    in_form: bool,
    preformatted: bool,
    hidden: bool,
    link: bool,
    names: Categories,
    tags: Categories,
    /// Whether closing the element ends a line.
    boundary: bool,
}

/// The line being collected.
#[derive(Default)]
struct Line {
    text: String,
    chars: u32,
    link_chars: u32,
    heading: u8,
    list_depth: u8,
    in_table: bool,
    in_form: bool,
    preformatted: bool,
    names: Categories,
    tags: Categories,
}

#[derive(Default)]
struct Walker {
    page: Page,
    stack: Vec<Frame>,
    line: Line,
    /// Inside a subtree that holds no text (depth of skipped elements).
    skipping: u32,
    /// The last boundary was a single `<br>`.
    after_br: bool,
    /// The `skipping` level of the `<title>` being collected.
    title_depth: Option<u32>,
    title: String,
}

impl Walker {
    fn walk(&mut self, dom: &Html) {
        use ego_tree::iter::Edge;
        for edge in dom.tree.root().traverse() {
            match edge {
                Edge::Open(node) => match node.value() {
                    scraper::Node::Element(element) => self.open(element),
                    scraper::Node::Text(text) => self.text(text),
                    _ => {}
                },
                Edge::Close(node) => {
                    if let scraper::Node::Element(element) = node.value() {
                        self.close(element);
                    }
                }
            }
        }
        self.flush();
    }

    fn open(&mut self, element: &DomElement) {
        let tag = &element.name.local;
        if self.skipping > 0 || is_skipped(tag) {
            self.skipping += 1;
            if *tag == local_name!("title")
                && self.page.title.is_none()
                && self.title_depth.is_none()
            {
                self.title_depth = Some(self.skipping);
            }
            return;
        }
        if *tag == local_name!("br") || *tag == local_name!("hr") {
            // A second `<br>` in a row (nothing between) is a paragraph
            // break, and so is `<hr>`.
            let single = *tag == local_name!("br") && self.line.chars > 0;
            self.flush();
            self.after_br = single;
            // Void: no close edge matters, but keep the stack balanced.
            self.stack.push(self.top_or_root());
            return;
        }
        let hidden = is_hidden(element);
        let parent = self.stack.last().copied();
        let boundary = is_block_level(tag) || (hidden && !parent.is_some_and(|p| p.hidden));
        if boundary {
            self.flush();
            self.after_br = false;
        }
        if matches!(*tag, local_name!("td") | local_name!("th")) {
            self.push_text(" ", false);
        }
        let mut names = Categories::NONE;
        for attr in ["class", "id"] {
            if let Some(value) = element.attr(attr) {
                names |= categories_of(value);
            }
        }
        let tags = tag_categories(tag);
        let index = self.page.elements.len() as u32;
        self.page.elements.push(Element {
            tag: tag.clone(),
            parent: parent.map(|p| p.element),
            depth: self.stack.len() as u32 + 1,
            names,
            label: if names.is_empty() && !is_block_level(tag) {
                None
            } else {
                label_of(element)
            },
            tags,
            chars: 0,
            link_chars: 0,
            blocks: 0,
            elements: 1,
        });
        let heading = match *tag {
            local_name!("h1") => 1,
            local_name!("h2") => 2,
            local_name!("h3") => 3,
            local_name!("h4") => 4,
            local_name!("h5") => 5,
            local_name!("h6") => 6,
            _ => 0,
        };
        let inherited = parent.unwrap_or(Frame {
            element: index,
            block_element: index,
            heading: 0,
            list_depth: 0,
            in_table: false,
            in_form: false,
            preformatted: false,
            hidden: false,
            link: false,
            names: Categories::NONE,
            tags: Categories::NONE,
            boundary: false,
        });
        self.stack.push(Frame {
            element: index,
            block_element: if is_block_level(tag) || inherited.element == index {
                index
            } else {
                inherited.block_element
            },
            heading: if heading > 0 {
                heading
            } else {
                inherited.heading
            },
            list_depth: inherited.list_depth.saturating_add(u8::from(matches!(
                *tag,
                local_name!("li") | local_name!("dd") | local_name!("dt")
            ))),
            in_table: inherited.in_table || matches!(*tag, local_name!("td") | local_name!("th")),
            in_form: inherited.in_form
                || matches!(
                    *tag,
                    local_name!("button")
                        | local_name!("select")
                        | local_name!("label")
                        | local_name!("textarea")
                ),
            preformatted: inherited.preformatted || *tag == local_name!("pre"),
            hidden: inherited.hidden || hidden,
            link: inherited.link || (*tag == local_name!("a") && element.attr("href").is_some()),
            names: inherited.names | names,
            tags: inherited.tags | tags,
            boundary,
        });
    }

    fn close(&mut self, element: &DomElement) {
        let tag = &element.name.local;
        if self.skipping > 0 {
            if self.title_depth == Some(self.skipping) {
                self.title_depth = None;
                let title = collapse(&self.title);
                let title = title.trim();
                if !title.is_empty() {
                    self.page.title = Some(title.to_owned());
                }
            }
            self.skipping -= 1;
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        if *tag == local_name!("br") || *tag == local_name!("hr") {
            return;
        }
        if frame.boundary {
            // The line belongs to this element: flush with it on the stack.
            self.stack.push(frame);
            self.flush();
            self.stack.pop();
            self.after_br = false;
        }
    }

    /// The frame to repeat for a void element.
    fn top_or_root(&self) -> Frame {
        self.stack.last().copied().unwrap_or(Frame {
            element: 0,
            block_element: 0,
            heading: 0,
            list_depth: 0,
            in_table: false,
            in_form: false,
            preformatted: false,
            hidden: false,
            link: false,
            names: Categories::NONE,
            tags: Categories::NONE,
            boundary: false,
        })
    }

    fn text(&mut self, text: &str) {
        if self.skipping > 0 {
            if self.title_depth.is_some() {
                self.title.push_str(text);
            }
            return;
        }
        if self.stack.is_empty() {
            return;
        }
        let preformatted = self.stack.last().is_some_and(|f| f.preformatted);
        if preformatted {
            let mut lines = text.split('\n');
            if let Some(first) = lines.next() {
                self.push_text(first, true);
            }
            for line in lines {
                self.flush();
                self.after_br = false;
                self.push_text(line, true);
            }
        } else {
            self.push_text(text, false);
        }
    }

    fn push_text(&mut self, text: &str, preformatted: bool) {
        let Some(frame) = self.stack.last().copied() else {
            return;
        };
        let start = self.line.text.len();
        if preformatted {
            self.line.text.push_str(text);
        } else {
            collapse_into(text, &mut self.line.text);
        }
        let added = self.line.text[start..]
            .chars()
            .filter(|c| !c.is_whitespace())
            .count() as u32;
        if added == 0 {
            return;
        }
        let line = &mut self.line;
        line.chars += added;
        if frame.link {
            line.link_chars += added;
        }
        if line.heading == 0 {
            line.heading = frame.heading;
        }
        line.list_depth = line.list_depth.max(frame.list_depth);
        line.in_table |= frame.in_table;
        line.in_form |= frame.in_form;
        line.preformatted |= frame.preformatted;
        line.names |= frame.names;
        line.tags |= frame.tags;
    }

    /// Ends the current line: a block if it holds visible characters.
    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        if line.chars == 0 {
            return;
        }
        let text = line.text.trim();
        if text.chars().all(crate::chars::is_blank) {
            return;
        }
        let Some(frame) = self.stack.last().copied() else {
            return;
        };
        let element = frame.block_element;
        if let Some(e) = self.page.elements.get_mut(element as usize) {
            e.chars += line.chars;
            e.link_chars += line.link_chars;
            e.blocks += 1;
        }
        self.page.blocks.push(Block {
            text: text.to_owned(),
            element,
            heading: line.heading,
            chars: line.chars,
            link_chars: line.link_chars,
            list_depth: line.list_depth,
            in_table: line.in_table,
            in_form: line.in_form,
            preformatted: line.preformatted,
            hidden: frame.hidden,
            after_br: std::mem::take(&mut self.after_br),
            names: line.names | frame.names,
            tags: line.tags | frame.tags,
        });
    }

    fn finish(mut self) -> Page {
        // Subtree totals: children come after their parents.
        for index in (0..self.page.elements.len()).rev() {
            let element = &self.page.elements[index];
            if let Some(parent) = element.parent {
                let (chars, link_chars, blocks, elements) = (
                    element.chars,
                    element.link_chars,
                    element.blocks,
                    element.elements,
                );
                let parent = &mut self.page.elements[parent as usize];
                parent.chars += chars;
                parent.link_chars += link_chars;
                parent.blocks += blocks;
                parent.elements += elements;
            }
        }
        self.page
    }
}

/// HTML's whitespace runs to one space.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    collapse_into(text, &mut out);
    out
}

fn collapse_into(text: &str, out: &mut String) {
    let mut in_space = out.ends_with(' ');
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
            if !in_space {
                out.push(' ');
                in_space = true;
            }
        } else {
            out.push(c);
            in_space = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        Page::parse(html)
            .blocks
            .into_iter()
            .map(|b| b.text)
            .collect()
    }

    #[test]
    fn blocks_follow_the_lines_a_reader_sees() {
        assert_eq!(
            texts("<div>lead<p>one <b>bold</b> two</p>tail<br>after break</div>"),
            ["lead", "one bold two", "tail", "after break"]
        );
        assert_eq!(
            texts("<table><tr><td>a</td><td>b</td></tr><tr><td><p>c</p><p>d</p></td></tr></table>"),
            ["a b", "c", "d"]
        );
        assert_eq!(
            texts("<pre>let a = 1;\n\nlet b = 2;\n</pre>"),
            ["let a = 1;", "let b = 2;"]
        );
        assert_eq!(texts("<ul><li>one<li>two</ul>"), ["one", "two"]);
    }

    #[test]
    fn scripts_styles_comments_are_not_text_and_hidden_text_is_marked() {
        let page = Page::parse(
            "<p>a<script>var x = '<p>no</p>';</script><style>p{}</style><!-- c --></p>\
             <div style='display: none'>crumb <span>trail</span></div>\
             <p>b<span hidden>secret</span>c</p><noscript>enable js</noscript>",
        );
        let texts: Vec<(&str, bool)> = page
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.hidden))
            .collect();
        assert_eq!(
            texts,
            [
                ("a", false),
                ("crumb trail", true),
                ("b", false),
                ("secret", true),
                ("c", false)
            ]
        );
    }

    #[test]
    fn features_of_blocks_and_containers() {
        let page = Page::parse(
            "<div id=nav><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul></div>\
             <div class=article-content><h1>Title</h1><p>Body text with a <a href=/l>link</a>.</p></div>",
        );
        let [home, news, title, body] = &page.blocks[..] else {
            panic!("{:?}", page.blocks)
        };
        assert_eq!(home.list_depth, 1);
        assert!(home.names.has(Category::Nav) && news.names.has(Category::Nav));
        assert_eq!(title.heading, 1);
        assert!(body.names.has(Category::Content));
        assert_eq!((body.chars, body.link_chars), (18, 4));
        assert_eq!(page.path(body), "html>body>div>p");
        let nav = &page.elements[page.elements[home.element as usize].parent.unwrap() as usize];
        assert_eq!(&*nav.tag, "ul");
        assert_eq!(nav.link_density(), 1.0);
        assert_eq!(page.first_h1(), Some(2));
    }
}
