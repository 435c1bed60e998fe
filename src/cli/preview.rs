//! What a person sees on a terminal when no output was asked for: a few
//! documents, each paragraph marked kept or dropped with its reason.

use crate::error::Error;
use crate::report::{CleanDocument, Verdict};
use crate::sink::Sink;

/// Documents shown.
const DOCUMENTS: usize = 3;
/// Kept and dropped paragraphs shown per document, each.
const PER_KIND: usize = 4;
/// Display columns of a paragraph's text.
const COLUMNS: usize = 64;

/// Keeps the first documents for [`render`], and passes every document
/// on to the inner sink.
pub(crate) struct Preview<S> {
    pub inner: S,
    pub shown: Vec<CleanDocument>,
}

impl<S: Sink> Sink for Preview<S> {
    fn accept(&mut self, document: CleanDocument) -> Result<(), Error> {
        if self.shown.len() < DOCUMENTS {
            self.shown.push(document.clone());
        }
        self.inner.accept(document)
    }
}

/// Display columns of a character: 2 for wide East Asian characters.
fn width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// `text` on one line, cut to `columns` display columns with `…`.
fn clip(text: &str, columns: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let w = width(c);
        if used + w > columns - 1 {
            out.push('…');
            return out;
        }
        used += w;
        out.push(c);
    }
    out
}

/// The reason shown for a dropped paragraph.
fn reason(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Kept => "kept".into(),
        Verdict::Boilerplate { rule, .. } => rule.to_string(),
        Verdict::SiteTemplate { pages, site_pages } => {
            format!("site_template ({pages}/{site_pages} pages)")
        }
        Verdict::ExactDuplicate { duplicate_of } => {
            format!("repeats {} #{}", duplicate_of.id, duplicate_of.paragraph)
        }
        Verdict::NearDuplicate {
            duplicate_of,
            hamming,
            ..
        } => format!(
            "near {} #{} ({hamming} bits)",
            duplicate_of.id, duplicate_of.paragraph
        ),
        Verdict::TrimmedSentences { sentences } => {
            format!("{} sentences trimmed", sentences.len())
        }
    }
}

/// The sample as text: per document, its first kept and dropped
/// paragraphs in input order.
pub(crate) fn render(documents: &[CleanDocument]) -> String {
    let mut out = String::new();
    for document in documents {
        let kept = document.kept().count();
        let total = document.paragraphs.len();
        out.push_str(&format!(
            "── {} ── {total} paragraphs: {kept} kept, {} dropped\n",
            clip(&document.id, COLUMNS),
            total - kept
        ));
        let (mut kept_shown, mut dropped_shown) = (0, 0);
        for (index, paragraph) in document.paragraphs.iter().enumerate() {
            let is_kept =
                paragraph.verdict.is_output(&paragraph.text) && paragraph.verdict == Verdict::Kept;
            let count = if is_kept {
                &mut kept_shown
            } else {
                &mut dropped_shown
            };
            if *count == PER_KIND {
                continue;
            }
            *count += 1;
            let mark = if is_kept { "kept   " } else { "DROPPED" };
            out.push_str(&format!("  #{index:<3} {mark} "));
            let why = if is_kept {
                String::new()
            } else {
                format!("[{}] ", reason(&paragraph.verdict))
            };
            out.push_str(&why);
            out.push_str(&clip(&paragraph.text, COLUMNS));
            out.push('\n');
        }
        let hidden = total - kept_shown - dropped_shown;
        if hidden > 0 {
            out.push_str(&format!("  … {hidden} more paragraphs\n"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_text_is_clipped_by_columns() {
        assert_eq!(clip("市统计局发布数据", 9), "市统计局…");
        assert_eq!(clip("short", 9), "short");
        assert_eq!(clip("a\nb", 9), "a b");
    }

    #[test]
    fn the_sample_marks_kept_and_dropped_paragraphs_with_their_reasons() {
        let mut cleaner = crate::Cleaner::new(crate::Config::default()).unwrap();
        let doc = cleaner.clean(crate::Document::new(
            "a.txt",
            "分享到:\n市统计局发布数据,全市经济运行总体平稳。",
        ));
        let text = render(&[doc]);
        assert!(
            text.contains("── a.txt ── 2 paragraphs: 1 kept, 1 dropped"),
            "{text}"
        );
        assert!(
            text.contains("  #0   DROPPED [share_widget] 分享到:"),
            "{text}"
        );
        assert!(text.contains("  #1   kept    市统计局"), "{text}");
    }
}
