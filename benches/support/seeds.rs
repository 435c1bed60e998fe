//! The five sample pages as bench material, shared by `#[path]` with the
//! examples that measure or generate from them: the one list of the seed
//! pages in code (tests read `tests/fixtures/seeds/` as a directory).

#![allow(dead_code)]

/// The sample pages' texts.
pub const SEEDS: [&str; 5] = [
    include_str!("../../tests/fixtures/seeds/000_3c173866b2547df7.txt"),
    include_str!("../../tests/fixtures/seeds/001_a4783f7c51050e56.txt"),
    include_str!("../../tests/fixtures/seeds/002_616ac49161f13a17.txt"),
    include_str!("../../tests/fixtures/seeds/003_48d6919dc0bc708a.txt"),
    include_str!("../../tests/fixtures/seeds/004_3c2085c3029b20c0.txt"),
];

/// Every paragraph of the sample pages.
pub fn paragraphs() -> Vec<String> {
    SEEDS
        .iter()
        .flat_map(|page| chaff::split::split_paragraphs(page, &Default::default()))
        .map(|p| p.text)
        .collect()
}

/// The comparison keys of every paragraph of the sample pages.
pub fn keys() -> Vec<String> {
    paragraphs()
        .iter()
        .map(|p| chaff::normalize::comparison_key(p))
        .collect()
}
