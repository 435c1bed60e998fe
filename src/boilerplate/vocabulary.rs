//! Layer 2, the chrome vocabulary: a line made only of menu and widget
//! words ("打印 关闭 收藏", "网站地图 联系我们", "Back to top").

use std::collections::HashSet;
use std::sync::LazyLock;

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

static CHROME_WORD_SET: LazyLock<HashSet<String>> =
    LazyLock::new(|| CHROME_WORDS.iter().map(|w| w.to_lowercase()).collect());

/// Whether every token of `key` (split at [`is_menu_separator`]) is a
/// chrome word, case-insensitively for Latin words.
pub(super) fn is_chrome_vocabulary(key: &str) -> bool {
    let words = &*CHROME_WORD_SET;
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
