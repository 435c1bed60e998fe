//! What the `class` and `id` attributes of an element say about it.
//!
//! Sites name their page furniture: `<div class="breadcrumb">`,
//! `<ul id="nav">`, `<div class="share-box">`, and on Chinese sites in
//! pinyin as often as in English (`daohang` 导航, `fenxiang` 分享,
//! `xiangguan` 相关, `pinglun` 评论, `banquan` 版权). Each name is cut into
//! tokens (at every character that is not a letter or digit, and at
//! lower-to-upper case changes: `shareBox` → `share`, `box`), and each
//! token is looked up in [`VOCABULARY`], a table of words and the
//! [`Category`] they name. A token also matches a word of [`AFFIXES`] it
//! starts or ends with (`sharebox`, `topnav`, `commentlist`), so that
//! compounds written as one word are found, unless what remains is an
//! ending that makes it another word ([`OTHER_WORD_ENDINGS`]: `commented`
//! and `commentary` are not comments, `navy` is not navigation); other
//! words match whole tokens only (`ad` is not `add` or `head`, `side` is
//! not `inside`, `copy` in `copyNormal` or `body-copy` is the article's
//! copy, not a copyright line). Two tokens that make a word together
//! are looked up as that word (`copy-right`, `side_bar`, `read-more`).
//! CSS utility classes are not names: `relative` is a position, not a
//! related list, and a short word or a position with a size after it
//! (`pl-4`, `bottom-0`) is spacing or placement.
//!
//! The vocabulary follows the class and id lists of trafilatura
//! (`xpaths.py`), Readability (`unlikelyCandidates`, `positive`,
//! `negative`) and GeneralNewsExtractor (`USELESS_ATTR`), with the pinyin
//! words of the Chinese portals we have read.

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a class or id token names. A set of them is a [`Categories`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Category {
    /// Menus and navigation bars.
    Nav,
    /// "You are here" trails.
    Breadcrumb,
    /// Page headers and banners.
    Header,
    /// Page footers, copyright notices.
    Footer,
    /// Side columns and widgets.
    Sidebar,
    /// Share buttons and social links.
    Share,
    /// Related, recommended, popular and ranked lists.
    Related,
    /// Comments and replies.
    Comment,
    /// Advertisements and sponsored blocks.
    Ad,
    /// Login, registration, subscription and newsletter boxes.
    Login,
    /// Bylines, dates, sources, tags: metadata rows.
    Meta,
    /// Page numbers and previous/next links.
    Pagination,
    /// Image captions and photo credits.
    Caption,
    /// Text the site hides (`hidden`, `sr-only`, `screen-reader-text`).
    Hidden,
    /// The article's body (`content`, `article`, `zhengwen` 正文…): a hint
    /// in favour of the text.
    Content,
    /// The article's title (`title`, `headline`, `biaoti` 标题).
    Title,
}

impl Category {
    /// The category's name in lowercase (`nav`, `footer`, `share`…), as
    /// the report writes it.
    ///
    /// ```
    /// assert_eq!(chaff::html::classes::Category::Footer.name(), "footer");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Category::Nav => "nav",
            Category::Breadcrumb => "breadcrumb",
            Category::Header => "header",
            Category::Footer => "footer",
            Category::Sidebar => "sidebar",
            Category::Share => "share",
            Category::Related => "related",
            Category::Comment => "comment",
            Category::Ad => "ad",
            Category::Login => "login",
            Category::Meta => "meta",
            Category::Pagination => "pagination",
            Category::Caption => "caption",
            Category::Hidden => "hidden",
            Category::Content => "content",
            Category::Title => "title",
        }
    }
}

/// A set of [`Category`] values, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Categories(pub u32);

impl Categories {
    /// The empty set.
    pub const NONE: Categories = Categories(0);

    /// Whether `category` is in the set.
    pub fn has(self, category: Category) -> bool {
        self.0 & (1 << category as u8) != 0
    }

    /// Adds `category`.
    pub fn insert(&mut self, category: Category) {
        self.0 |= 1 << category as u8;
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether any of `categories` is in the set.
    pub fn any(self, categories: &[Category]) -> bool {
        categories.iter().any(|c| self.has(*c))
    }
}

impl std::ops::BitOr for Categories {
    type Output = Categories;
    fn bitor(self, other: Categories) -> Categories {
        Categories(self.0 | other.0)
    }
}

impl std::ops::BitOrAssign for Categories {
    fn bitor_assign(&mut self, other: Categories) {
        self.0 |= other.0;
    }
}

/// Class and id words and what they name, English and pinyin.
#[rustfmt::skip]
pub const VOCABULARY: &[(&str, Category)] = {
    use Category::*;
    &[
        // navigation
        ("nav", Nav), ("navi", Nav), ("navbar", Nav), ("navigation", Nav), ("menu", Nav),
        ("menus", Nav), ("topbar", Nav), ("toolbar", Nav), ("subnav", Nav), ("mainnav", Nav),
        ("sitenav", Nav), ("channel", Nav), ("skip", Nav), ("jump", Nav), ("daohang", Nav),
        ("caidan", Nav), ("lanmu", Nav), ("dh", Nav), ("tabs", Nav), ("quicklinks", Nav),
        ("sitemap", Nav), ("dropdown", Nav), ("hamburger", Nav),
        // breadcrumbs
        ("breadcrumb", Breadcrumb), ("breadcrumbs", Breadcrumb), ("crumb", Breadcrumb),
        ("crumbs", Breadcrumb), ("bread", Breadcrumb), ("mianbaoxie", Breadcrumb),
        ("location", Breadcrumb), ("curpos", Breadcrumb), ("position", Breadcrumb),
        ("weizhi", Breadcrumb), ("dqwz", Breadcrumb), ("dangqianweizhi", Breadcrumb),
        // headers
        ("header", Header), ("masthead", Header), ("banner", Header), ("toubu", Header),
        ("logo", Header), ("topnav", Nav),
        // footers
        ("footer", Footer), ("foot", Footer), ("bottom", Footer), ("copyright", Footer),
        ("dibu", Footer), ("yejiao", Footer), ("banquan", Footer),
        ("colophon", Footer), ("siteinfo", Footer), ("disclaimer", Footer), ("statement", Footer),
        ("shengming", Footer), ("icp", Footer), ("beian", Footer),
        // side columns
        ("sidebar", Sidebar), ("side", Sidebar), ("aside", Sidebar), ("rightbar", Sidebar),
        ("leftbar", Sidebar), ("rail", Sidebar), ("widget", Sidebar), ("widgets", Sidebar),
        ("cebian", Sidebar), ("cebianlan", Sidebar), ("sidenav", Sidebar),
        // sharing
        ("share", Share), ("sharing", Share), ("social", Share), ("sns", Share),
        ("fenxiang", Share), ("bdshare", Share), ("jiathis", Share), ("addthis", Share),
        ("shareto", Share), ("follow", Share), ("weixin", Share), ("weibo", Share),
        ("qrcode", Share), ("erweima", Share), ("print", Share), ("dayin", Share),
        // related lists
        ("related", Related), ("relate", Related), ("recommend", Related),
        ("recommended", Related), ("recommendation", Related), ("recommendations", Related),
        ("xiangguan", Related), ("tuijian", Related), ("hot", Related), ("hotnews", Related),
        ("popular", Related), ("remen", Related), ("rank", Related), ("ranking", Related),
        ("paihang", Related), ("trending", Related), ("most", Related), ("more", Related),
        ("readmore", Related), ("also", Related), ("outbrain", Related), ("taboola", Related),
        ("teaser", Related), ("teasers", Related), ("stories", Related), ("latest", Related),
        ("zuixin", Related), ("jingxuan", Related), ("yuedu", Related), ("newslist", Related),
        ("feed", Related),
        // comments
        ("comment", Comment), ("comments", Comment), ("reply", Comment), ("replies", Comment),
        ("discuss", Comment), ("discussion", Comment), ("pinglun", Comment), ("disqus", Comment),
        ("respond", Comment), ("pl", Comment), ("cmt", Comment), ("gentie", Comment), ("liuyan", Comment),
        // ads
        ("ad", Ad), ("ads", Ad), ("adv", Ad), ("advert", Ad), ("adverts", Ad),
        ("advertisement", Ad), ("advertising", Ad), ("adsbygoogle", Ad), ("adsense", Ad),
        ("sponsor", Ad), ("sponsored", Ad), ("promo", Ad), ("promotion", Ad), ("guanggao", Ad),
        ("gg", Ad), ("tg", Ad),
        // login and subscriptions
        ("login", Login), ("signin", Login), ("signup", Login), ("register", Login),
        ("denglu", Login), ("zhuce", Login), ("subscribe", Login), ("subscription", Login),
        ("newsletter", Login), ("paywall", Login), ("modal", Login), ("popup", Login),
        ("consent", Login), ("cookie", Login), ("cookies", Login), ("gdpr", Login),
        ("dialog", Login), ("confirm", Login), ("toast", Login),
        // metadata
        ("meta", Meta), ("byline", Meta), ("author", Meta), ("authors", Meta), ("date", Meta),
        ("time", Meta), ("timestamp", Meta), ("pubdate", Meta), ("source", Meta),
        ("tags", Meta), ("tag", Meta), ("keywords", Meta), ("laiyuan", Meta), ("zuozhe", Meta),
        ("bianji", Meta), ("shijian", Meta), ("riqi", Meta), ("info", Meta),
        ("dateline", Meta), ("credit", Meta), ("credits", Meta), ("bio", Meta),
        // pagination
        ("pager", Pagination), ("pagination", Pagination), ("paging", Pagination),
        ("pagenav", Pagination), ("fanye", Pagination), ("pages", Pagination),
        ("prev", Pagination), ("next", Pagination), ("prevnext", Pagination),
        // captions
        ("caption", Caption), ("figcaption", Caption), ("wp-caption-text", Caption),
        ("tuzhu", Caption), ("imgtxt", Caption), ("pictext", Caption), ("photo", Caption),
        ("image", Caption), ("img", Caption), ("pic", Caption), ("figure", Caption),
        ("gallery", Caption), ("slideshow", Caption), ("carousel", Caption), ("slider", Caption),
        ("album", Caption), ("lightbox", Caption),
        // hidden
        ("hidden", Hidden), ("hide", Hidden), ("invisible", Hidden), ("sr", Hidden),
        ("visually", Hidden), ("screen-reader-text", Hidden), ("offscreen", Hidden),
        ("displaynone", Hidden),
        // the article
        ("content", Content), ("article", Content), ("post", Content), ("entry", Content),
        ("main", Content), ("body", Content), ("text", Content), ("story", Content),
        ("zhengwen", Content), ("neirong", Content), ("wenzhang", Content), ("detail", Content),
        ("xiangqing", Content), ("artical", Content), ("cont", Content), ("con", Content),
        ("txt", Content), ("news", Content), ("blog", Content), ("prose", Content),
        ("zw", Content), ("nr", Content), ("wz", Content),
        // the title
        ("title", Title), ("headline", Title), ("biaoti", Title), ("tit", Title),
        ("heading", Title),
    ]
};

static LOOKUP: LazyLock<HashMap<&'static str, Categories>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, Categories> = HashMap::new();
    for (word, category) in VOCABULARY {
        map.entry(word).or_default().insert(*category);
    }
    map
});

/// Words that also match tokens that start or end with them (`sharebox`,
/// `topnav`, `commentlist`, `bdshare`): the words whose compounds keep
/// their meaning. Others match whole tokens only, since as parts of words
/// they mislead (`side` in `inside`, `date` in `update`, `main` in
/// `maintain`, `jump` in `jumptargets`, `source` in `resource`).
pub const AFFIXES: &[&str] = &[
    "nav",
    "menu",
    "crumb",
    "breadcrumb",
    "footer",
    "sidebar",
    "share",
    "social",
    "comment",
    "related",
    "recommend",
    "copyright",
    "login",
    "advert",
    "banner",
    "pager",
    "pagination",
    "caption",
    "gallery",
    "slideshow",
    "carousel",
    "widget",
    "toolbar",
    "newsletter",
    "subscribe",
    "fenxiang",
    "daohang",
    "pinglun",
    "xiangguan",
    "tuijian",
    "banquan",
];

/// The categories named by a `class` or `id` value.
///
/// ```
/// use chaff::html::classes::{categories_of, Category};
/// let c = categories_of("bdshare_t fenxiang-box");
/// assert!(c.has(Category::Share));
/// assert!(categories_of("topNav").has(Category::Nav));
/// assert!(categories_of("article-content").has(Category::Content));
/// assert!(categories_of("address").is_empty()); // not "ad"
/// ```
pub fn categories_of(value: &str) -> Categories {
    let mut found = Categories::NONE;
    let mut tokens: Vec<String> = Vec::new();
    for class in value.split(|c: char| c.is_whitespace()) {
        tokens.clear();
        tokenize(class, &mut tokens);
        for (i, token) in tokens.iter().enumerate() {
            let next = tokens.get(i + 1);
            // `pl-4`, `bottom-0`: a CSS utility (padding, position) with
            // its size, not a name.
            if next.is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
                && (token.len() <= 2 || CSS_POSITIONS.contains(&token.as_str()))
            {
                continue;
            }
            found |= token_categories(token);
            // A word written as two tokens (`copy-right`, `side_bar`).
            if let Some(next) = next {
                let joined = format!("{token}{next}");
                if let Some(categories) = LOOKUP.get(joined.as_str()) {
                    found |= *categories;
                }
            }
        }
    }
    found
}

/// Words of the vocabulary that CSS utility classes also use for a
/// position, with a size after them (`bottom-0`, Tailwind's inset
/// utilities).
const CSS_POSITIONS: &[&str] = &["bottom", "top", "side"];

/// The lowercase tokens of one class or id: cut at every character that
/// is not an ASCII letter or digit and at lower-to-upper case changes.
fn tokenize(class: &str, tokens: &mut Vec<String>) {
    let mut token = String::new();
    let mut previous_lower = false;
    for c in class.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !token.is_empty() {
                tokens.push(std::mem::take(&mut token));
            }
            previous_lower = c.is_ascii_lowercase();
            token.push(c.to_ascii_lowercase());
        } else {
            previous_lower = false;
            if !token.is_empty() {
                tokens.push(std::mem::take(&mut token));
            }
        }
    }
    if !token.is_empty() {
        tokens.push(token);
    }
}

/// Endings that make a compound of an [`AFFIXES`] word another word:
/// `commented` (a post that has comments), `commentary` (an opinion
/// article), `shared`, `navy`, `logined` (a state, not a login box),
/// `shareholders`. A token that is an affix word and one of these is not
/// matched by the affix.
pub const OTHER_WORD_ENDINGS: &[&str] = &[
    "d", "ed", "y", "ary", "aries", "ies", "ity", "al", "ally", "ism", "ist", "ists", "ive",
    "able", "ment", "ments", "ness", "holder", "holders", "hold",
];

fn token_categories(token: &str) -> Categories {
    if let Some(categories) = LOOKUP.get(token) {
        return *categories;
    }
    let token = token.trim_end_matches(|c: char| c.is_ascii_digit());
    if let Some(categories) = LOOKUP.get(token) {
        return *categories;
    }
    // Plurals: `images`, `widgets`, `crumbs`.
    if let Some(categories) = token.strip_suffix('s').and_then(|t| LOOKUP.get(t)) {
        return *categories;
    }
    let mut found = Categories::NONE;
    for word in AFFIXES {
        if token.len() <= word.len() {
            continue;
        }
        let compound = match token.strip_prefix(word) {
            Some(rest) => !OTHER_WORD_ENDINGS.contains(&rest),
            None => token.ends_with(word),
        };
        if compound {
            found |= LOOKUP.get(word).copied().unwrap_or_default();
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_pinyin_names() {
        let cases = [
            ("breadcrumb", Category::Breadcrumb),
            ("site-footer", Category::Footer),
            ("daohang", Category::Nav),
            ("main_nav", Category::Nav),
            ("navList", Category::Nav),
            ("fenxiang", Category::Share),
            ("xiangguan_news", Category::Related),
            ("pinglun2", Category::Comment),
            ("commentlist", Category::Comment),
            ("banquan", Category::Footer),
            ("sr-only", Category::Hidden),
            ("zhengwen", Category::Content),
            ("post_content", Category::Content),
        ];
        for (value, category) in cases {
            assert!(categories_of(value).has(category), "{value}");
        }
    }

    #[test]
    fn every_affix_is_a_word_of_the_vocabulary() {
        for word in AFFIXES {
            assert!(LOOKUP.contains_key(word), "{word}");
        }
    }

    #[test]
    fn short_words_match_whole_tokens_only() {
        for value in ["address", "header-add", "shadow", "loading", "radius"] {
            assert!(!categories_of(value).has(Category::Ad), "{value}");
        }
        assert!(categories_of("inside update resource jumptargets").is_empty());
        assert!(!categories_of("shareholders").has(Category::Share));
        assert!(!categories_of("shareholder-meeting").has(Category::Share));
        assert!(categories_of("ad-slot").has(Category::Ad));
        assert!(!categories_of("canvas").has(Category::Nav));
    }

    /// A class word is a word: an affix word followed by an ending that
    /// makes another word, or a word that means the article's text in
    /// another trade (`copy`), names nothing.
    #[test]
    fn words_that_only_start_like_a_class_word_name_nothing() {
        for value in [
            "copyNormal",
            "body-copy",
            "copy_text",
            "post hentry commented",
            "commentary-body",
            "navy12",
            "ac-logined",
            "shared-component",
            "post__content relative flex",
            "pl-4 mt-2",
            "absolute bottom-0",
        ] {
            let found = categories_of(value);
            for category in [
                Category::Footer,
                Category::Comment,
                Category::Nav,
                Category::Login,
                Category::Share,
                Category::Related,
            ] {
                assert!(!found.has(category), "{value}: {category:?}");
            }
        }
        // Compounds and words written as two still match.
        assert!(categories_of("copy-right").has(Category::Footer));
        assert!(categories_of("copyRight").has(Category::Footer));
        assert!(categories_of("side_bar").has(Category::Sidebar));
        assert!(categories_of("commentlist").has(Category::Comment));
        assert!(categories_of("commenter-name").has(Category::Comment));
        assert!(categories_of("sharebox").has(Category::Share));
        assert!(categories_of("navbar").has(Category::Nav));
        // Two classes do not make one word.
        assert!(!categories_of("copy right").has(Category::Footer));
    }
}
