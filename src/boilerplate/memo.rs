//! What the page model measures of a line that does not depend on the page:
//! its evidence ([`LineEvidence::measure`]) and the named rule that drops
//! it ([`super::named_rule`]), remembered per thread by the key.
//!
//! Both are functions of the comparison key alone, so remembering them
//! changes no verdict; it saves measuring and matching the same line again
//! on every page that repeats it. Sites repeat their furniture (menus,
//! footers, bylines, related lists) on every page: on the generated 100 MB
//! crawl two lines in three are lines already seen (BENCHMARKS.md, "The
//! page model (issue 13)"), and the rule tables (two dozen regular
//! expressions a line) and the measuring pass were a third of the run.
//!
//! The memo is bounded: keys longer than [`MAX_KEY_BYTES`] (paragraphs of
//! text, which rarely repeat) are not kept, and it is emptied when it holds
//! [`MAX_ENTRIES`] keys, so a thread holds a few MB at most.

use std::cell::RefCell;

use hashbrown::HashTable;
use xxhash_rust::xxh3::xxh3_64;

use super::lines::LineEvidence;

/// Keys longer than this (in bytes) are measured every time.
const MAX_KEY_BYTES: usize = 256;
/// The memo is emptied when it holds this many keys.
const MAX_ENTRIES: usize = 1 << 15;

struct Entry {
    key: Box<str>,
    evidence: LineEvidence,
    rule: Option<&'static str>,
}

thread_local! {
    static MEMO: RefCell<HashTable<Entry>> = const { RefCell::new(HashTable::new()) };
}

/// The evidence of `key` and the named rule that drops it, if any.
pub(super) fn measure_and_name(key: &str) -> (LineEvidence, Option<&'static str>) {
    let compute = || {
        let evidence = LineEvidence::measure(key);
        (evidence, super::named_rule(key, &evidence))
    };
    if key.len() > MAX_KEY_BYTES {
        return compute();
    }
    let hash = xxh3_64(key.as_bytes());
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(entry) = memo.find(hash, |e| &*e.key == key) {
            return (entry.evidence, entry.rule);
        }
        let (evidence, rule) = compute();
        if memo.len() >= MAX_ENTRIES {
            memo.clear();
        }
        memo.insert_unique(
            hash,
            Entry {
                key: key.into(),
                evidence,
                rule,
            },
            |e| xxh3_64(e.key.as_bytes()),
        );
        (evidence, rule)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_lines_are_measured_and_named_as_new_ones() {
        let keys = [
            "网站首页",
            "您当前所在位置: 首页>政务公开",
            "市政府召开常务会议,研究部署了今年的重点工作。",
            "The council approved the budget on Monday.",
            "相关阅读",
            "",
        ];
        for _ in 0..2 {
            for key in keys {
                let evidence = LineEvidence::measure(key);
                assert_eq!(
                    measure_and_name(key),
                    (evidence, super::super::named_rule(key, &evidence))
                );
            }
        }
        let long = "长".repeat(MAX_KEY_BYTES);
        let evidence = LineEvidence::measure(&long);
        assert_eq!(
            measure_and_name(&long),
            (evidence, super::super::named_rule(&long, &evidence))
        );
    }
}
