//! Named rules by shape, for what a single line says unambiguously.
//!
//! The pattern rules ([`super::RULES`]) name the phrasings of portal chrome
//! seen so far; the rules here match the *shape* of a kind of chrome, so
//! that a wording nobody listed is caught too. Keys are NFKC, so full-width
//! and half-width forms (`：`/`:`, `＞`/`>`) are one case.
//!
//! | rule | shape |
//! |---|---|
//! | `breadcrumb` | a location word and a colon (`您当前所在位置:`), or a chain of two or more `>` `»` `›` between short items |
//! | `byline` | `By`/`Von`/`Par`/`Por`… and a capitalised name; `Posted`/`Written`/`Reviewed`… lines; a credit line opening with 作者/记者/原创 |
//! | `dateline` | a date or time with at most a few words and no sentence (`2019-09-07 13:43 来源: …`, `24 July 2015`, `11.03.17 in Gadgetry`) |
//! | `prompt` | an imperative to subscribe, download, follow or sign up (`Sign up to our newsletter…`, `扫码下载客户端…`), or a leave-site dialog |
//! | `related_label` | the header of a related / most-read / trending list (`See also`, `Around The Web`, `相关阅读`, `猜你喜欢`, `您可能感兴趣的文章`) |
//! | `comments_label` | the header of a comment section (`Comments`, `Leave a Reply`, `全部评论`, `留言列表 (42)`) |
//! | `caption` | a caption marker opens the line (`图为`, `图注:`, `▲`, `Figure 2.`, `Media caption`) or a credit closes it (`(视频截图)`, `受访者供图`) |
//! | `disclaimer` | rights, disclaimers and source notes (`免责声明:`, `未经授权不得转载`, `This article originally appeared on…`) |
//! | `ad_label` | a line that only says advertisement (`Advertisement`, `广告`, `Anzeige`) |
//! | `read_more` | a link to the rest (`Read more`, `Continue reading`, `展开全文`) |
//! | `metadata_row` | previous/next links and tag rows (`【上一篇】…`, `标签:…`, `Tags:`) |
//! | `repeated_link` | one phrase twice on a line (`How to Save Money How to Save Money`): a link's text and title run together |
//! | `widget_row` | a line of widget words (`打印 字体: 放大 正常 缩小 分享`, `Share Tweet Email Save`), a share button (`Share this with Messenger`), a counter (`941 comments`, `1032人参与308评论`) |
//!
//! Page-level shapes (label/value rows split over lines) are in
//! [`super::page`].

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

use super::lines::{Ending, LineEvidence};

/// A named rule over the comparison key.
struct ShapeRule {
    name: &'static str,
    max_chars: usize,
    pattern: &'static str,
}

const fn shape(name: &'static str, max_chars: usize, pattern: &'static str) -> ShapeRule {
    ShapeRule {
        name,
        max_chars,
        pattern,
    }
}

const SHAPE_RULES: &[ShapeRule] = &[
    // A location word and a colon, whatever comes before it on the line.
    shape(
        "breadcrumb",
        200,
        r"(?i)^\p{Han}{0,8}(?:位置|栏目|导航)\s?[:>»]|^(?:you are here|current location|location)\s?:",
    ),
    // Two or more chevrons between items of at most 24 characters.
    shape(
        "breadcrumb",
        200,
        r"^[^>»›.!?。]{1,24}(?:>{1,2}|»|›)[^>»›.!?。]{1,24}(?:>{1,2}|»|›)(?:[^>»›.!?。]{0,40}(?:>{1,2}|»|›))*[^>»›.!?。]{0,60}$",
    ),
    shape(
        "byline",
        90,
        r"^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Oo]leh|[Dd]oor|[Aa]v|[Dd]i)\s+\p{Lu}[\p{L}.'’-]*(?:[\s,]+(?:and\s+|&\s+)?[\p{L}.'’@-]+){0,8}",
    ),
    shape(
        "byline",
        120,
        r"(?i)^(?:posted|published|updated|written|edited|reviewed|filed|last (?:updated|modified)|first published)\b(?:\s(?:on|by|in|at|under|to)\b|\s?:)",
    ),
    shape(
        "byline",
        60,
        r"^(?:作者|记者|原创|撰文|采写|文/|文\||图/|来自|转自|发布于|发表于)",
    ),
    shape(
        "prompt",
        160,
        r"(?i)^(?:please\s)?(?:sign up|sign-up|subscribe|download|install|get|join|follow|register|click|tap)\b.{0,60}\b(?:newsletters?|app|apps|alerts?|inbox|podcasts?|updates|emails?|notifications?)\b",
    ),
    shape(
        "prompt",
        80,
        r"(?i)(?:下载|安装|打开|关注|订阅|扫码|扫描|长按|识别)\S{0,16}(?:客户端|APP|公众号|二维码|小程序|微信号)|即将离开|是否继续访问|离开本站|^got a (?:news )?tip\??$|^tip us\b",
    ),
    // Captions: a caption marker opens the line, or a picture credit or
    // screenshot note closes it.
    shape(
        "caption",
        200,
        r"(?i)^(?:图为|图注|图片说明|上图|下图|左图|右图|▲|△|■图|(?:figure|fig\.?|图|表|table)\s?\d{1,3}[.:．、]|media caption|image caption|caption:|pictured:)|[(（](?:视频截图|资料图|资料图片|视觉中国|新华社发|网络图片|图片来源[^)）]{0,20}|受访者供图|截图)[)）]$|(?:供图|截图|配图)[。.]?$|(?i)[.。]\s?(?:photo|image|picture|credit)s?(?: by)?\s?:\s?[\p{L} .'’/-]{2,40}$",
    ),
    // Rights, disclaimers and source notes under an article.
    shape(
        "disclaimer",
        400,
        r"(?i)^(?:[【\[](?:免责声明|特别声明|版权声明|声明|反侵权公告|郑重声明|风险提示)[】\]]|(?:免责声明|特别声明|版权声明|声明|反侵权公告|郑重声明|风险提示)\s?[:：])|^(?:本文|本站|该文|文章)(?:为|系)?.{0,16}(?:原创|首发).{0,20}(?:转载|授权|许可)|未经(?:许可|允许|授权|同意).{0,16}(?:转载|使用|复制)|(?:转载|转发)(?:请|须|需|时)(?:注明|联系|保留)|^(?:本文|文章|该文)(?:观点)?仅代表作者|观点仅代表作者|^notice: the content above|^this (?:article|story|post) (?:originally )?(?:appeared|was (?:first )?published|was originally published)|^(?:provided by|originally published (?:on|at|by)|reprinted with permission)",
    ),
    // A link in square brackets ("[Read: …]", "[Bardo museum houses Roman
    // treasures]").
    shape("read_more", 160, r"^\[[^\[\]]{3,150}\]$"),
    // Cookie consent and account prompts, however long.
    shape(
        "prompt",
        800,
        r"(?i)\b(?:we|this (?:web)?site|our (?:web)?site) uses? cookies\b|^(?:log in|sign in|sign up|register|create an? (?:free )?account)\b.{0,80}\baccount\b",
    ),
    // Advertisement labels (Readability's adWords).
    shape(
        "ad_label",
        20,
        r"(?i)^(?:ad|ads|advertisement|advertising|sponsored|anzeige|werbung|publicité|publicidad|anuncio|pubblicità|reklama|реклама|广告|推广|赞助)$",
    ),
    // "Read more", "continue reading", "展开全文": a link to the rest.
    shape(
        "read_more",
        80,
        r"(?i)^(?:read (?:more|the full (?:story|article|transcript|report)|on)|continue reading|keep reading|view (?:more|full)|see more|more from|阅读全文|展开全文|查看全文|点击阅读|阅读原文|全文阅读|查看更多|继续阅读|点击查看)",
    ),
    // Previous/next links and tag rows.
    shape(
        "metadata_row",
        200,
        r"(?i)^[【\[(]?(?:上一篇|下一篇|上一页|下一页|previous (?:post|article|story)|next (?:post|article|story))[】\])]?\s?[:：]?|^(?:标签|关键词|关键字|tags?|keywords?|topics?|filed to)\s?[:：]",
    ),
    shape(
        "widget_row",
        60,
        r"(?i)^(?:click to )?share (?:this )?(?:\w+ )?(?:with|on|to|via) [\w+.-]+(?: \(opens in new window\))?$|^(?:tweet|pin|email|print) (?:this|it)$",
    ),
    shape(
        "related_label",
        40,
        r"(?i)^(?:see also|related(?: (?:stories|articles|coverage|content|posts|news|links|reading|topics))?|more (?:on this (?:story|topic)|stories|news|from (?-u:[\w' ]){1,30}|in (?-u:[\w' ]){1,20}|videos? from (?-u:[\w' ]){1,20})|read (?:more|next|also)|most (?:read|popular|viewed|shared|emailed|commented)(?: (?-u:[\w' ]){1,24}(?:stories|articles|news|posts|videos))?|around the web|recommended(?: for you| stories)?|you (?:may|might) (?:also )?(?:like|enjoy)|top stories|trending(?: now| stories)?|latest (?:news|stories|videos)|popular (?:now|stories)|editor'?s picks|elsewhere on (?-u:[\w' ]){1,20}|what'?s next|(?:lire|voir) aussi|(?:lea|ver) también|leia também|mehr zum thema|weitere artikel)\s?:?$",
    ),
    shape(
        "related_label",
        10,
        r"^(?:相关|推荐|热门|热点|精彩|延伸|更多|最新|排行)\p{Han}{1,6}:?$|^\p{Han}{0,4}(?:猜你喜欢|大家都在看|为你推荐|排行榜?|热读|热评)\p{Han}{0,2}:?$|^\p{Han}{0,3}(?:可能|也许)?(?:感兴趣|喜欢)的\p{Han}{0,4}:?$",
    ),
    shape(
        "comments_label",
        40,
        r"(?i)^(?:comments?|replies|responses|reactions|discussion)\s?:?$|^(?:leave a (?:reply|comment)|post a comment|add (?:a|your) comment|join the discussion|show comments|view comments|read comments|there (?:are|is) \d+ comments?)|^(?:全部评论|网友评论|发表评论|最新评论|热门评论|精彩评论|评论区|我要评论|发表留言|留言列表)",
    ),
    // A relative time stamp of a news feed (`2 hours ago`, `3小时前`,
    // `před 2 hodinami`, `hace 5 minutos`): the time of a teaser in a list.
    shape(
        "dateline",
        40,
        r"(?i)^(?:(?:updated|posted|aktualizováno|actualizado|aktualisiert|mis à jour)\s)?(?:před|vor|hace|il y a|há)\s(?:\d{1,3}|an?|une?|jednou)\s\p{L}{3,12}$|^(?:(?:updated|posted|published)\s)?(?:\d{1,3}|an?)\s?(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|years?)\sago$|^\d{1,3}\s?(?:秒|分钟|小时|天|周|个月)前$|^刚刚$",
    ),
    // A counter of comments or readers in an article's header or footer.
    shape(
        "widget_row",
        30,
        r"(?i)^\d+\s?(?:comments?|replies|shares|views|reads|likes)$|^(?:comments?|replies)\s?\(?\d+\)?$|^(?:评论|留言|跟贴|跟帖|参与|阅读|点赞)\s?[(:]?\d+\)?(?:条|人)?$|^(?:已有|共)?\d+\s?(?:条评论|条留言|人参与|人评论)|^\d+人参与\d+评论$",
    ),
];

/// Words of widget bars: font size, print, share, counters.
#[rustfmt::skip]
const WIDGET_WORDS: &[&str] = &[
    "字体", "字号", "放大", "缩小", "正常", "默认", "大", "中", "小", "打印", "关闭", "分享", "收藏",
    "复制链接", "举报", "评论", "跟贴", "点赞", "赞", "转发", "邮件", "微信", "微博", "QQ", "QQ空间",
    "朋友圈", "人人", "豆瓣", "空间", "A", "A+", "A-", "T", "+", "-", "纠错", "打印本页", "关闭窗口",
    "print", "email", "e-mail", "share", "tweet", "save", "comments", "comment", "reply", "like",
    "pin", "whatsapp", "facebook", "twitter", "linkedin", "reddit", "messenger", "pinterest",
    "flipboard", "copy", "link", "more", "options", "text", "size", "resize", "font",
    "read", "to", "caption", "photo", "photos", "view", "buy", "graphic", "gallery", "later", "now", "go",
    "permalink", "play", "video", "replay", "mute", "fullscreen", "expand", "collapse",
];

/// One compiled regex per rule, searched in table order until one matches:
/// on short lines each search runs in the lazy DFA, where a `RegexSet`'s
/// overlapping search over all of them (or one alternation of them all)
/// falls back to the PikeVM and costs twenty times more.
static COMPILED: LazyLock<Vec<AnchoredSplit>> = LazyLock::new(|| {
    SHAPE_RULES
        .iter()
        .map(|r| AnchoredSplit::new(&super::lines::ascii_word_boundaries(r.pattern)))
        .collect()
});

/// The lazy DFA's cache per pattern half: with the default (2 MB) the
/// patterns with bounded repeats of Unicode classes (`\p{Han}{0,8}`,
/// `.{0,16}`) cleared and rebuilt their states over and over on long CJK
/// lines. The cache grows only as far as states are needed.
const DFA_CACHE_BYTES: usize = 16 << 20;

/// A pattern split at its top-level alternatives into those anchored at the
/// start of the line (`^…`) and the others, each half compiled on its own;
/// the pattern matches when either half does. A regex that mixes the two
/// kinds has no literal prefilter and runs its automaton over every byte
/// of a long line; the floating half alone starts at its literals (`未经`,
/// `观点仅代表作者`, `cookies`) and the anchored half stops after the
/// line's first characters (BENCHMARKS.md, "Cheaper boilerplate rules and
/// break repair").
struct AnchoredSplit {
    anchored: Option<Regex>,
    floating: Option<Regex>,
}

impl AnchoredSplit {
    fn new(pattern: &str) -> AnchoredSplit {
        use regex_syntax::hir::{Hir, HirKind, Look};
        let whole = || AnchoredSplit {
            anchored: None,
            floating: Some(Regex::new(pattern).expect("the shape table compiles")),
        };
        let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
            return whole();
        };
        let HirKind::Alternation(alternatives) = hir.kind() else {
            return whole();
        };
        let (anchored, floating): (Vec<Hir>, Vec<Hir>) = alternatives
            .iter()
            .cloned()
            .partition(|h| h.properties().look_set_prefix().contains(Look::Start));
        let compile = |half: Vec<Hir>| {
            (!half.is_empty()).then(|| {
                RegexBuilder::new(&Hir::alternation(half).to_string())
                    .dfa_size_limit(DFA_CACHE_BYTES)
                    .build()
                    .expect("the shape table compiles")
            })
        };
        AnchoredSplit {
            anchored: compile(anchored),
            floating: compile(floating),
        }
    }

    fn is_match(&self, key: &str) -> bool {
        self.anchored.as_ref().is_some_and(|r| r.is_match(key))
            || self.floating.as_ref().is_some_and(|r| r.is_match(key))
    }
}

static WIDGETS: LazyLock<HashSet<String>> =
    LazyLock::new(|| WIDGET_WORDS.iter().map(|w| w.to_lowercase()).collect());

/// The shape rule that drops a line, if any.
///
/// ```
/// use chaff::boilerplate::lines::LineEvidence;
/// use chaff::boilerplate::shapes::classify_shape;
/// let key = "您当前所在位置: 首页>政务公开>通知公告";
/// assert_eq!(classify_shape(key, &LineEvidence::measure(key)), Some("breadcrumb"));
/// let key = "Sign up to our newsletter to get the latest news in your inbox.";
/// assert_eq!(classify_shape(key, &LineEvidence::measure(key)), Some("prompt"));
/// let key = "The council approved the budget on Monday.";
/// assert_eq!(classify_shape(key, &LineEvidence::measure(key)), None);
/// ```
pub fn classify_shape(key: &str, evidence: &LineEvidence) -> Option<&'static str> {
    classify_shape_of(key, key.chars().count(), evidence)
}

/// [`classify_shape`] of a key of `chars` characters.
pub(super) fn classify_shape_of(
    key: &str,
    chars: usize,
    evidence: &LineEvidence,
) -> Option<&'static str> {
    if evidence.code {
        // `print(12345)`, `def parse():` are not widgets or labels.
        return None;
    }
    for (rule, regex) in SHAPE_RULES.iter().zip(COMPILED.iter()) {
        // A byline is not a sentence ("By Monday the council will vote.").
        if chars <= rule.max_chars
            && !(rule.name == "byline" && evidence.ending == Ending::Sentence)
            && regex.is_match(key)
        {
            return Some(rule.name);
        }
    }
    if is_dateline(evidence, key) {
        return Some("dateline");
    }
    if chars <= 60 && is_widget_row(key) {
        return Some("widget_row");
    }
    if is_said_twice(key) {
        return Some("repeated_link");
    }
    None
}

/// The line is one phrase twice (`How to Save Money How to Save Money`):
/// a link's text and its title, or an image's alt text and its caption,
/// run together by the scraper.
fn is_said_twice(key: &str) -> bool {
    let n = key.len() / 2;
    key.len() % 2 == 1
        && key.len() >= 13
        && key.as_bytes()[n] == b' '
        && key.is_char_boundary(n)
        && key[..n] == key[n + 1..]
}

/// The header of a related list or of the comments (`related_label`,
/// `comments_label`), whatever other rule matched the line first: such a
/// header ends an article ([`super::page`]).
///
/// ```
/// assert_eq!(chaff::boilerplate::shapes::list_label("相关阅读"), Some("related_label"));
/// assert_eq!(chaff::boilerplate::shapes::list_label("打印"), None);
/// ```
pub fn list_label(key: &str) -> Option<&'static str> {
    list_label_of(key, key.chars().count())
}

/// [`list_label`] of a key of `chars` characters.
pub(super) fn list_label_of(key: &str, chars: usize) -> Option<&'static str> {
    SHAPE_RULES
        .iter()
        .zip(COMPILED.iter())
        .filter(|(rule, _)| matches!(rule.name, "related_label" | "comments_label"))
        .find(|(rule, regex)| chars <= rule.max_chars && regex.is_match(key))
        .map(|(rule, _)| rule.name)
}

/// A date or time with at most a few words around it, not a sentence. A
/// long-form date alone (`2022年1月27日`) is left to the page model: it is
/// also how a notice is signed under its last paragraph.
fn is_dateline(e: &LineEvidence, key: &str) -> bool {
    e.date
        && e.sentence_ends == 0
        && date_at_an_end(key)
        && !outside_the_date(key).contains([',', '、'])
        && matches!(e.ending, Ending::Open | Ending::Colon)
        && e.words <= 8
        && e.ideographs <= 24
        && !is_signature_date(key)
}

/// The date opens or closes the line (`2019-09-07 13:43 来源: …`,
/// `Sarah Gooding March 9, 2017`), as in a dateline; a title mentions a
/// date in its middle (`【资讯汇总】9月26日盘中重要资讯汇总 准确把握市场走向`).
fn date_at_an_end(key: &str) -> bool {
    super::lines::date_span(key).is_some_and(|(start, end)| {
        key[..start].chars().count() <= 4 || key[end..].chars().count() <= 12
    })
}

/// The line without its first date or time.
fn outside_the_date(key: &str) -> String {
    match super::lines::date_span(key) {
        Some((start, end)) => format!("{}{}", &key[..start], &key[end..]),
        None => key.to_owned(),
    }
}

fn is_signature_date(key: &str) -> bool {
    let mut parts = key.split(['年', '月', '日']);
    key.ends_with('日')
        && parts
            .by_ref()
            .take(3)
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && parts.all(str::is_empty)
}

/// Every token is a widget word or a counter, and at least one is a word.
fn is_widget_row(key: &str) -> bool {
    let mut words = 0;
    for token in key
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '|' | '/' | ':' | '[' | ']' | '【' | '】' | '(' | ')')
        })
        .filter(|t| !t.is_empty())
    {
        if token.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let known = if token.bytes().any(|b| b.is_ascii_uppercase()) {
            WIDGETS.contains(&token.to_lowercase())
        } else {
            WIDGETS.contains(token)
        };
        if !known {
            return false;
        }
        words += 1;
    }
    words >= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::comparison_key;

    fn rule(text: &str) -> Option<&'static str> {
        let key = comparison_key(text);
        classify_shape(&key, &LineEvidence::measure(&key))
    }

    #[test]
    fn the_split_patterns_match_what_the_whole_patterns_match() {
        let filler = "市政府召开常务会议,研究部署了今年的重点工作。";
        let lines = [
            "您当前所在位置: 首页>政务公开",
            "By Jane Doe and John Smith",
            "图为村民在田间查看麦苗长势",
            "村民在田间查看麦苗长势(视频截图)",
            "免责声明:本文仅代表作者观点",
            "未经授权不得转载",
            "转载请注明出处",
            "This website uses cookies to improve your experience.",
            "We use cookies.",
            "Sign up to our newsletter",
            "相关阅读",
            "Comments",
            "3小时前",
            "941 comments",
            "The council approved the budget on Monday.",
            "",
        ];
        for (rule, split) in SHAPE_RULES.iter().zip(COMPILED.iter()) {
            let whole = Regex::new(&super::super::lines::ascii_word_boundaries(rule.pattern))
                .expect("compiles");
            for line in lines {
                for text in [
                    line.to_owned(),
                    format!("{filler}{line}"),
                    format!("{line}{filler}"),
                    format!("{filler} {line}"),
                ] {
                    assert_eq!(
                        split.is_match(&text),
                        whole.is_match(&text),
                        "{}: {text}",
                        rule.name
                    );
                }
            }
        }
    }

    #[test]
    fn breadcrumbs_by_shape_in_both_widths() {
        for text in [
            "您当前所在位置： 首页>政务公开>财政信息",
            "你所在的位置：首页 » 新闻",
            "所在栏目：通知公告",
            "首页 ＞ 政务公开 ＞ 规划计划",
            "News » World » Asia",
            "Location: Home / Services",
        ] {
            assert_eq!(rule(text), Some("breadcrumb"), "{text}");
        }
        assert_eq!(rule("If a > b and b > c, then a > c."), None);
    }

    #[test]
    fn bylines_and_datelines() {
        for (text, name) in [
            ("By Jane Doe", "byline"),
            ("BY MARIA LOPEZ AND TOM REED", "byline"),
            ("Von Anna Schmidt, 3. Mai 2021", "byline"),
            ("Posted on May 3, 2021 by admin", "byline"),
            ("Written by Sam Lee", "byline"),
            ("作者：李明", "byline"),
            ("2/26/2015 7:11 AM PST", "dateline"),
            ("3 hours ago", "dateline"),
            ("Updated 25 mins ago", "dateline"),
            ("5小时前", "dateline"),
            ("před 3 minutami", "dateline"),
            ("hace 2 horas", "dateline"),
            ("2021-05-03 08:15 来源：某某晚报", "dateline"),
            ("3 May 2021", "dateline"),
            ("12-27 18:40", "dateline"),
            ("March 3, 2024 9:15 AM", "dateline"),
        ] {
            assert_eq!(rule(text), Some(name), "{text}");
        }
        for text in [
            "By Monday the council will vote on the plan.",
            "2022年1月27日",
            "5月20日至31日，",
            "By 2030, the city wants every bus to be electric.",
        ] {
            assert_eq!(rule(text), None, "{text}");
        }
    }

    #[test]
    fn prompts_to_subscribe_download_or_leave() {
        for text in [
            "Sign up to our newsletter to get the latest news in your inbox.",
            "Download our app for breaking news alerts.",
            "Subscribe to our daily email",
            "扫码下载客户端，随时随地看新闻。",
            "长按识别二维码关注公众号",
            "您访问的链接即将离开'某某市政府网站'是否继续？",
            "Got a Tip?",
        ] {
            assert_eq!(rule(text), Some("prompt"), "{text}");
        }
        assert_eq!(
            rule("The city will download traffic data to plan the new bus lanes."),
            None
        );
    }

    #[test]
    fn related_list_headers() {
        for text in [
            "See also",
            "Around The Web",
            "More on this story",
            "Most Read",
            "You might also like:",
            "相关阅读",
            "猜你喜欢",
            "热门推荐",
            "Lire aussi",
            "您可能感兴趣的文章",
            "为你推荐",
            "点击排行",
        ] {
            assert_eq!(rule(text), Some("related_label"), "{text}");
        }
        for text in [
            "Comments",
            "Leave a Reply",
            "There are 13 comments",
            "全部评论 23条",
            "留言列表 (42)",
        ] {
            assert_eq!(rule(text), Some("comments_label"), "{text}");
        }
        for text in [
            "941 comments",
            "评论(5)",
            "1032人参与308评论",
            "已有12条评论",
        ] {
            assert_eq!(rule(text), Some("widget_row"), "{text}");
        }
        assert_eq!(rule("更多"), None);
        assert_eq!(rule("Comments on the draft plan are open until May."), None);
        assert_eq!(rule("Related research suggests otherwise."), None);
    }

    #[test]
    fn captions_disclaimers_ads_and_links() {
        for (text, name) in [
            ("图为村民在田间查看麦苗长势。", "caption"),
            ("图注：新建的图书馆外景", "caption"),
            ("▲资料图片", "caption"),
            ("Figure 3. Annual rainfall by region", "caption"),
            ("图2. 项目流程图", "caption"),
            ("Media caption The mayor opens the library", "caption"),
            ("游客在湖边拍照（视觉中国）", "caption"),
            ("村民合影 受访者供图", "caption"),
            (
                "Volunteers plant trees by the river. Photo: Kim Lee",
                "caption",
            ),
            ("免责声明：本文内容仅供参考，不构成投资建议。", "disclaimer"),
            ("本文为本站原创文章，未经授权不得转载。", "disclaimer"),
            ("转载请注明出处。", "disclaimer"),
            ("本文仅代表作者个人观点。", "disclaimer"),
            (
                "This article originally appeared on The Daily Planet.",
                "disclaimer",
            ),
            ("Provided by City University", "disclaimer"),
            ("Advertisement", "ad_label"),
            ("广告", "ad_label"),
            ("Anzeige", "ad_label"),
            ("Read more", "read_more"),
            ("Continue reading the main story", "read_more"),
            ("展开全文", "read_more"),
            ("【上一篇】 县领导调研春耕生产", "metadata_row"),
            ("标签：春耕 农业 青山县", "metadata_row"),
            ("【免责声明】本文内容仅供参考。", "disclaimer"),
            ("[Read: Why the city needs more buses]", "read_more"),
            (
                "We use cookies and similar technologies to improve your experience, personalize content and analyse traffic on this site, as described in our policy which you can read at any time.",
                "prompt",
            ),
            (
                "Log in with your City News account to edit your homepage",
                "prompt",
            ),
            ("Most Read Business Stories", "related_label"),
            (
                "How to Save on Groceries How to Save on Groceries",
                "repeated_link",
            ),
        ] {
            assert_eq!(rule(text), Some(name), "{text}");
        }
        for text in [
            "图书馆将于下月开放，市民可免费借阅。",
            "The figure rose 3% in 2023, the council said.",
            "Reading is a pleasure, the librarian said.",
            "声明发布后，市场反应平稳。",
        ] {
            assert_eq!(rule(text), None, "{text}");
        }
    }

    #[test]
    fn widget_rows() {
        for text in [
            "打印  字体： 放大 正常 缩小  分享",
            "Share Tweet Email Save",
            "【字体：大 中 小】 【打印】",
            "分享 326 收藏",
            "Share this with Messenger",
            "Click to share on Twitter (Opens in new window)",
        ] {
            assert_eq!(rule(text), Some("widget_row"), "{text}");
        }
        assert_eq!(rule("大学 中学 小学"), None);
        for text in [
            "Caption",
            "Buy Photo",
            "View Photos",
            "Read Later",
            "Go to permalink",
        ] {
            assert!(rule(text).is_some(), "{text}");
        }
    }
}
