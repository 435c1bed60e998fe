//! The whole recipe: one section per stage, each checked by its own
//! `validate`. A neutral module: it imports the stages' configuration
//! types, and the pipeline, the report's run record and callers import it.

use serde::{Deserialize, Serialize};

use crate::boilerplate::BoilerplateConfig;
use crate::boilerplate::templates::TemplateConfig;
use crate::dedup::DedupConfig;
use crate::error::Error;
use crate::fingerprint::FingerprintConfig;
use crate::split::SplitConfig;

/// The configuration format this build reads and writes.
pub const CONFIG_VERSION: u32 = 1;

/// The whole recipe: one section per stage. Serializes to JSON, so a
/// cleaned corpus can say how it was cleaned.
///
/// ```
/// let config: chaff::Config = serde_json::from_str(r#"{"dedup": {"max_hamming": 5}}"#)?;
/// assert_eq!(config.dedup.max_hamming, 5);
/// assert!(config.split.repair_breaks); // everything else keeps its default
/// assert_eq!(config.version, chaff::config::CONFIG_VERSION);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The configuration format ([`CONFIG_VERSION`]; a file without it is
    /// taken to be of this version).
    pub version: u32,
    /// Splitting and break repair.
    pub split: SplitConfig,
    /// Boilerplate layers.
    pub boilerplate: BoilerplateConfig,
    /// Shingles and feature hash.
    pub fingerprint: FingerprintConfig,
    /// Exact and near repeats.
    pub dedup: DedupConfig,
    /// Learning site templates (used by
    /// [`learn_site_templates`](crate::pipeline::learn_site_templates)).
    pub templates: TemplateConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            version: CONFIG_VERSION,
            split: SplitConfig::default(),
            boilerplate: BoilerplateConfig::default(),
            fingerprint: FingerprintConfig::default(),
            dedup: DedupConfig::default(),
            templates: TemplateConfig::default(),
        }
    }
}

impl Config {
    /// Checks the version and then each stage's values, in pipeline order;
    /// the first problem is an [`Error::Config`].
    ///
    /// ```
    /// let mut config = chaff::Config::default();
    /// config.dedup.min_similarity = 1.5;
    /// assert_eq!(config.validate().unwrap_err().to_string(), "invalid configuration: min_similarity 1.5 is not between 0 and 1");
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if self.version != CONFIG_VERSION {
            return Err(Error::Config(format!(
                "configuration version {}; this build reads version {CONFIG_VERSION}",
                self.version
            )));
        }
        self.split.validate()?;
        self.boilerplate.validate()?;
        self.fingerprint.validate()?;
        self.dedup.validate()?;
        self.templates.validate()
    }
}
