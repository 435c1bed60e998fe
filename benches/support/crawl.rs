//! The synthetic crawl behind `examples/generate.rs` and the benches: see
//! that example for what it contains. Shared by `#[path]`, so that the
//! example and the benches generate the same bytes.

use std::io::Write;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

const CHINESE: &[&str] = &super::seeds::SEEDS;
const ENGLISH: &[&str] = &[include_str!("../../tests/fixtures/english/city_news.txt")];

/// The sentences of the material that read as article text.
fn sentences(pages: &[&str]) -> Vec<String> {
    let mut all = Vec::new();
    for page in pages {
        for paragraph in chaff::split::split_paragraphs(page, &Default::default()) {
            let text = &paragraph.text;
            for range in chaff::split::sentence_ranges(text) {
                let sentence = text[range].trim();
                let ends = sentence.ends_with(['。', '！', '？', '.', '!', '?']);
                if sentence.chars().count() >= 12 && ends && !all.iter().any(|s| s == sentence) {
                    all.push(sentence.to_owned());
                }
            }
        }
    }
    all
}

struct Site {
    host: String,
    english: bool,
    header: Vec<String>,
    footer: Vec<String>,
    source: String,
}

const ZH_MENU: &[&str] = &[
    "首页",
    "新闻中心",
    "政务公开",
    "办事服务",
    "互动交流",
    "走进本市",
    "专题专栏",
    "数据发布",
    "政策文件",
    "通知公告",
    "部门动态",
    "乡镇动态",
    "图片新闻",
    "视频新闻",
    "人事信息",
    "招商引资",
    "文化旅游",
];
const ZH_PLACES: &[&str] = &[
    "青山", "临江", "北原", "南湖", "东川", "西岭", "白河", "金沙", "云台", "松岗", "石门", "柳林",
];
const ZH_PROVINCES: &[&str] = &[
    "京", "沪", "浙", "苏", "蒙", "冀", "晋", "鲁", "豫", "川", "粤", "湘",
];
const EN_MENU: &[&str] = &[
    "Home",
    "News",
    "Services",
    "Council",
    "Events",
    "Transport",
    "Housing",
    "Parks",
    "Jobs",
    "Contact",
    "About",
    "Planning",
    "Libraries",
];
const EN_PLACES: &[&str] = &[
    "Springfield",
    "Riverton",
    "Lakeside",
    "Hillcrest",
    "Fairview",
    "Oakdale",
    "Brookfield",
];

fn site(index: usize, rng: &mut StdRng) -> Site {
    let english = index % 5 == 4;
    if english {
        let place = EN_PLACES.choose(rng).copied().unwrap_or("Springfield");
        let menu: Vec<&str> = EN_MENU.choose_multiple(rng, 7).copied().collect();
        Site {
            host: format!("www.{}{index}.example.org", place.to_lowercase()),
            english,
            header: vec![
                menu.join(" | "),
                format!("Home » News » {}", menu[1]),
                "Share this article:".to_owned(),
            ],
            footer: vec![
                format!("{place} City Council, 1 Civic Square, {place}"),
                format!("Copyright © 2024 {place} City Council. All rights reserved."),
                "Privacy Policy | Terms of Use | Contact Us".to_owned(),
                format!("Serving the people of {place} since {}", 1850 + index % 150),
            ],
            source: format!("{place} City Council"),
        }
    } else {
        let place = format!(
            "{}{}",
            ZH_PLACES.choose(rng).copied().unwrap_or("青山"),
            ["市", "县", "区"][index % 3]
        );
        let province = ZH_PROVINCES.choose(rng).copied().unwrap_or("京");
        let mut header: Vec<String> = ZH_MENU
            .choose_multiple(rng, 6 + index % 4)
            .map(|s| (*s).to_owned())
            .collect();
        header.push(format!(
            "当前位置：首页 > {} > 正文",
            ZH_MENU[index % ZH_MENU.len()]
        ));
        header.push("字体：[ 大 中 小 ]  打印  关闭".to_owned());
        Site {
            host: format!("www.site{index}.gov.cn"),
            english,
            header,
            footer: vec![
                "分享到：".to_owned(),
                "网站地图 | 联系我们 | 网站声明".to_owned(),
                format!(
                    "主办单位：{place}人民政府办公室  政府网站标识码：{}",
                    1_000_000_000u64 + index as u64 * 7919
                ),
                format!(
                    "{province}ICP备{:08}号-{}",
                    10_000_000 + index * 131,
                    1 + index % 5
                ),
                format!(
                    "地址：{place}人民路{}号  邮编：{:06}",
                    1 + index % 300,
                    10_000 + index * 37
                ),
                format!("建设{place}美好家园，共享发展成果 第{}届", 1 + index % 9),
            ],
            source: format!("{place}人民政府办公室"),
        }
    }
}

/// A new paragraph: 2 to 5 sentences of the material, figures changed.
fn paragraph(pool: &[String], rng: &mut StdRng) -> String {
    let count = rng.random_range(2..=5);
    let mut text = String::new();
    for _ in 0..count {
        if let Some(sentence) = pool.choose(rng) {
            if !text.is_empty() && sentence.is_ascii() {
                text.push(' ');
            }
            text.push_str(sentence);
        }
    }
    change_figures(&text, rng)
}

fn change_figures(text: &str, rng: &mut StdRng) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() && rng.random_bool(0.5) {
                char::from(b'0' + rng.random_range(0..10u8))
            } else {
                c
            }
        })
        .collect()
}

/// A near repost: punctuation width, a few edited characters, and sometimes
/// two sentences swapped.
fn edited(paragraph: &str, rng: &mut StdRng) -> String {
    let mut text = if rng.random_bool(0.5) {
        paragraph.replace('，', ",").replace('：', ":")
    } else {
        paragraph.replace(',', "，")
    };
    if rng.random_bool(0.3) {
        let ranges = chaff::split::sentence_ranges(&text);
        if ranges.len() >= 2 {
            let (a, b) = (ranges[0].clone(), ranges[1].clone());
            text = format!("{}{}{}", &text[b.clone()], &text[a], &text[b.end..]);
        }
    }
    let mut chars: Vec<char> = text.chars().collect();
    let edits = (chars.len() / 100).max(1) * rng.random_range(0..=2);
    for _ in 0..edits {
        let at = rng.random_range(0..chars.len().max(1));
        match rng.random_range(0..3) {
            0 if at < chars.len() => chars[at] = '之',
            1 => chars.insert(at.min(chars.len()), '新'),
            _ if at < chars.len() && chars.len() > 1 => {
                chars.remove(at);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// An article: a title and paragraphs, remembered for reposts.
#[derive(Clone)]
struct Article {
    title: String,
    paragraphs: Vec<String>,
}

/// Writes about `size` bytes of crawl as JSONL to `out`.
pub fn generate(mut out: impl Write, size: u64, seed: u64, sites: usize) -> std::io::Result<()> {
    let mut rng = StdRng::seed_from_u64(seed);
    let chinese = sentences(CHINESE);
    let english = sentences(ENGLISH);
    let sites: Vec<Site> = (0..sites.max(1)).map(|i| site(i, &mut rng)).collect();
    let mut recent: Vec<Article> = Vec::new();
    let mut written = 0u64;
    let mut page = 0u64;
    while written < size {
        let site = &sites[rng.random_range(0..sites.len())];
        let pool = if site.english { &english } else { &chinese };
        let article = match rng.random_range(0..10) {
            // exact repost of a recent article
            0 if !recent.is_empty() => recent[rng.random_range(0..recent.len())].clone(),
            // near repost
            1 if !recent.is_empty() => {
                let original = &recent[rng.random_range(0..recent.len())];
                Article {
                    title: original.title.clone(),
                    paragraphs: original
                        .paragraphs
                        .iter()
                        .map(|p| edited(p, &mut rng))
                        .collect(),
                }
            }
            _ => {
                let count = rng.random_range(3..=12);
                let mut paragraphs: Vec<String> =
                    (0..count).map(|_| paragraph(pool, &mut rng)).collect();
                if !site.english && rng.random_bool(0.1) {
                    paragraphs.push(paragraph(&english, &mut rng));
                }
                let title: String = match pool.choose(&mut rng) {
                    Some(s) => s
                        .chars()
                        .take(18)
                        .filter(|c| c.is_alphanumeric() || *c == ' ')
                        .collect(),
                    None => String::new(),
                };
                Article { title, paragraphs }
            }
        };
        if recent.len() < 256 {
            recent.push(article.clone());
        } else {
            let slot = rng.random_range(0..recent.len());
            recent[slot] = article.clone();
        }
        let mut text = String::new();
        for line in &site.header {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&article.title);
        text.push('\n');
        let (year, month, day) = (2020 + page % 5, 1 + page % 12, 1 + page % 28);
        if site.english {
            text.push_str(&format!(
                "Published: {year}-{month:02}-{day:02}  Source: {}\n",
                site.source
            ));
        } else {
            text.push_str(&format!(
                "发布时间：{year}-{month:02}-{day:02}  来源：{}\n",
                site.source
            ));
        }
        for paragraph in &article.paragraphs {
            text.push_str(paragraph);
            text.push('\n');
        }
        for line in &site.footer {
            text.push_str(line);
            text.push('\n');
        }
        let record = serde_json::json!({
            "id": format!("{}/{page}", site.host),
            "url": format!("https://{}/news/{page}.html", site.host),
            "text": text,
        });
        let line = record.to_string();
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        written += line.len() as u64 + 1;
        page += 1;
    }
    out.flush()
}
