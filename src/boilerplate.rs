//! Stage 3: portal boilerplate.
//!
//! Three layers, each reporting its own name:
//!
//! 1. **Pattern rules** ([`RULES`]): a table of named regular expressions
//!    over the comparison key (NFKC, whitespace folded), each with a length
//!    limit so that a rule for a short chrome row never takes a paragraph of
//!    running text. Chinese and English portal furniture: breadcrumbs,
//!    metadata rows, widgets, login prompts, footers, registration numbers,
//!    photo credits, attachment links.
//! 2. **Chrome vocabulary** ([`CHROME_WORDS`]): a line made only of menu and
//!    widget words ("打印 关闭 收藏", "网站地图 联系我们", "Back to top").
//! 3. **Layout**: what the rules cannot name, the shape of the page reveals.
//!    A row of three or more short unpunctuated tokens is a menu
//!    (`menu_row`); three or more short unpunctuated lines in a row are a
//!    link list (`short_line_run`); a short unpunctuated line with chrome on
//!    both sides is chrome too (`chrome_context`, after jusText's
//!    context-sensitive pass).
//!
//! 4. **Text statistics** ([`features`]): what a line's own text says
//!    (sentence endings, stop-word density, digits, link-like tokens,
//!    position after the last paragraph of text), for the footers and link
//!    rows of portals no rule has seen (`link_density`, `digit_row`,
//!    `page_tail`).
//!
//! 5. **Site templates** ([`templates`]): paragraphs that recur on many
//!    pages of one site, learned in a first pass over the corpus
//!    (`site_template`).
//!
//! Rules are data: adding a pattern is adding a row to [`RULES`] with a test
//! on text that is not from the samples.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::RegexSet;
use serde::{Deserialize, Serialize};

use crate::chars::{is_cjk, is_text_punctuation};
use crate::error::Error;

pub mod features;
pub mod templates;
pub use features::TextFeatures;

/// Which boilerplate layers run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoilerplateConfig {
    /// Run the named pattern rules and the chrome vocabulary.
    pub rules: bool,
    /// Run the layout rules (menu rows, short-line runs, chrome context).
    pub layout: bool,
    /// Run the text-statistics layer (link density, digit rows, page tail).
    pub features: bool,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig {
            rules: true,
            layout: true,
            features: true,
        }
    }
}

impl BoilerplateConfig {
    /// Checks the values that have limits (none here yet).
    pub fn validate(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// A named boilerplate pattern.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The name reported for every paragraph the rule drops.
    pub name: &'static str,
    /// A regular expression over the comparison key.
    pub pattern: &'static str,
    /// The rule applies only to keys of at most this many characters.
    pub max_chars: usize,
}

const fn rule(name: &'static str, max_chars: usize, pattern: &'static str) -> Rule {
    Rule {
        name,
        pattern,
        max_chars,
    }
}

/// The pattern rules, in priority order (the first match names the drop).
pub const RULES: &[Rule] = &[
    rule(
        "breadcrumb",
        200,
        r"^(?:当前位置|您的位置|你的位置|您现在的位置|您当前的位置|你现在的位置|所在位置|现在位置|当前栏目) ?[:>»]",
    ),
    rule(
        "breadcrumb",
        200,
        r"(?i)^(?:you are here|current location|当前位置) ?:|^(?:首页|主页|网站首页|home) ?[>»›] ?\S",
    ),
    rule(
        "login_bar",
        60,
        r"登录 ?/ ?注册|注册 ?/ ?登录|无障碍(?:浏览|阅读|模式)?|长者模式|长辈版|关怀版|适老(?:化)?模式|欢迎(?:到访|访问|光临|您)|退出登录|(?i:sign in ?/ ?(?:sign up|register)|log in ?/ ?register)",
    ),
    rule(
        "login_prompt",
        80,
        r"您还未登录|你还未登录|请(?:先)?登录|登录后(?:进行|才能|方可|即可|查看)|跳转到登录页|收藏成功|取消收藏|已收藏|是否.{0,4}确认.{0,4}跳转|(?i:please (?:log|sign) in|you must be (?:logged|signed) in)",
    ),
    rule(
        "metadata_row",
        120,
        r"^(?:索 ?引 ?号|主 ?题 ?分 ?类|主 ?题 ?词|发文机关|发文机构|发布机构|发文单位|文 ?号|发文字号|成文日期|发文日期|发布日期|印发日期|生效日期|废止日期|公文时效|有 ?效 ?性|时效性|发布时间|更新时间|来 ?源|信息来源|文章来源|稿件来源|作 ?者|编 ?辑|责任编辑|责编|审 ?核|校 ?对|浏览次数|浏览量|点击数|点击量|点击率|阅读次数|阅读量|访问量|访问次数|时 ?间|日 ?期|分 ?类|体 ?裁)(?: ?:| |$)",
    ),
    rule(
        "metadata_row",
        120,
        r"(?i)^(?:published|posted|updated|last updated|last modified|date|source|views|hits|filed under|tags|category|categories)(?: on)? ?:",
    ),
    rule(
        "font_widget",
        60,
        r"字[体号] ?:? ?[\[【(]? ?(?:大 ?中 ?小|小 ?中 ?大|默认|[大中小] ?[\]】)])|【 ?大 ?】 ?【 ?中 ?】 ?【 ?小 ?】|(?i:^(?:font|text) size ?:?)",
    ),
    rule(
        "share_widget",
        80,
        r"(?i)^(?:分享到|分享至|分享|转发到|转发至|share(?: this(?: page| article)?| on| to| via)?)(?: ?:|$)|微信扫一扫|扫一扫在手机|手机扫码|扫码(?:阅读|关注|分享)|用微信扫描",
    ),
    rule(
        "footer",
        200,
        r"主办单位|承办单位|协办单位|主管单位|管理单位|运维单位|技术支持 ?:|网站标识码|ICP ?备|ICP ?证|公网安备|版权所有|举报电话|违法和不良信息举报|(?i:copyright|©|\(c\) ?\d{4}|all rights reserved|powered by)",
    ),
    rule(
        "footer",
        100,
        r"(?i)^(?:地 ?址|邮 ?编|邮政编码|电 ?话|联系电话|咨询电话|传 ?真|电子邮箱|邮 ?箱|e-?mail|tel|fax) ?:",
    ),
    rule(
        "cookie_notice",
        300,
        r"(?i)we use cookies|this (?:web)?site uses cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences)",
    ),
    rule(
        "browser_notice",
        120,
        r"您的浏览器|浏览器版本过低|建议使用.{0,20}浏览器|(?i:javascript (?:is )?(?:disabled|required)|enable javascript|your browser (?:does not|doesn't) support)",
    ),
    rule(
        "photo_credit",
        100,
        r"(?:^|[。.!?！？ (])(?:新华社|本报|特约)?(?:记者|通讯员)? ?[\p{Han}·]{2,4}(?: [\p{Han}·]{2,4})*(?: |/)(?:摄|摄影|供图)\)?$",
    ),
    rule(
        "photo_credit",
        150,
        r"(?i)^(?:图|图片|摄影|图文|图片来源|photo|image|picture)s?(?: by| credit| courtesy)? ?[/:]|\((?:photo|image|图)[^)]{0,60}\)$",
    ),
    rule("author_credit", 40, r"^[□■◎▲△◆◇][\p{Han}· ]{2,40}$"),
    rule(
        "author_credit",
        50,
        r"^(?:本报记者|记者|通讯员|文|图|文/图|文图|撰稿|编辑|责编|审校|监制|统筹|策划|制图|设计)(?: ?[/:|] ?| )[\p{Han}· 、,]{2,40}$",
    ),
    rule(
        "page_jump",
        20,
        r"(?i)^\((?:上接|下转|接|转)第?[\p{Han}\d]{1,3}版\)$|^(?:上接|下转)第[\p{Han}\d]{1,3}版$|^\(?(?:完|全文完|本文完|end)\)?$",
    ),
    rule(
        "attachment",
        100,
        r"^(?:附件|相关附件|附件下载|文件下载|下载附件|点击下载|相关文件)(?: ?\d{1,2})? ?(?::.{0,80})?$",
    ),
    rule(
        "attachment",
        80,
        r"(?i)\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|ofd|et)\)?$|^(?:download|attachment)s?(?: ?:.*)?$",
    ),
    rule(
        "social_links",
        40,
        r"政务微博|政务微信|官方微博|官方微信|微信公众号|抖音号|视频号|头条号|关注我们|扫码关注|(?i:^follow us|^connect with us)",
    ),
    rule(
        "bracketed_widget",
        14,
        r"^\([^()一二三四五六七八九十百\d]{2,12}\)$",
    ),
];

/// Words that make up menus and widget bars. A line whose every token is
/// one of these is chrome.
#[rustfmt::skip]
pub const CHROME_WORDS: &[&str] = &[
    // Chinese portal menus and widgets
    "首页", "网站首页", "主页", "返回首页", "网站地图", "联系我们", "网站声明", "关于我们", "隐私政策", "使用帮助", "帮助", "法律声明",
    "免责声明", "版权声明", "打印", "打印本页", "打印此页", "【打印】", "关闭", "关闭窗口", "关闭本页", "【关闭】", "收藏", "加入收藏",
    "设为首页", "返回", "返回顶部", "顶部", "分享", "纠错", "我要纠错", "点击阅读", "一键下载", "文件下载", "下载", "附件", "附件:",
    "相关链接", "相关阅读", "相关文章", "相关新闻", "相关推荐", "延伸阅读", "推荐阅读", "热点推荐", "热门文章", "猜你喜欢", "政策解读",
    "相关解读", "图片新闻", "友情链接", "上一篇", "下一篇", "上一页", "下一页", "更多", "更多>>", "搜索", "登录", "注册", "退出",
    "繁体", "简体", "繁體", "無障礙", "无障碍", "手机版", "移动版", "微博", "微信", "订阅", "我的咨询", "我的订阅", "我的收藏",
    "我的足迹", "个人中心", "用户中心", "蒙文", "藏文", "维文", "English",
    // English site furniture
    "home", "homepage", "about", "us", "contact", "privacy", "policy", "terms", "of", "use",
    "conditions", "sitemap", "site", "map", "help", "faq", "login", "log", "in", "sign", "up",
    "register", "subscribe", "search", "menu", "share", "print", "email", "facebook", "twitter",
    "linkedin", "instagram", "youtube", "whatsapp", "rss", "top", "back", "to", "next",
    "previous", "prev", "more", "skip", "content", "main", "navigation", "close",
    "accessibility", "cookies", "careers", "newsroom", "disclaimer", "feedback",
];

/// Separators between the items of a menu line.
fn is_menu_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '|' | '/' | '·' | '•' | '>' | '»' | '¦' | '丨' | '｜' | '›'
        )
}

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

struct Compiled {
    set: RegexSet,
    longest: usize,
    chrome_words: HashSet<String>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| Compiled {
    set: RegexSet::new(RULES.iter().map(|r| r.pattern)).expect("the rule table compiles"),
    longest: RULES.iter().map(|r| r.max_chars).max().unwrap_or(0),
    chrome_words: CHROME_WORDS.iter().map(|w| w.to_lowercase()).collect(),
});

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
    let compiled = &*COMPILED;
    let chars = key.chars().count();
    if chars <= compiled.longest {
        let matches = compiled.set.matches(key);
        if let Some(rule) = matches
            .iter()
            .map(|i| &RULES[i])
            .find(|rule| chars <= rule.max_chars)
        {
            return Some(rule.name);
        }
    }
    if chars <= 80 && is_chrome_vocabulary(key, &compiled.chrome_words) {
        return Some("chrome_vocabulary");
    }
    None
}

fn is_chrome_vocabulary(key: &str, words: &HashSet<String>) -> bool {
    let mut tokens = key
        .split(is_menu_separator)
        .filter(|t| !t.is_empty())
        .peekable();
    tokens.peek().is_some()
        && tokens.all(|t| {
            if t.bytes().any(|b| b.is_ascii_uppercase()) {
                words.contains(&t.to_lowercase())
            } else {
                words.contains(t)
            }
        })
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

/// Classifies every paragraph of one page from the comparison keys, in page
/// order. `None` keeps the paragraph; `Some(rule)` drops it as boilerplate.
///
/// ```
/// use chaff::boilerplate::{classify_page, BoilerplateConfig};
/// let keys = ["网站首页", "走进青城", "政务动态", "呼和浩特市2023年全年地区生产总值增长7.3%,增速居全区第一。"];
/// let classes = classify_page(&keys, &BoilerplateConfig::default());
/// assert_eq!(classes, [Some("chrome_vocabulary"), Some("short_line_run"), Some("short_line_run"), None]);
/// ```
pub fn classify_page<S: AsRef<str>>(
    keys: &[S],
    config: &BoilerplateConfig,
) -> Vec<Option<&'static str>> {
    let mut classes: Vec<Option<&'static str>> = if config.rules {
        keys.iter().map(|k| classify_line(k.as_ref())).collect()
    } else {
        vec![None; keys.len()]
    };
    if config.layout {
        let shapes: Vec<Shape> = keys.iter().map(|k| Shape::of(k.as_ref())).collect();
        for (class, shape) in classes.iter_mut().zip(&shapes) {
            if class.is_none() && shape.menu_row() {
                *class = Some("menu_row");
            }
        }
        mark_link_runs(&shapes, &mut classes);
        mark_chrome_context(&shapes, &mut classes);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(key: &str) -> Option<&'static str> {
        classify_line(&crate::normalize::comparison_key(key))
    }

    #[test]
    fn every_rule_compiles_and_has_a_name() {
        assert!(COMPILED.set.len() == RULES.len());
        assert!(RULES.iter().all(|r| !r.name.is_empty() && r.max_chars > 0));
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
        let classes = classify_page(&keys, &BoilerplateConfig::default());
        assert_eq!(&classes[..4], [Some("short_line_run"); 4]);
        assert_eq!(classes[4], None);
        assert_eq!(classes[5], Some("menu_row"));
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
        let classes = classify_page(&keys, &BoilerplateConfig::default());
        assert_eq!(classes[1], Some("chrome_context"));
        assert_eq!(classes[3], None);
    }
}
