//! Stage 3: portal boilerplate.
//!
//! Layers, each reporting its own name; this module composes them
//! ([`classify_line`]: 1–2, [`classify_page`]: 1–4 or 1–2 and 6,
//! [`classify_document`]: and 5), each layer in its own file:
//!
//! 1. **Pattern rules** ([`RULES`], `rules.rs`): a table of named regular
//!    expressions over the comparison key (NFKC, whitespace folded), each
//!    with a length limit so that a rule for a short chrome row never takes
//!    a paragraph of running text. Chinese and English portal furniture:
//!    breadcrumbs, metadata rows, widgets, login prompts, footers,
//!    registration numbers, photo credits, attachment links.
//! 2. **Chrome vocabulary** ([`CHROME_WORDS`], `vocabulary.rs`): a line made
//!    only of menu and widget words ("打印 关闭 收藏", "网站地图 联系我们",
//!    "Back to top").
//! 3. **Layout** (`layout.rs`): what the rules cannot name, the shape of the
//!    page reveals. A row of three or more short unpunctuated tokens is a
//!    menu (`menu_row`); three or more short unpunctuated lines in a row are
//!    a link list (`short_line_run`); a short unpunctuated line with chrome
//!    on both sides is chrome too (`chrome_context`, after jusText's
//!    context-sensitive pass).
//! 4. **Text statistics** ([`features`]): what a line's own text says
//!    (sentence endings, stop-word density, digits, link-like tokens,
//!    position after the last paragraph of text), for the footers and link
//!    rows of portals no rule has seen (`link_density`, `digit_row`,
//!    `page_tail`).
//! 5. **Site templates** ([`templates`]): paragraphs that recur on many
//!    pages of one site, learned in a first pass over the corpus
//!    (`site_template`), looked up by the key's hash
//!    ([`crate::normalize::key_hash`]).
//! 6. **The page model** ([`page`], on by default, in place of 3 and 4):
//!    shape rules ([`shapes`]: breadcrumbs, bylines, datelines, prompts,
//!    list headers, widget rows, by shape rather than by phrase), then
//!    per-line evidence ([`lines`]) and the page's layout decide where the
//!    main text is: jusText's classes adapted to Chinese, the main text
//!    regions by maximum-subarray scoring, the title above them, runs of
//!    short lines by what surrounds them (`outside_main_text`,
//!    `headline_list`, `chrome_context`, …). [`Favor`] trades precision for
//!    recall.
//!
//! Rules are data: adding a pattern is adding a row to [`RULES`] with a test
//! on text that is not from the samples.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::normalize::key_hash;

pub mod features;
mod layout;
pub mod lines;
mod memo;
pub mod page;
mod rules;
pub mod shapes;
pub mod stopwords;
pub mod structure;
pub mod templates;
mod vocabulary;

pub use features::TextFeatures;
pub use page::Favor;
pub use rules::{RULES, Rule};
use templates::SiteTemplates;
pub use vocabulary::CHROME_WORDS;

/// Which boilerplate layers run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoilerplateConfig {
    /// Run the named pattern rules and the chrome vocabulary.
    pub rules: bool,
    /// Run the layout rules (menu rows, short-line runs, chrome context).
    pub layout: bool,
    /// Run the text-statistics layer (link density, digit rows, page tail).
    /// Used only when `model` is off.
    pub features: bool,
    /// Run the structural layer on pages read from HTML ([`structure`]).
    pub structure: bool,
    /// Run the page model ([`page`]): shape rules, then the main text
    /// regions, the titles and the context of every line. When on, it takes
    /// the place of the `layout` and `features` layers.
    pub model: bool,
    /// The page model's trade between precision and recall.
    pub favor: Favor,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig {
            rules: true,
            layout: true,
            features: true,
            structure: true,
            model: true,
            favor: Favor::Balanced,
        }
    }
}

impl BoilerplateConfig {
    /// Checks the values that have limits (none here yet).
    pub fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// The boilerplate rule that drops a paragraph, if any, from its key alone.
///
/// ```
/// use chaff::boilerplate::classify_line;
/// assert_eq!(classify_line("字体:[ 大 中 小 ]"), Some("font_widget"));
/// assert_eq!(classify_line("蒙ICP备16003084号-4 蒙公网安备 15010202150124号"), Some("footer"));
/// assert_eq!(classify_line("打印 关闭 收藏"), Some("chrome_vocabulary"));
/// assert_eq!(classify_line("一、2022年国民经济和社会发展计划执行情况"), None);
/// ```
pub fn classify_line(key: &str) -> Option<&'static str> {
    classify_line_of(key, key.chars().count())
}

/// [`classify_line`] of a key of `chars` characters.
fn classify_line_of(key: &str, chars: usize) -> Option<&'static str> {
    if let Some(rule) = rules::first_match(key, chars) {
        return Some(rule);
    }
    if chars <= 80 && vocabulary::is_chrome_vocabulary(key) {
        return Some("chrome_vocabulary");
    }
    None
}

/// Classifies every paragraph of one page from the comparison keys, in page
/// order. `None` keeps the paragraph; `Some(rule)` drops it as boilerplate.
///
/// ```
/// use chaff::boilerplate::{classify_page, BoilerplateConfig};
/// let keys = ["网站首页", "走进青城", "政务动态", "呼和浩特市2023年全年地区生产总值增长7.3%,增速居全区第一。"];
/// let classes = classify_page(&keys, &BoilerplateConfig::default());
/// assert_eq!(classes, [Some("chrome_vocabulary"), Some("outside_main_text"), Some("outside_main_text"), None]);
/// ```
pub fn classify_page<S: AsRef<str>>(
    keys: &[S],
    config: &BoilerplateConfig,
) -> Vec<Option<&'static str>> {
    if config.model {
        return classify_page_with_hints(keys, None, config);
    }
    let mut classes: Vec<Option<&'static str>> = if config.rules {
        keys.iter().map(|k| classify_line(k.as_ref())).collect()
    } else {
        vec![None; keys.len()]
    };
    if config.layout {
        layout::classify(keys, &mut classes);
    }
    if config.features {
        let keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
        let kept: Vec<bool> = classes.iter().map(Option::is_none).collect();
        for (class, feature_class) in classes.iter_mut().zip(features::classify(&keys, &kept)) {
            if class.is_none() {
                *class = feature_class;
            }
        }
    }
    classes
}

/// The named rule that drops a line, if any: the pattern rules and the
/// chrome vocabulary ([`classify_line`]), then the shape rules
/// ([`shapes::classify_shape`]). A chrome-vocabulary line that heads a
/// related list or the comments is named for that, since it ends an
/// article.
///
/// ```
/// use chaff::boilerplate::{named_rule, lines::LineEvidence};
/// let rule = |k: &str| named_rule(k, &LineEvidence::measure(k));
/// assert_eq!(rule("相关阅读"), Some("related_label"));
/// assert_eq!(rule("打印 关闭"), Some("chrome_vocabulary"));
/// assert_eq!(rule("您当前所在位置: 首页>政务公开"), Some("breadcrumb"));
/// assert_eq!(rule("会议要求各部门把任务落到实处。"), None);
/// ```
pub fn named_rule(key: &str, evidence: &lines::LineEvidence) -> Option<&'static str> {
    // Counted once for the three tables' length limits.
    let chars = key.chars().count();
    match classify_line_of(key, chars) {
        Some("chrome_vocabulary") => {
            shapes::list_label_of(key, chars).or(Some("chrome_vocabulary"))
        }
        Some(rule) => Some(rule),
        None => shapes::classify_shape_of(key, chars, evidence),
    }
}

/// [`classify_page`] with what an HTML reader knows of each line
/// (`hints[i]` for `keys[i]`), for the page model. Without the model, the
/// hints are not used.
///
/// ```
/// use chaff::boilerplate::{classify_page_with_hints, BoilerplateConfig};
/// use chaff::boilerplate::lines::LineHints;
/// let keys = ["Latest", "The council voted on Monday to buy twenty electric buses, the mayor said."];
/// let hints = [LineHints { class_tokens: vec!["nav".into()], ..Default::default() }, LineHints::default()];
/// let classes = classify_page_with_hints(&keys, Some(&hints), &BoilerplateConfig::default());
/// assert_eq!(classes, [Some("chrome_markup"), None]);
/// ```
pub fn classify_page_with_hints<S: AsRef<str>>(
    keys: &[S],
    hints: Option<&[lines::LineHints]>,
    config: &BoilerplateConfig,
) -> Vec<Option<&'static str>> {
    if !config.model {
        return classify_page(keys, config);
    }
    let keys: Vec<&str> = keys.iter().map(AsRef::as_ref).collect();
    let (evidence, mut rules): (Vec<lines::LineEvidence>, Vec<Option<&'static str>>) =
        keys.iter().map(|k| memo::measure_and_name(k)).unzip();
    if !config.rules {
        rules.fill(None);
    }
    page::explain(&keys, &evidence, &rules, hints, config.favor)
        .lines
        .into_iter()
        .map(|line| line.verdict)
        .collect()
}

/// Why the boilerplate layers drop a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A named rule of layers 1–4 or 6 (see [`classify_page`]).
    Rule(&'static str),
    /// Layer 5: the paragraph is template on its site.
    SiteTemplate {
        /// Pages of the site the paragraph occurs on.
        pages: u32,
        /// Pages of the site in the counting pass.
        site_pages: u32,
    },
}

/// Every layer on one page of a document: [`classify_page`], then, for the
/// paragraphs it keeps, the site templates of the page's site (from `url`,
/// or `id`; see [`TemplateConfig::site_of`](templates::TemplateConfig::site_of)).
/// `None` keeps the paragraph.
///
/// ```
/// use chaff::boilerplate::{classify_document, BoilerplateConfig, Class};
/// use chaff::boilerplate::templates::{TemplateConfig, TemplateCounter};
/// use chaff::normalize::key_hash;
/// let footer = "本网站所载文章仅代表作者观点。";
/// let mut counter = TemplateCounter::new(TemplateConfig::default());
/// (0..6).for_each(|i| counter.add_page("city", [key_hash(footer), i]));
/// let templates = counter.finish();
/// let keys = ["分享到:", "市政府召开常务会议。", footer];
/// let classes = classify_document(&keys, &BoilerplateConfig::default(), Some(&templates), "city/7", None);
/// assert_eq!(classes, [Some(Class::Rule("share_widget")), None, Some(Class::SiteTemplate { pages: 6, site_pages: 6 })]);
/// ```
pub fn classify_document<S: AsRef<str>>(
    keys: &[S],
    config: &BoilerplateConfig,
    templates: Option<&SiteTemplates>,
    id: &str,
    url: Option<&str>,
) -> Vec<Option<Class>> {
    classify_document_with_hints(keys, None, config, templates, id, url)
}

/// [`classify_document`] with what an HTML reader knows of each line, for
/// the page model ([`classify_page_with_hints`]).
pub fn classify_document_with_hints<S: AsRef<str>>(
    keys: &[S],
    hints: Option<&[lines::LineHints]>,
    config: &BoilerplateConfig,
    templates: Option<&SiteTemplates>,
    id: &str,
    url: Option<&str>,
) -> Vec<Option<Class>> {
    let classes = classify_page_with_hints(keys, hints, config);
    match templates {
        Some(templates) => {
            let site = templates.config().site_of(id, url);
            keys.iter()
                .zip(classes)
                .map(|(key, class)| match class {
                    Some(rule) => Some(Class::Rule(rule)),
                    None => templates
                        .lookup(&site, key_hash(key.as_ref()))
                        .map(|(pages, site_pages)| Class::SiteTemplate { pages, site_pages }),
                })
                .collect()
        }
        None => classes.into_iter().map(|c| c.map(Class::Rule)).collect(),
    }
}

/// Every layer on a page read from HTML: the structural layer's verdicts
/// (`structural`, one per paragraph, from [`structure::classify`]) first,
/// then [`classify_document`] on the paragraphs it keeps, as if they were
/// the whole page (so the layout rules and the page model see the
/// article's neighbours, not the menus the structure already removed).
/// `hints` (one per paragraph: heading level, list item, link density of
/// its block) go to the page model.
///
/// ```
/// use chaff::boilerplate::{classify_html_document, BoilerplateConfig, Class};
/// let keys = ["首页 新闻", "分享到:", "市政府召开常务会议,研究部署重点工作。"];
/// let structural = [Some("nav_container"), None, None];
/// let classes = classify_html_document(&structural, None, &keys, &BoilerplateConfig::default(), None, "a.html", None);
/// assert_eq!(classes, [Some(Class::Rule("nav_container")), Some(Class::Rule("share_widget")), None]);
/// ```
pub fn classify_html_document<S: AsRef<str>>(
    structural: &[Option<&'static str>],
    hints: Option<&[lines::LineHints]>,
    keys: &[S],
    config: &BoilerplateConfig,
    templates: Option<&SiteTemplates>,
    id: &str,
    url: Option<&str>,
) -> Vec<Option<Class>> {
    let kept: Vec<usize> = (0..keys.len())
        .filter(|&i| structural.get(i).is_none_or(Option::is_none))
        .collect();
    let kept_keys: Vec<&str> = kept.iter().map(|&i| keys[i].as_ref()).collect();
    let kept_hints: Option<Vec<lines::LineHints>> = hints.map(|h| {
        kept.iter()
            .map(|&i| h.get(i).cloned().unwrap_or_default())
            .collect()
    });
    let mut classes: Vec<Option<Class>> = (0..keys.len())
        .map(|i| structural.get(i).copied().flatten().map(Class::Rule))
        .collect();
    for (i, class) in kept.into_iter().zip(classify_document_with_hints(
        &kept_keys,
        kept_hints.as_deref(),
        config,
        templates,
        id,
        url,
    )) {
        classes[i] = class;
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(key: &str) -> Option<&'static str> {
        classify_line(&crate::normalize::comparison_key(key))
    }

    #[test]
    fn chinese_portal_chrome_not_from_the_samples() {
        let cases = [
            ("您现在的位置：首页 > 新闻中心 > 部门动态", "breadcrumb"),
            ("首页 > 政务公开 > 通知公告", "breadcrumb"),
            ("发布日期：2021-03-04  来源：市卫健委", "metadata_row"),
            ("信息来源：区政府办", "metadata_row"),
            ("责任编辑：张三", "metadata_row"),
            ("【字体：大 中 小】", "font_widget"),
            ("字号：【大】【中】【小】", "font_widget"),
            ("分享至：", "share_widget"),
            ("扫一扫在手机打开当前页", "share_widget"),
            ("京ICP备05070218号", "footer"),
            ("版权所有：杭州市人民政府办公厅", "footer"),
            ("联系电话：0571-12345678", "footer"),
            ("请先登录后再评论", "login_prompt"),
            ("（新华社记者 李贺 摄）", "photo_credit"),
            ("图/视觉中国", "photo_credit"),
            ("附件：2023年项目清单.xlsx", "attachment"),
            ("(下转第3版)", "page_jump"),
            ("关注我们", "social_links"),
            ("上一篇 下一篇", "chrome_vocabulary"),
            ("您的浏览器版本过低，请升级", "browser_notice"),
        ];
        for (text, rule) in cases {
            assert_eq!(line(text), Some(rule), "{text}");
        }
    }

    #[test]
    fn english_site_chrome() {
        let cases = [
            (
                "Copyright © 2024 City of Springfield. All rights reserved.",
                "footer",
            ),
            ("You are here: Home > News", "breadcrumb"),
            ("Home » Services » Parking", "breadcrumb"),
            ("Published: 12 March 2024", "metadata_row"),
            ("Share this article:", "share_widget"),
            ("Back to top", "chrome_vocabulary"),
            (
                "Privacy Policy | Terms of Use | Contact Us",
                "chrome_vocabulary",
            ),
            (
                "We use cookies to improve your experience.",
                "cookie_notice",
            ),
            ("Photo: Jane Doe/Reuters", "photo_credit"),
            ("Please log in to comment.", "login_prompt"),
        ];
        for (text, rule) in cases {
            assert_eq!(line(text), Some(rule), "{text}");
        }
    }

    #[test]
    fn content_survives_the_rules() {
        let keep = [
            "一、2022年国民经济和社会发展计划执行情况",
            "(一)着力抓统筹、提质效,经济发展稳步恢复",
            "本报讯(记者 刘丽霞)记者从市统计局获悉,1—11月,呼和浩特市着力推动经济高质量发展。",
            "来源于群众的意见建议,市政府逐条研究办理。",
            "时间过得很快,转眼又是一年。",
            "The council approved the budget on Monday, the mayor said.",
            "Home prices rose 4% in March, according to the survey.",
            "1. 坚持稳中求进工作总基调。",
            "走近人民群众身边 走进人民群众心里",
            "(上接第1版)健全“双联系”制度机制,明确了每一位常委会组成人员。",
            "他用相机拍摄了这座城市的变迁。",
        ];
        for text in keep {
            assert_eq!(line(text), None, "{text}");
        }
    }

    #[test]
    fn layout_finds_menus_the_rules_do_not_name() {
        let keys = [
            "新闻中心",
            "办事服务",
            "互动交流",
            "数据发布",
            "我市召开全市经济工作会议,部署明年重点任务。",
            "教育 医疗 住房 交通 社保",
        ];
        let classes = classify_page(&keys, &legacy());
        assert_eq!(&classes[..4], [Some("short_line_run"); 4]);
        assert_eq!(classes[4], None);
        assert_eq!(classes[5], Some("menu_row"));
        let classes = classify_page(&keys, &BoilerplateConfig::default());
        assert_eq!(&classes[..4], [Some("outside_main_text"); 4]);
        assert_eq!(classes[4], None);
        assert_eq!(classes[5], Some("outside_main_text"));
    }

    /// The layers before the page model.
    fn legacy() -> BoilerplateConfig {
        BoilerplateConfig {
            model: false,
            ..BoilerplateConfig::default()
        }
    }

    #[test]
    fn headings_between_paragraphs_and_captions_survive() {
        let keys = [
            "敖勒川草原。王劲凯 摄",
            "呼和浩特加压奋进跑出高质量发展",
            "□梁倩姝 谷台 吴香凝",
            "经济运行持续向好",
            "2023年,如何贯彻落实党的二十大精神?",
        ];
        let classes = classify_page(&keys, &BoilerplateConfig::default());
        assert_eq!(
            classes,
            [
                Some("photo_credit"),
                None,
                Some("author_credit"),
                None,
                None
            ]
        );
    }

    #[test]
    fn site_name_between_chrome_rows_is_chrome() {
        let keys = [
            "我的咨询 我的订阅 我的收藏 我的足迹",
            "某某市人民政府",
            "当前位置: 首页 > 政府信息公开",
            "关于2023年工作的报告,现提请审议。",
        ];
        let classes = classify_page(&keys, &legacy());
        assert_eq!(classes[1], Some("chrome_context"));
        assert_eq!(classes[3], None);
        let classes = classify_page(&keys, &BoilerplateConfig::default());
        assert_eq!(classes[1], Some("outside_main_text"));
        assert_eq!(classes[3], None);
    }
}
