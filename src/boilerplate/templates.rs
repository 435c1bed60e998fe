//! Site templates learned from repetition.
//!
//! Pages of one site share their template: menus, footers, sidebars,
//! disclaimers. Rules cannot list every site's, but repetition shows it. A
//! first pass ([`TemplateCounter`]) counts, per site, on how many distinct
//! pages each paragraph occurs (by the 64-bit hash of its comparison key);
//! [`TemplateCounter::finish`] keeps the paragraphs that occur on at least
//! [`TemplateConfig::min_pages`] pages *and* at least
//! [`TemplateConfig::min_share`] of the site's pages. The cleaning pass then
//! drops them from every page of the site, first occurrence included, with
//! the reason `site_template` and both counts in the report.
//!
//! Defaults, and why:
//!
//! - `min_pages = 5`: with fewer pages, a coincidence (three articles
//!   quoting the same official statement) is as likely as a template, and a
//!   site crawled that thinly gives too little evidence; dedup still drops
//!   the second and later copies.
//! - `min_share = 0.25`: menus and footers are on every page; a disclaimer
//!   printed under every article is on every article page, and articles are
//!   most of a news or government site's crawled pages. A quotation or a
//!   news brief cited by several articles is on a few percent of them.
//!   (The tests hold both: a disclaimer on every article of a site is
//!   dropped; a quote shared by two articles of the same site is kept.)
//!
//! The site of a page is its URL's host when it has a URL, otherwise the
//! part of its id before [`TemplateConfig::id_separator`].
//!
//! The learned templates are small (one entry per template paragraph per
//! site) and are saved and loaded as JSON through `Write` and `Read`
//! ([`SiteTemplates::save_to`], [`SiteTemplates::load_from`]); saving to a
//! path, under a partial name renamed when complete, is the front's job
//! ([`pipeline::save_site_templates`](crate::pipeline::save_site_templates)).

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// How templates are learned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateConfig {
    /// A template paragraph occurs on at least this many pages of its site.
    pub min_pages: u32,
    /// … and on at least this share of the site's pages.
    pub min_share: f64,
    /// Pages without a URL belong to the site named by their id up to this
    /// character.
    pub id_separator: char,
}

impl Default for TemplateConfig {
    fn default() -> Self {
        TemplateConfig {
            min_pages: 5,
            min_share: 0.25,
            id_separator: '/',
        }
    }
}

impl TemplateConfig {
    /// Checks that `min_pages` is at least 1 (a template occurs on some
    /// page) and that `min_share` is a share, between 0 and 1.
    ///
    /// ```
    /// use chaff::boilerplate::templates::TemplateConfig;
    /// let config = TemplateConfig { min_share: 5.0, ..TemplateConfig::default() };
    /// assert_eq!(config.validate().unwrap_err().to_string(),
    ///     "invalid configuration: templates.min_share 5 is not between 0 and 1");
    /// let config = TemplateConfig { min_pages: 0, ..TemplateConfig::default() };
    /// assert!(config.validate().is_err());
    /// assert!(TemplateConfig::default().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if !(0.0..=1.0).contains(&self.min_share) {
            return Err(Error::Config(format!(
                "templates.min_share {} is not between 0 and 1",
                self.min_share
            )));
        }
        if self.min_pages == 0 {
            return Err(Error::Config(
                "templates.min_pages 0 is below the minimum 1".into(),
            ));
        }
        Ok(())
    }

    /// The site a page belongs to.
    ///
    /// ```
    /// use chaff::boilerplate::templates::TemplateConfig;
    /// let config = TemplateConfig::default();
    /// assert_eq!(config.site_of("a/1", Some("https://WWW.Hohhot.gov.cn/zwgk/1.html")), "www.hohhot.gov.cn");
    /// assert_eq!(config.site_of("hohhot/2024/1", None), "hohhot");
    /// assert_eq!(config.site_of("page.txt", Some("not a url")), "page.txt");
    /// ```
    ///
    /// The host comes from the WHATWG URL parser (the `url` crate, feature
    /// `url`, on by default: internationalized hosts in their ASCII form);
    /// without that feature, from the text between `://` and the next `/`,
    /// `?` or `#`, less any user and port, lowercased (an internationalized
    /// host stays as written).
    pub fn site_of(&self, id: &str, url: Option<&str>) -> String {
        if let Some(host) = url.and_then(host_of) {
            return host;
        }
        id.split(self.id_separator).next().unwrap_or(id).to_owned()
    }

    /// The thresholds: whether a paragraph on `pages` of its site's
    /// `site_pages` pages is template (at least `min_pages` pages and at
    /// least `min_share` of the site's).
    ///
    /// ```
    /// use chaff::boilerplate::templates::TemplateConfig;
    /// let config = TemplateConfig::default();
    /// assert!(config.is_template(5, 20));
    /// assert!(!config.is_template(5, 21)); // under a quarter
    /// assert!(!config.is_template(4, 4));  // too few pages
    /// ```
    pub fn is_template(&self, pages: u32, site_pages: u32) -> bool {
        pages >= self.min_pages && f64::from(pages) >= self.min_share * f64::from(site_pages)
    }
}

/// The lowercased host of a URL, if it has one.
#[cfg(feature = "url")]
fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .host_str()
        .map(str::to_ascii_lowercase)
}

/// The lowercased host of a URL, if it has one (without the `url` crate).
#[cfg(not(feature = "url"))]
fn host_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if host.starts_with('[') {
        host.split_inclusive(']').next()?
    } else {
        host.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_lowercase())
}

/// Counts, per site, the pages each paragraph occurs on (the first pass).
///
/// ```
/// use chaff::boilerplate::templates::{TemplateConfig, TemplateCounter};
/// let mut counter = TemplateCounter::new(TemplateConfig::default());
/// for i in 0..6 {
///     counter.add_page("city.gov.cn", [0xF00D, 1000 + i]); // footer + own text
/// }
/// let templates = counter.finish();
/// assert_eq!(templates.lookup("city.gov.cn", 0xF00D), Some((6, 6)));
/// assert_eq!(templates.lookup("city.gov.cn", 1000), None);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TemplateCounter {
    config: TemplateConfig,
    sites: HashMap<String, SiteCounts>,
}

#[derive(Debug, Clone, Default)]
struct SiteCounts {
    pages: u32,
    paragraphs: HashMap<u64, u32>,
}

impl TemplateCounter {
    /// A counter that has seen nothing.
    pub fn new(config: TemplateConfig) -> Self {
        TemplateCounter {
            config,
            sites: HashMap::new(),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &TemplateConfig {
        &self.config
    }

    /// Counts one page of `site` given the key hashes of its paragraphs
    /// (a paragraph repeated within the page counts once).
    pub fn add_page(&mut self, site: &str, key_hashes: impl IntoIterator<Item = u64>) {
        let counts = match self.sites.get_mut(site) {
            Some(counts) => counts,
            None => self.sites.entry(site.to_owned()).or_default(),
        };
        counts.pages = counts.pages.saturating_add(1);
        let distinct: HashSet<u64> = key_hashes.into_iter().collect();
        for hash in distinct {
            let pages = counts.paragraphs.entry(hash).or_default();
            *pages = pages.saturating_add(1);
        }
    }

    /// The templates: paragraphs over both thresholds.
    pub fn finish(self) -> SiteTemplates {
        let mut sites = HashMap::new();
        for (site, counts) in self.sites {
            let templates: HashMap<u64, u32> = counts
                .paragraphs
                .into_iter()
                .filter(|(_, pages)| self.config.is_template(*pages, counts.pages))
                .collect();
            if !templates.is_empty() {
                sites.insert(
                    site,
                    SiteEntry {
                        pages: counts.pages,
                        templates,
                    },
                );
            }
        }
        SiteTemplates {
            config: self.config,
            sites,
        }
    }
}

/// The learned templates of every site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteTemplates {
    config: TemplateConfig,
    sites: HashMap<String, SiteEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SiteEntry {
    pages: u32,
    templates: HashMap<u64, u32>,
}

const FORMAT: &str = "chaff-site-templates";
const VERSION: u32 = 1;

impl SiteTemplates {
    /// The configuration the templates were learned with.
    pub fn config(&self) -> &TemplateConfig {
        &self.config
    }

    /// Whether a paragraph (by key hash) is template on `site`: the pages
    /// it occurs on and the site's pages.
    pub fn lookup(&self, site: &str, key_hash: u64) -> Option<(u32, u32)> {
        let entry = self.sites.get(site)?;
        entry
            .templates
            .get(&key_hash)
            .map(|pages| (*pages, entry.pages))
    }

    /// Template paragraphs over all sites.
    pub fn len(&self) -> usize {
        self.sites.values().map(|s| s.templates.len()).sum()
    }

    /// Whether no template was learned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the templates to `out` as JSON; `path` names the
    /// destination in errors.
    ///
    /// ```
    /// use chaff::boilerplate::templates::{SiteTemplates, TemplateConfig, TemplateCounter};
    /// let mut counter = TemplateCounter::new(TemplateConfig::default());
    /// (0..6).for_each(|i| counter.add_page("city.gov.cn", [0xF00D, i]));
    /// let templates = counter.finish();
    /// let mut json = Vec::new();
    /// templates.save_to(&mut json, "t.json".as_ref())?;
    /// assert_eq!(SiteTemplates::load_from(&json[..], "t.json".as_ref())?, templates);
    /// # Ok::<(), chaff::Error>(())
    /// ```
    pub fn save_to(&self, mut out: impl Write, path: &Path) -> Result<(), Error> {
        // Sorted, so that the same templates give the same file.
        let mut sites: Vec<(&String, &SiteEntry)> = self.sites.iter().collect();
        sites.sort_by(|a, b| a.0.cmp(b.0));
        let sorted: Vec<serde_json::Value> = sites
            .into_iter()
            .map(|(site, entry)| {
                let mut templates: Vec<(&u64, &u32)> = entry.templates.iter().collect();
                templates.sort();
                serde_json::json!({"site": site, "pages": entry.pages, "templates": templates})
            })
            .collect();
        let json = serde_json::json!({
            "format": FORMAT,
            "version": VERSION,
            "config": self.config,
            "sites": sorted,
        });
        serde_json::to_writer(&mut out, &json).map_err(|e| Error::output(path, e.into()))?;
        out.flush().map_err(|e| Error::output(path, e))
    }

    /// Reads templates written by [`SiteTemplates::save_to`] from `input`;
    /// `path` names the source in errors.
    pub fn load_from(mut input: impl Read, path: &Path) -> Result<SiteTemplates, Error> {
        #[derive(Deserialize)]
        struct Site {
            site: String,
            pages: u32,
            templates: Vec<(u64, u32)>,
        }
        #[derive(Deserialize)]
        struct File {
            format: String,
            version: u32,
            config: TemplateConfig,
            sites: Vec<Site>,
        }
        let bad = |message: String| Error::Templates {
            path: path.to_path_buf(),
            byte_offset: 0,
            message,
        };
        let mut text = Vec::new();
        input
            .read_to_end(&mut text)
            .map_err(|e| Error::io(path, e))?;
        let file: File = serde_json::from_slice(&text)
            .map_err(|e| bad(format!("not a site-template file: {e}")))?;
        if file.format != FORMAT || file.version != VERSION {
            return Err(bad(format!(
                "format {} version {}; this build reads {FORMAT} version {VERSION}",
                file.format, file.version
            )));
        }
        Ok(SiteTemplates {
            config: file.config,
            sites: file
                .sites
                .into_iter()
                .map(|s| {
                    (
                        s.site,
                        SiteEntry {
                            pages: s.pages,
                            templates: s.templates.into_iter().collect(),
                        },
                    )
                })
                .collect(),
        })
    }
}
