use std::io::Read;
use std::time::Instant;

use html5ever::tendril::TendrilSink;

fn load(dir: &str) -> Vec<(String, String)> {
    let mut pages = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.ends_with(".html") || n.ends_with(".html.gz")
        })
        .collect();
    paths.sort();
    for p in paths {
        let mut bytes = std::fs::read(&p).unwrap();
        if p.to_string_lossy().ends_with(".gz") {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .unwrap();
            bytes = out;
        }
        let text = match String::from_utf8(bytes.clone()) {
            Ok(t) => t,
            Err(_) => encoding_rs::GB18030.decode(&bytes).0.into_owned(),
        };
        pages.push((p.file_name().unwrap().to_string_lossy().to_string(), text));
    }
    pages
}

fn skip(name: &str) -> bool {
    matches!(name, "script" | "style" | "noscript" | "template" | "svg")
}

// ---- html5ever + rcdom
fn rcdom_text(html: &str) -> usize {
    use markup5ever_rcdom::{NodeData, RcDom};
    let dom: RcDom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut total = 0;
    let mut stack = vec![dom.document.clone()];
    while let Some(node) = stack.pop() {
        match &node.data {
            NodeData::Text { contents } => total += contents.borrow().len(),
            NodeData::Element { name, .. } if skip(&name.local) => continue,
            _ => {}
        }
        for child in node.children.borrow().iter().rev() {
            stack.push(child.clone());
        }
    }
    total
}

// ---- scraper
fn scraper_text(html: &str) -> usize {
    let doc = scraper::Html::parse_document(html);
    let mut total = 0;
    let mut stack = vec![doc.tree.root()];
    while let Some(node) = stack.pop() {
        match node.value() {
            scraper::Node::Text(t) => total += t.len(),
            scraper::Node::Element(e) if skip(e.name()) => continue,
            _ => {}
        }
        let mut children: Vec<_> = node.children().collect();
        children.reverse();
        stack.extend(children);
    }
    total
}

// ---- lol_html: element handlers on every element (to track tags) + text
fn lol_text(html: &str) -> usize {
    use lol_html::{HtmlRewriter, Settings, element, text};
    use std::cell::Cell;
    let total = Cell::new(0usize);
    let elements = Cell::new(0usize);
    {
        let mut rewriter = HtmlRewriter::new(
            Settings::new()
                .append_element_content_handler(element!("*", |el| {
                    elements.set(elements.get() + 1);
                    let _ = el.get_attribute("class");
                    Ok(())
                }))
                .append_element_content_handler(text!("*", |t| {
                    total.set(total.get() + t.as_str().len());
                    Ok(())
                })),
            |_: &[u8]| {},
        );
        rewriter.write(html.as_bytes()).unwrap();
        rewriter.end().unwrap();
    }
    total.get() + elements.get() * 0
}

// ---- tl
fn tl_text(html: &str) -> usize {
    let dom = tl::parse(html, tl::ParserOptions::default()).unwrap();
    let parser = dom.parser();
    let mut total = 0;
    for node in dom.nodes() {
        if let tl::Node::Raw(b) = node {
            total += b.as_bytes().len();
        }
    }
    let _ = parser;
    total
}

// ---- html5gum tokenizer
fn gum_text(html: &str) -> usize {
    let mut total = 0;
    for token in html5gum::Tokenizer::new(html).flatten() {
        if let html5gum::Token::String(s) = token {
            total += s.len();
        }
    }
    total
}

// ---- html5ever tokenizer only
fn tok_text(html: &str) -> usize {
    use html5ever::tokenizer::{BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer};
    use std::cell::Cell;
    struct Sink(Cell<usize>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _: u64) -> TokenSinkResult<()> {
            if let Token::CharacterTokens(t) = token {
                self.0.set(self.0.get() + t.len());
            }
            TokenSinkResult::Continue
        }
    }
    let input = BufferQueue::default();
    input.push_back(html.into());
    let tok = Tokenizer::new(Sink(Cell::new(0)), Default::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.get()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map(String::as_str).unwrap_or("pages");
    let which = args.get(2).cloned().unwrap_or_else(|| "all".into());
    if which == "hostile" {
        hostile(&args[3], args.get(4).map(String::as_str).unwrap_or("deep"));
        return;
    }
    if which == "paths" { paths(dir); return; }
    let pages = load(dir);
    if which == "malformed" { malformed(&pages); return; }
    let bytes: usize = pages.iter().map(|(_, t)| t.len()).sum();
    eprintln!("{} pages, {:.1} MB", pages.len(), bytes as f64 / 1e6);
    let parsers: Vec<(&str, fn(&str) -> usize)> = vec![
        ("html5ever-tokenizer", tok_text),
        ("html5ever+rcdom", rcdom_text),
        ("scraper", scraper_text),
        ("lol_html", lol_text),
        ("tl", tl_text),
        ("html5gum", gum_text),
    ];
    for (name, f) in parsers {
        if which != "all" && which != name {
            continue;
        }
        let mut best = f64::MAX;
        let mut sum = 0;
        for _ in 0..3 {
            let t = Instant::now();
            sum = 0;
            for (_, html) in &pages {
                sum += f(html);
            }
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{name:22} {:7.1} MB/s  text bytes {sum}",
            bytes as f64 / 1e6 / best
        );
    }
}

fn hostile(parser: &str, kind: &str) {
    let html: String = match kind {
        "deep" => "<div>".repeat(100_000) + "text" + &"</div>".repeat(100_000),
        "deepb" => "<b>".repeat(100_000) + "text",
        "deept" => "<table><tr><td>".repeat(30_000) + "text",
        "attr" => format!("<p class=\"{}\">x</p>", "a".repeat(100 << 20)),
        "junk" => {
            let mut x: u64 = 1;
            let bytes: Vec<u8> = (0..(20 << 20))
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => panic!(),
    };
    let t = Instant::now();
    let n = match parser {
        "rcdom" => rcdom_text(&html),
        "scraper" => scraper_text(&html),
        "lol" => lol_text(&html),
        "tl" => tl_text(&html),
        "gum" => gum_text(&html),
        "tok" => tok_text(&html),
        _ => panic!(),
    };
    println!("{parser} {kind}: {n} in {:.2}s", t.elapsed().as_secs_f64());
}

pub fn malformed(pages: &[(String, String)]) {
    use lol_html::{HtmlRewriter, Settings, element};
    use std::cell::Cell;
    let (mut started, mut ended, mut errors, mut pages_with_errors, mut unclosed_pages) = (0, 0, 0, 0, 0);
    for (_, html) in pages {
        let s = Cell::new(0usize);
        let e = std::rc::Rc::new(Cell::new(0usize));
        {
            let mut rewriter = HtmlRewriter::new(
                Settings::new().append_element_content_handler(element!("*", |el| {
                    if el.can_have_content() {
                        s.set(s.get() + 1);
                        let e = e.clone();
                        if let Some(h) = el.end_tag_handlers() {
                            let f: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                                e.set(e.get() + 1);
                                Ok(())
                            });
                            h.push(f);
                        }
                    }
                    Ok(())
                })),
                |_: &[u8]| {},
            );
            rewriter.write(html.as_bytes()).unwrap();
            rewriter.end().unwrap();
        }
        started += s.get();
        ended += e.get();
        if e.get() < s.get() { unclosed_pages += 1; }
        let dom: markup5ever_rcdom::RcDom =
            html5ever::parse_document(markup5ever_rcdom::RcDom::default(), Default::default()).one(html.as_str());
        let n = dom.errors.borrow().len();
        errors += n;
        pages_with_errors += usize::from(n > 0);
    }
    println!("lol_html: {started} elements with content started, {ended} end-tag handlers fired ({} never closed), {unclosed_pages} pages with unclosed elements", started - ended);
    println!("html5ever: {errors} parse errors, {pages_with_errors} of {} pages with at least one", pages.len());
}

pub fn paths(html: &str) {
    use lol_html::{HtmlRewriter, Settings, element, text};
    use std::cell::RefCell;
    use std::rc::Rc;
    let stack: Rc<RefCell<Vec<String>>> = Rc::new(RefCell::new(Vec::new()));
    let out = RefCell::new(Vec::new());
    {
        let s2 = stack.clone();
        let mut rewriter = HtmlRewriter::new(
            Settings::new()
                .append_element_content_handler(element!("*", |el| {
                    if el.can_have_content() {
                        s2.borrow_mut().push(el.tag_name());
                        let s3 = s2.clone();
                        if let Some(h) = el.end_tag_handlers() {
                            let f: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                                s3.borrow_mut().pop();
                                Ok(())
                            });
                            h.push(f);
                        }
                    }
                    Ok(())
                }))
                .append_element_content_handler(text!("*", |t| {
                    if !t.as_str().trim().is_empty() {
                        out.borrow_mut().push(format!("{:?} in {}", t.as_str(), stack.borrow().join(">")));
                    }
                    Ok(())
                })),
            |_: &[u8]| {},
        );
        rewriter.write(html.as_bytes()).unwrap();
        rewriter.end().unwrap();
    }
    println!("lol_html:");
    for l in out.borrow().iter() { println!("  {l}"); }
    let doc = scraper::Html::parse_document(html);
    println!("html5ever:");
    for node in doc.tree.root().descendants() {
        if let scraper::Node::Text(t) = node.value() {
            if t.trim().is_empty() { continue; }
            let mut path: Vec<String> = node.ancestors().filter_map(|a| a.value().as_element().map(|e| e.name().to_string())).collect();
            path.reverse();
            println!("  {:?} in {}", &**t, path.join(">"));
        }
    }
}
