//! Stage 0 for HTML input: a page's markup becomes blocks of text with
//! structural features.
//!
//! ```text
//! bytes ─ charset ─ text ─ dom (html5ever) ─ blocks ─┬─ block texts ─ split ─ normalize ─ boilerplate ─ …
//!                                                     └─ features ─────────────────────── boilerplate::structure
//! ```
//!
//! - [`charset`]: which encoding the bytes are in (BOM, valid UTF-8, the
//!   transport's `Content-Type`, `<meta>`, detection) and decoding them
//!   with `encoding_rs`.
//! - [`dom`]: the WHATWG parsing algorithm (html5ever) into a tree
//!   (scraper's `Html`), with a cap on nesting depth.
//! - [`blocks`]: the tree to blocks in reading order, each with its
//!   features (tag path, heading level, link density, list membership,
//!   class and id categories, container totals); hidden text marked.
//! - [`classes`]: what `class` and `id` tokens name, English and pinyin.
//!
//! This module imports nothing from the later stages; the boilerplate
//! stage reads its [`Page`].

pub mod blocks;
pub mod charset;
pub mod classes;
pub mod dom;

pub use blocks::{Block, Element, Page};
pub use charset::{Decoded, decode};
