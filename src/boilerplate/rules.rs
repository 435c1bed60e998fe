//! Layer 1, the pattern rules: a table of named regular expressions over
//! the comparison key, each with a length limit. Rules are data: adding a
//! pattern is adding a row to [`RULES`] with a test on text that is not
//! from the samples.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

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

/// Keys longer than this many characters are matched rule by rule: only
/// the few rules with a longer limit apply to them, and each of those
/// regexes, with its literal prefilter, scans a long line faster than the
/// set's overlapping search of every pattern (BENCHMARKS.md, "Cheaper
/// boilerplate rules and break repair").
const RULE_BY_RULE_ABOVE: usize = 120;

struct Compiled {
    set: RegexSet,
    /// `(index in RULES, regex)` of the rules that apply above
    /// [`RULE_BY_RULE_ABOVE`] characters, in table order.
    long: Vec<(usize, Regex)>,
    longest: usize,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| Compiled {
    set: RegexSet::new(RULES.iter().map(|r| r.pattern)).expect("the rule table compiles"),
    long: RULES
        .iter()
        .enumerate()
        .filter(|(_, r)| r.max_chars > RULE_BY_RULE_ABOVE)
        .map(|(i, r)| (i, Regex::new(r.pattern).expect("the rule table compiles")))
        .collect(),
    longest: RULES.iter().map(|r| r.max_chars).max().unwrap_or(0),
});

/// The first rule of [`RULES`] that matches `key`, a key of `chars`
/// characters, within its length limit.
pub(super) fn first_match(key: &str, chars: usize) -> Option<&'static str> {
    let compiled = &*COMPILED;
    if chars > compiled.longest {
        return None;
    }
    if chars > RULE_BY_RULE_ABOVE {
        return compiled
            .long
            .iter()
            .find(|(i, regex)| chars <= RULES[*i].max_chars && regex.is_match(key))
            .map(|(i, _)| RULES[*i].name);
    }
    compiled
        .set
        .matches(key)
        .iter()
        .map(|i| &RULES[i])
        .find(|rule| chars <= rule.max_chars)
        .map(|rule| rule.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles_and_has_a_name() {
        assert!(COMPILED.set.len() == RULES.len());
        assert!(RULES.iter().all(|r| !r.name.is_empty() && r.max_chars > 0));
    }

    #[test]
    fn rule_by_rule_and_the_set_agree_on_long_lines() {
        let filler = "市政府召开常务会议,研究部署了今年的重点工作。".repeat(6);
        for (i, rule) in RULES.iter().enumerate() {
            for line in [
                format!("当前位置: 首页 > {filler}"),
                format!("首页 > {filler}"),
                format!("{filler}版权所有 © 2024"),
                format!("{filler} We use cookies to improve the site."),
                format!("发布时间: {filler}"),
                format!("{filler} 新华社记者 王明 摄"),
                format!("Photo by {filler}"),
            ] {
                let chars = line.chars().count();
                let by_set = COMPILED
                    .set
                    .matches(&line)
                    .iter()
                    .map(|j| &RULES[j])
                    .find(|r| chars <= r.max_chars)
                    .map(|r| r.name);
                assert_eq!(
                    first_match(&line, chars),
                    by_set,
                    "rule {i} {}: {line}",
                    rule.name
                );
            }
        }
    }
}
