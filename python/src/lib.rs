//! `chaff._chaff`: the native half of the `chaff` Python package.
//!
//! The Python package (`python/chaff/`) is the public API; this module is
//! what it calls: a [`chaff::Cleaner`] behind a lock, cleaned results as
//! lazy objects, errors as exceptions with their path, line and byte
//! offset, and the distributed stages of [`chaff::distributed`] over Arrow
//! record batches (through arrow-rs's pyarrow bridge, the Arrow C data
//! interface). The GIL is released while Rust works; rayon runs inside.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Float64Builder, Int8Builder, Int32Builder, Int64Builder,
    StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use chaff::boilerplate::templates::SiteTemplates;
use chaff::distributed::{
    self as stages, CandidateRow, Decided, Edge, NearCandidates, ParagraphRow, Position,
    ResolveRow, Resolver, StagedFile, TemplateRow,
};
use chaff::io::{AtomicFile, RecordShape, Utf8Policy};
use chaff::report::{CleanDocument, Summary};
use chaff::{Config, Document, Error};

create_exception!(
    chaff,
    ChaffError,
    PyException,
    "An error of chaff: `path`, `line` and `byte_offset` say where (None when not known)."
);
create_exception!(
    chaff,
    ConfigError,
    ChaffError,
    "A configuration value is out of range, or the configuration does not parse."
);
create_exception!(
    chaff,
    RecordError,
    ChaffError,
    "A malformed input record: bad JSON, a WARC record that does not frame, invalid UTF-8, a record without text."
);
create_exception!(
    chaff,
    StateError,
    ChaffError,
    "A saved dedup state, site-templates file or staging file that cannot be used."
);
create_exception!(
    chaff,
    StageError,
    ChaffError,
    "A distributed stage got rows it cannot have been meant to get (out of order, naming a paragraph that is not there)."
);

/// The Python exception for a chaff error, with `path`, `line` and
/// `byte_offset` attributes.
fn py_error(error: Error) -> PyErr {
    let (path, line, offset): (Option<String>, Option<u64>, Option<u64>) = match &error {
        Error::InvalidUtf8 {
            source_name,
            line,
            byte_offset,
            ..
        } => (
            Some(source_name.display().to_string()),
            Some(*line as u64),
            Some(*byte_offset as u64),
        ),
        Error::BadRecord {
            source_name,
            line,
            byte_offset,
            ..
        } => (
            Some(source_name.display().to_string()),
            Some(*line as u64),
            Some(*byte_offset as u64),
        ),
        Error::Io { path, .. } | Error::Output { path, .. } => {
            (Some(path.display().to_string()), None, None)
        }
        Error::State {
            path, byte_offset, ..
        }
        | Error::Templates {
            path, byte_offset, ..
        } => (Some(path.display().to_string()), None, Some(*byte_offset)),
        Error::Staging {
            path,
            line,
            byte_offset,
            ..
        } => (
            Some(path.display().to_string()),
            Some(*line as u64),
            Some(*byte_offset as u64),
        ),
        _ => (None, None, None),
    };
    let message = error.to_string();
    if let Error::Io { source, .. } = &error
        && source.kind() == std::io::ErrorKind::NotFound
        && let Some(err) = not_found_error(&message, path.as_deref(), source.raw_os_error())
    {
        return err;
    }
    let err = match error {
        Error::Config(_) => ConfigError::new_err(message),
        Error::InvalidUtf8 { .. } | Error::BadRecord { .. } => RecordError::new_err(message),
        Error::State { .. } | Error::Templates { .. } | Error::Staging { .. } => {
            StateError::new_err(message)
        }
        Error::Distributed(_) => StageError::new_err(message),
        _ => ChaffError::new_err(message),
    };
    Python::attach(|py| {
        let value = err.value(py);
        let _ = value.setattr("path", path);
        let _ = value.setattr("line", line);
        let _ = value.setattr("byte_offset", offset);
    });
    err
}

/// `chaff.NotFoundError` (a `ChaffError` and a `FileNotFoundError`) for a
/// file that is not there, with `path` and OSError's `filename` and
/// `errno`; None if the class cannot be had.
fn not_found_error(message: &str, path: Option<&str>, errno: Option<i32>) -> Option<PyErr> {
    Python::attach(|py| -> PyResult<PyErr> {
        let class = py.import("chaff._chaff")?.getattr("NotFoundError")?;
        let value = class.call1((message,))?;
        value.setattr("path", path)?;
        value.setattr("line", py.None())?;
        value.setattr("byte_offset", py.None())?;
        value.setattr("filename", path)?;
        value.setattr("errno", errno)?;
        Ok(PyErr::from_value(value))
    })
    .ok()
}

fn arrow_error(error: ArrowError) -> PyErr {
    StageError::new_err(format!("Arrow: {error}"))
}

fn stage_error(message: String) -> PyErr {
    StageError::new_err(message)
}

/// Parses, validates and re-serializes a configuration given as JSON: the
/// whole configuration, every default filled in.
#[pyfunction]
fn config_normalize(json: &str) -> PyResult<String> {
    let config: Config = serde_json::from_str(json)
        .map_err(|e| py_error(Error::Config(format!("configuration JSON: {e}"))))?;
    config.validate().map_err(py_error)?;
    serde_json::to_string(&config).map_err(|e| ConfigError::new_err(e.to_string()))
}

fn parse_config(json: &str) -> PyResult<Config> {
    let config: Config = serde_json::from_str(json)
        .map_err(|e| py_error(Error::Config(format!("configuration JSON: {e}"))))?;
    config.validate().map_err(py_error)?;
    Ok(config)
}

/// A `{"id", "text" or "html", "url"?}` mapping as a document (`html`
/// makes an HTML document, as in the chaff command's JSONL); `line`
/// (0-based, within this call) names it in errors as line `line + 1` of
/// `<records>`, and `number` (0-based, over the cleaner's life) makes its
/// id `<records>:{number + 1}` when it has none.
fn document_of(record: &Bound<'_, PyAny>, line: usize, number: usize) -> PyResult<Document> {
    let bad = |message: String| {
        py_error(Error::BadRecord {
            source_name: PathBuf::from("<records>"),
            line: line + 1,
            byte_offset: 0,
            message,
        })
    };
    let get = |name: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
        match record.get_item(name) {
            Ok(value) if value.is_none() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(record.py()) => Ok(None),
            Err(e) if e.is_instance_of::<PyTypeError>(record.py()) => Err(bad(format!(
                "a record is a mapping with \"id\", \"text\" and \"url\", not {}",
                record
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))),
            Err(e) => Err(e),
        }
    };
    let string = |name: &str, value: Bound<'_, PyAny>| -> PyResult<String> {
        Ok(value
            .cast::<PyString>()
            .map_err(|_| bad(format!("{name:?} must be a string")))?
            .to_cow()
            .map_err(|e| bad(format!("{name:?} is not valid Unicode: {e}")))?
            .into_owned())
    };
    // As the chaff command's JSONL reader: "html" wins, and "text" then
    // is one of the record's other fields.
    let (text, html) = match get("html")? {
        Some(html) => (string("html", html)?, true),
        None => match get("text")? {
            Some(text) => (string("text", text)?, false),
            None => return Err(bad("a record needs \"text\" or \"html\"".into())),
        },
    };
    let id_value = get("id")?;
    let has_id = id_value.is_some() || record.contains("id").unwrap_or(false);
    let has_url = record.contains("url").unwrap_or(false);
    let id = match id_value {
        None => format!("<records>:{}", number + 1),
        Some(id) => {
            if let Ok(id) = id.cast::<PyString>() {
                id.to_cow()
                    .map_err(|e| bad(format!("\"id\" is not valid Unicode: {e}")))?
                    .into_owned()
            } else if id.is_instance_of::<pyo3::types::PyInt>() {
                id.str()?.to_string()
            } else {
                return Err(bad("\"id\" must be a string or an integer".into()));
            }
        }
    };
    let url = match get("url")? {
        None => None,
        Some(url) => Some(
            url.cast::<PyString>()
                .map_err(|_| bad("\"url\" must be a string or None".into()))?
                .to_cow()
                .map_err(|e| bad(format!("\"url\" is not valid Unicode: {e}")))?
                .into_owned(),
        ),
    };
    // The record's other fields are carried through to the output, as the
    // chaff command carries a JSONL record's.
    let mut extra = serde_json::Map::new();
    let own = 1 + usize::from(has_id) + usize::from(url.is_some() || has_url);
    let taken: &[&str] = if html {
        &["id", "html", "url"]
    } else {
        &["id", "text", "url"]
    };
    if let Ok(mapping) = record.cast::<pyo3::types::PyMapping>()
        && mapping.len()? > own
    {
        for item in mapping.items()?.iter() {
            let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            let Ok(key) = key.cast::<PyString>() else {
                return Err(bad("field names must be strings".into()));
            };
            let key = key
                .to_cow()
                .map_err(|e| bad(format!("a field name is not valid Unicode: {e}")))?
                .into_owned();
            if taken.contains(&key.as_str()) {
                continue;
            }
            extra.insert(
                key.clone(),
                json_value(&value, 0)
                    .map_err(|message| bad(format!("field {key:?}: {message}")))?,
            );
        }
    }
    let mut document = if html {
        Document::html(id, text)
    } else {
        Document::new(id, text)
    };
    document.url = url;
    document.extra = extra;
    Ok(document)
}

/// How deep lists and mappings may nest in a record's field: serde_json's
/// own limit when it reads JSONL, so what the chaff command reads, Python
/// may give (and a cycle is an error, not a stack overflow).
const MAX_DEPTH: usize = 128;

/// A Python value as JSON: None, bool, int, float, str, lists and tuples,
/// mappings with string keys, nested at most [`MAX_DEPTH`] deep (`depth`:
/// how deep `value` is).
fn json_value(value: &Bound<'_, PyAny>, depth: usize) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    if depth >= MAX_DEPTH {
        return Err(format!(
            "lists and mappings nested more than {MAX_DEPTH} deep (or a cycle)"
        ));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<pyo3::types::PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<pyo3::types::PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err("an integer beyond 64 bits".into());
    }
    if let Ok(f) = value.cast::<pyo3::types::PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| "NaN or infinity is not JSON".into());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|e| e.to_string());
    }
    if let Ok(list) = value.cast::<PyList>() {
        return list
            .iter()
            .map(|v| json_value(&v, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if let Ok(tuple) = value.cast::<pyo3::types::PyTuple>() {
        return tuple
            .iter()
            .map(|v| json_value(&v, depth + 1))
            .collect::<Result<_, _>>()
            .map(Value::Array);
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, v) in dict.iter() {
            let k = k
                .cast::<PyString>()
                .map_err(|_| "mapping keys must be strings".to_string())?;
            map.insert(
                k.to_cow().map_err(|e| e.to_string())?.into_owned(),
                json_value(&v, depth + 1)?,
            );
        }
        return Ok(Value::Object(map));
    }
    Err(format!(
        "a {} is not JSON",
        value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default()
    ))
}

/// A JSON value as Python objects.
fn to_python<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

fn json_of<T: serde::Serialize>(value: &T) -> PyResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| ChaffError::new_err(e.to_string()))
}

/// One cleaned document; its views are built when asked for.
#[pyclass(frozen, module = "chaff._chaff", name = "CleanResult")]
struct PyCleanResult {
    document: CleanDocument,
}

#[pymethods]
impl PyCleanResult {
    /// The document's id.
    #[getter]
    fn id(&self) -> &str {
        &self.document.id
    }

    /// The document's URL, or None.
    #[getter]
    fn url(&self) -> Option<&str> {
        self.document.url.as_deref()
    }

    /// The kept paragraphs joined by newlines.
    #[getter]
    fn text(&self) -> String {
        self.document.clean_text()
    }

    /// The kept paragraphs, in order.
    #[getter]
    fn paragraphs(&self) -> Vec<&str> {
        self.document.kept().collect()
    }

    /// Bytes of input text.
    #[getter]
    fn bytes_in(&self) -> usize {
        self.document.bytes_in
    }

    /// Every paragraph and its decision, in input order: dicts with
    /// `index`, `line`, `byte_offset`, `text`, `kept`, `reason` and the
    /// reason's fields (`rule`; `duplicate_of` {`id`, `paragraph`},
    /// `hamming`, `similarity`; `pages`, `site_pages`).
    #[getter]
    fn decisions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for (index, p) in self.document.paragraphs.iter().enumerate() {
            let dict = to_python(py, &json_of(p)?)?.cast_into::<PyDict>()?;
            dict.set_item("index", index)?;
            dict.set_item("kept", p.verdict.is_output(&p.text))?;
            list.append(dict)?;
        }
        Ok(list)
    }

    /// The report entries (dropped and trimmed paragraphs) as dicts, the
    /// fields of the report JSONL.
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for entry in self.document.report_entries() {
            list.append(to_python(py, &json_of(&entry)?)?)?;
        }
        Ok(list)
    }

    /// The clean JSONL line of this document (with its newline), as the
    /// chaff command writes it (`paragraphs`: its `--paragraphs`).
    #[pyo3(signature = (paragraphs=false))]
    fn to_json(&self, paragraphs: bool) -> PyResult<String> {
        let mut out = Vec::new();
        let shape = RecordShape {
            paragraphs,
            drop_empty: false,
        };
        chaff::io::write_clean_record(&mut out, &self.document, shape)
            .map_err(|e| ChaffError::new_err(e.to_string()))?;
        String::from_utf8(out).map_err(|e| ChaffError::new_err(e.to_string()))
    }

    /// The report JSONL lines of this document (each with its newline).
    fn report_json(&self) -> PyResult<String> {
        let mut out = Vec::new();
        chaff::io::write_report_entries(&mut out, &self.document)
            .map_err(|e| ChaffError::new_err(e.to_string()))?;
        String::from_utf8(out).map_err(|e| ChaffError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "CleanResult(id={:?}, kept={}, paragraphs={})",
            &*self.document.id,
            self.document.kept().count(),
            self.document.paragraphs.len()
        )
    }
}

/// Learned site templates.
#[pyclass(frozen, module = "chaff._chaff", name = "SiteTemplates")]
struct PySiteTemplates {
    templates: Arc<SiteTemplates>,
}

#[pymethods]
impl PySiteTemplates {
    /// Template paragraphs over all sites.
    fn __len__(&self) -> usize {
        self.templates.len()
    }

    /// Saves as JSON (written under PATH.partial, renamed when complete).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let templates = Arc::clone(&self.templates);
        py.detach(move || chaff::pipeline::save_site_templates(&templates, &path))
            .map_err(py_error)
    }

    /// Loads templates saved by `save` (or by the chaff command's
    /// `--save-templates`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let templates = py
            .detach(move || chaff::pipeline::load_site_templates(&path))
            .map_err(py_error)?;
        Ok(PySiteTemplates {
            templates: Arc::new(templates),
        })
    }

    fn __repr__(&self) -> String {
        format!("SiteTemplates(paragraphs={})", self.templates.len())
    }
}

/// A `chaff::Cleaner`: remembers what it kept across calls, and how many
/// records it took in (their default ids), counted in the same call that
/// changes its state.
#[pyclass(module = "chaff._chaff", name = "Cleaner")]
struct PyCleaner {
    config: Config,
    cleaner: chaff::Cleaner,
    templates: Option<Arc<SiteTemplates>>,
    records: usize,
}

/// The documents of some records: `first_line` numbers them in errors,
/// `first_number` in default ids (see [`document_of`]).
fn documents_of(
    records: &Bound<'_, PyAny>,
    first_line: usize,
    first_number: usize,
) -> PyResult<Vec<Document>> {
    let mut documents = Vec::new();
    for (i, record) in records.try_iter()?.enumerate() {
        documents.push(document_of(&record?, first_line + i, first_number + i)?);
    }
    Ok(documents)
}

#[pymethods]
impl PyCleaner {
    #[new]
    fn new(config_json: &str) -> PyResult<Self> {
        let config = parse_config(config_json)?;
        Ok(PyCleaner {
            cleaner: chaff::Cleaner::new(config.clone()).map_err(py_error)?,
            config,
            templates: None,
            records: 0,
        })
    }

    /// How many records this cleaner has taken in.
    #[getter]
    fn records(&self) -> usize {
        self.records
    }

    /// Cleans a list of records (`first_line` numbers them in errors):
    /// the per-document stages in parallel, dedup in order, the GIL
    /// released throughout. All of them or none change the state.
    fn clean_batch(
        &mut self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        first_line: usize,
    ) -> PyResult<Vec<PyCleanResult>> {
        let documents = documents_of(records, first_line, self.records)?;
        self.records += documents.len();
        let cleaner = &mut self.cleaner;
        let clean = py.detach(move || cleaner.clean_batch(documents));
        Ok(clean
            .into_iter()
            .map(|document| PyCleanResult { document })
            .collect())
    }

    /// Cleans a list of records and returns only the number of kept
    /// paragraphs: the Rust side of the binding's overhead measurement.
    fn clean_batch_count(
        &mut self,
        py: Python<'_>,
        records: &Bound<'_, PyAny>,
        first_line: usize,
    ) -> PyResult<usize> {
        let documents = documents_of(records, first_line, self.records)?;
        self.records += documents.len();
        let cleaner = &mut self.cleaner;
        Ok(py.detach(move || {
            cleaner
                .clean_batch(documents)
                .iter()
                .map(|d| d.kept().count())
                .sum()
        }))
    }

    /// Learns site templates from records (the first pass), without
    /// cleaning them.
    #[staticmethod]
    fn learn_site_templates(
        py: Python<'_>,
        config_json: &str,
        records: &Bound<'_, PyAny>,
    ) -> PyResult<PySiteTemplates> {
        let config = parse_config(config_json)?;
        // The thresholds are over the whole corpus: every page is counted
        // before any template is known.
        let documents = documents_of(records, 0, 0)?;
        let templates = py
            .detach(|| {
                chaff::pipeline::learn_site_templates(
                    documents.into_iter().map(Ok),
                    &config,
                    chaff::pipeline::DEFAULT_BATCH,
                )
            })
            .map_err(py_error)?;
        Ok(PySiteTemplates {
            templates: Arc::new(templates),
        })
    }

    /// Drops the paragraphs of `templates` from the pages of their sites
    /// from now on.
    fn set_site_templates(&mut self, templates: &PySiteTemplates) {
        self.templates = Some(Arc::clone(&templates.templates));
        self.cleaner
            .set_site_templates(Arc::clone(&templates.templates));
    }

    /// Saves what this cleaner has seen (the dedup state).
    fn save_state(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let cleaner = &self.cleaner;
        py.detach(move || cleaner.save_state(&path))
            .map_err(py_error)
    }

    /// Replaces what this cleaner remembers by a saved state; its summary
    /// starts again from zero; site templates stay.
    fn load_state(&mut self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let config = self.config.clone();
        let mut cleaner = py
            .detach(move || chaff::Cleaner::with_state(config, &path))
            .map_err(py_error)?;
        if let Some(templates) = &self.templates {
            cleaner.set_site_templates(Arc::clone(templates));
        }
        self.cleaner = cleaner;
        Ok(())
    }

    /// The counts so far, as JSON.
    fn summary_json(&self) -> PyResult<String> {
        serde_json::to_string(self.cleaner.summary())
            .map_err(|e| ChaffError::new_err(e.to_string()))
    }

    /// The run record so far, as JSON.
    fn run_record_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.cleaner.run_record())
            .map_err(|e| ChaffError::new_err(e.to_string()))
    }
}

/// Reads the documents of input files as the chaff command does (JSONL,
/// WARC/WET, `.txt`, directories; `.gz`/`.zst`), for tests and tools.
#[pyfunction]
#[pyo3(signature = (paths, lossy=false))]
fn read_documents(py: Python<'_>, paths: Vec<PathBuf>, lossy: bool) -> PyResult<Vec<Py<PyDict>>> {
    let policy = if lossy {
        Utf8Policy::Lossy
    } else {
        Utf8Policy::Strict
    };
    let documents: Vec<Document> = py
        .detach(|| chaff::io::documents(&paths, policy).collect::<Result<_, _>>())
        .map_err(py_error)?;
    documents
        .into_iter()
        .map(|d| {
            let dict = PyDict::new(py);
            dict.set_item("id", d.id)?;
            match d.kind {
                chaff::document::Kind::Html => dict.set_item("html", d.text)?,
                chaff::document::Kind::Text => dict.set_item("text", d.text)?,
            }
            if let Some(url) = d.url {
                dict.set_item("url", url)?;
            }
            for (key, value) in &d.extra {
                dict.set_item(key, to_python(py, value)?)?;
            }
            Ok(dict.unbind())
        })
        .collect()
}

// ---------------------------------------------------------------------
// The distributed stages over Arrow record batches.
// ---------------------------------------------------------------------

fn column<'a>(batch: &'a RecordBatch, name: &str) -> PyResult<&'a ArrayRef> {
    batch
        .column_by_name(name)
        .ok_or_else(|| stage_error(format!("the batch has no column {name:?}")))
}

fn no_nulls(array: &dyn Array, name: &str) -> PyResult<()> {
    if array.null_count() > 0 {
        return Err(stage_error(format!("column {name:?} has nulls")));
    }
    Ok(())
}

/// An integer column of any width, as i64 (u64 values bit-cast).
fn ints(batch: &RecordBatch, name: &str) -> PyResult<Vec<i64>> {
    let array = column(batch, name)?;
    no_nulls(array.as_ref(), name)?;
    Ok(match array.data_type() {
        DataType::Int8 => array
            .as_primitive::<Int8Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::Int16 => array
            .as_primitive::<Int16Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::Int32 => array
            .as_primitive::<Int32Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::Int64 => array.as_primitive::<Int64Type>().values().to_vec(),
        DataType::UInt8 => array
            .as_primitive::<UInt8Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::UInt16 => array
            .as_primitive::<UInt16Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::UInt32 => array
            .as_primitive::<UInt32Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::UInt64 => array
            .as_primitive::<UInt64Type>()
            .values()
            .iter()
            .map(|v| *v as i64)
            .collect(),
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .map(|v| v.unwrap_or(false) as i64)
            .collect(),
        other => {
            return Err(stage_error(format!(
                "column {name:?} is {other}, not an integer"
            )));
        }
    })
}

fn u32s(batch: &RecordBatch, name: &str) -> PyResult<Vec<u32>> {
    ints(batch, name)?
        .into_iter()
        .map(|v| {
            u32::try_from(v).map_err(|_| stage_error(format!("column {name:?}: {v} is not a u32")))
        })
        .collect()
}

fn u64s(batch: &RecordBatch, name: &str) -> PyResult<Vec<u64>> {
    Ok(ints(batch, name)?.into_iter().map(|v| v as u64).collect())
}

fn floats(batch: &RecordBatch, name: &str) -> PyResult<Vec<f64>> {
    let array = column(batch, name)?;
    no_nulls(array.as_ref(), name)?;
    match array.data_type() {
        DataType::Float64 => Ok(array.as_primitive::<Float64Type>().values().to_vec()),
        other => Err(stage_error(format!(
            "column {name:?} is {other}, not float64"
        ))),
    }
}

fn binaries<'a>(batch: &'a RecordBatch, name: &str) -> PyResult<Vec<&'a [u8]>> {
    let array = column(batch, name)?;
    no_nulls(array.as_ref(), name)?;
    Ok(match array.data_type() {
        DataType::Binary => array
            .as_binary::<i32>()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect(),
        DataType::LargeBinary => array
            .as_binary::<i64>()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect(),
        DataType::BinaryView => array
            .as_binary_view()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect(),
        other => {
            return Err(stage_error(format!(
                "column {name:?} is {other}, not binary"
            )));
        }
    })
}

fn strings<'a>(batch: &'a RecordBatch, name: &str) -> PyResult<Vec<&'a str>> {
    let array = column(batch, name)?;
    no_nulls(array.as_ref(), name)?;
    Ok(match array.data_type() {
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect(),
        DataType::LargeUtf8 => array
            .as_string::<i64>()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect(),
        DataType::Utf8View => array
            .as_string_view()
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect(),
        other => {
            return Err(stage_error(format!(
                "column {name:?} is {other}, not a string"
            )));
        }
    })
}

/// A paragraph row on the wire: its JSON (`chaff::distributed::ParagraphRow`).
fn probe_bytes(row: &ParagraphRow) -> PyResult<Vec<u8>> {
    serde_json::to_vec(row).map_err(|e| stage_error(format!("a paragraph row: {e}")))
}

fn probe_of(bytes: &[u8]) -> PyResult<ParagraphRow> {
    serde_json::from_slice(bytes)
        .map_err(|e| stage_error(format!("a paragraph row is not one this build wrote: {e}")))
}

fn batch(columns: Vec<(&str, ArrayRef)>) -> PyResult<RecordBatch> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, array)| Field::new(*name, array.data_type().clone(), false))
        .collect();
    RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(arrow_error)
}

fn i64_array(values: impl IntoIterator<Item = i64>) -> ArrayRef {
    let mut b = Int64Builder::new();
    b.extend(values.into_iter().map(Some));
    Arc::new(b.finish())
}

fn i32_array(values: impl IntoIterator<Item = i32>) -> ArrayRef {
    let mut b = Int32Builder::new();
    b.extend(values.into_iter().map(Some));
    Arc::new(b.finish())
}

fn u32_as_i32(v: u32) -> i32 {
    v as i32
}

fn from_py(batch: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    RecordBatch::from_pyarrow_bound(batch)
}

fn to_py<'py>(py: Python<'py>, batch: &RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    batch.to_pyarrow(py)
}

/// Stage 1, map: reads one input file, runs the per-document stages,
/// writes its text to `staging` (atomically) and returns the rows that
/// cross the wire as one batch with a `kind` column: 0 a document (`file`,
/// `record`, `site`, `id`), 1 a page key (`site`, `key`), 2 a paragraph
/// that dedup decides (`file`, `record`, `paragraph`, `site`, `key` = the
/// hash of its comparison key (what templates name), `exact` = its
/// folded-key hash (its node), `simhash`, `shingles`, `near` = whether it
/// looks for near repeats, `probe` = the whole row as JSON).
#[pyfunction]
#[pyo3(signature = (config_json, file, path, staging, lossy=false, skip_bad_records=false))]
fn map_file<'py>(
    py: Python<'py>,
    config_json: &str,
    file: u32,
    path: PathBuf,
    staging: PathBuf,
    lossy: bool,
    skip_bad_records: bool,
) -> PyResult<(Bound<'py, PyAny>, u64)> {
    let config = parse_config(config_json)?;
    stages::check_config(&config).map_err(py_error)?;
    let policy = if lossy {
        Utf8Policy::Lossy
    } else {
        Utf8Policy::Strict
    };
    let (rows, skipped) = py.detach(|| -> Result<(RecordBatch, u64), PyErr> {
        let mut skipped = 0u64;
        let stream = chaff::io::documents(std::slice::from_ref(&path), policy);
        let documents: Vec<Document> = if skip_bad_records {
            chaff::io::skip_bad_records(stream, |_| skipped += 1).collect::<Result<_, _>>()
        } else {
            stream.collect::<Result<_, _>>()
        }
        .map_err(py_error)?;
        let mapped = stages::map_file(file, documents, &config).map_err(py_error)?;
        let mut out = AtomicFile::create(&staging).map_err(py_error)?;
        {
            let mut writer = std::io::BufWriter::new(&mut out);
            mapped
                .staged
                .save_to(&mut writer, &staging)
                .map_err(py_error)?;
        }
        out.commit().map_err(py_error)?;
        let n = mapped.documents.len() + mapped.page_keys.len() + mapped.paragraphs.len();
        let mut kind = Int8Builder::with_capacity(n);
        let mut files = Int32Builder::with_capacity(n);
        let mut record = Int32Builder::with_capacity(n);
        let mut paragraph = Int32Builder::with_capacity(n);
        let mut site = Int64Builder::with_capacity(n);
        let mut key = Int64Builder::with_capacity(n);
        let mut exact = Int64Builder::with_capacity(n);
        let mut simhash = Int64Builder::with_capacity(n);
        let mut shingles = Int32Builder::with_capacity(n);
        let mut near = BooleanBuilder::with_capacity(n);
        let mut probe = BinaryBuilder::new();
        let mut id = StringBuilder::new();
        for d in &mapped.documents {
            kind.append_value(0);
            files.append_value(d.file as i32);
            record.append_value(d.record as i32);
            paragraph.append_value(0);
            site.append_value(d.site as i64);
            key.append_value(0);
            exact.append_value(0);
            simhash.append_value(0);
            shingles.append_value(0);
            near.append_value(false);
            probe.append_value([]);
            id.append_value(&d.id);
        }
        for k in &mapped.page_keys {
            kind.append_value(1);
            files.append_value(file as i32);
            record.append_value(0);
            paragraph.append_value(0);
            site.append_value(k.site as i64);
            key.append_value(k.key as i64);
            exact.append_value(0);
            simhash.append_value(0);
            shingles.append_value(0);
            near.append_value(false);
            probe.append_value([]);
            id.append_value("");
        }
        for p in &mapped.paragraphs {
            kind.append_value(2);
            files.append_value(p.at.file as i32);
            record.append_value(p.at.record as i32);
            paragraph.append_value(p.at.paragraph as i32);
            site.append_value(p.site as i64);
            key.append_value(p.key as i64);
            exact.append_value(p.fingerprint.exact as i64);
            simhash.append_value(p.fingerprint.simhash as i64);
            shingles.append_value(p.fingerprint.shingles as i32);
            near.append_value(p.searches());
            probe.append_value(probe_bytes(p)?);
            id.append_value("");
        }
        let rows = batch(vec![
            ("kind", Arc::new(kind.finish())),
            ("file", Arc::new(files.finish())),
            ("record", Arc::new(record.finish())),
            ("paragraph", Arc::new(paragraph.finish())),
            ("site", Arc::new(site.finish())),
            ("key", Arc::new(key.finish())),
            ("exact", Arc::new(exact.finish())),
            ("simhash", Arc::new(simhash.finish())),
            ("shingles", Arc::new(shingles.finish())),
            ("near", Arc::new(near.finish())),
            ("probe", Arc::new(probe.finish())),
            ("id", Arc::new(id.finish())),
        ])?;
        Ok((rows, skipped))
    })?;
    Ok((to_py(py, &rows)?, skipped))
}

/// Stage 2, templates: rows `site`, `key`, `pages`, `site_pages` → the
/// template rows among them, by the library's thresholds.
#[pyfunction]
fn template_rows<'py>(
    py: Python<'py>,
    config_json: &str,
    rows: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let config = parse_config(config_json)?;
    let rows = from_py(rows)?;
    let (site, key, pages, site_pages) = (
        u64s(&rows, "site")?,
        u64s(&rows, "key")?,
        u64s(&rows, "pages")?,
        u64s(&rows, "site_pages")?,
    );
    let kept = stages::template_rows(
        &config.templates,
        (0..site.len()).map(|i| (site[i], key[i], pages[i], site_pages[i])),
    );
    template_batch(py, &kept)
}

fn template_batch<'py>(py: Python<'py>, rows: &[TemplateRow]) -> PyResult<Bound<'py, PyAny>> {
    let out = batch(vec![
        ("site", i64_array(rows.iter().map(|r| r.site as i64))),
        ("key", i64_array(rows.iter().map(|r| r.key as i64))),
        ("pages", i64_array(rows.iter().map(|r| r.pages as i64))),
        (
            "site_pages",
            i64_array(rows.iter().map(|r| r.site_pages as i64)),
        ),
    ])?;
    to_py(py, &out)
}

/// Stage 4's input: rows with a `probe` column (paragraph rows of
/// `map_file`) → rows `bucket`, `looks_up`, `file`, `record`, `paragraph`,
/// `exact`: the buckets each paragraph owns (`lookups` false; give every
/// paragraph) or looks up (`lookups` true; one paragraph per node is
/// enough). See `chaff::distributed::owner_rows` and `lookup_rows`.
#[pyfunction]
fn candidate_rows<'py>(
    py: Python<'py>,
    rows: &Bound<'py, PyAny>,
    lookups: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let rows = from_py(rows)?;
    let probes = binaries(&rows, "probe")?
        .into_iter()
        .map(probe_of)
        .collect::<PyResult<Vec<_>>>()?;
    let out: Vec<CandidateRow> = py.detach(|| {
        probes
            .iter()
            .flat_map(|p| {
                if lookups {
                    stages::lookup_rows(p)
                } else {
                    stages::owner_rows(p)
                }
            })
            .collect()
    });
    to_py(py, &candidate_row_batch(&out)?)
}

fn candidate_row_batch(rows: &[CandidateRow]) -> PyResult<RecordBatch> {
    let mut looks_up = BooleanBuilder::new();
    looks_up.extend(rows.iter().map(|r| Some(r.looks_up)));
    batch(vec![
        ("bucket", i64_array(rows.iter().map(|r| r.bucket as i64))),
        ("looks_up", Arc::new(looks_up.finish())),
        (
            "file",
            i32_array(rows.iter().map(|r| u32_as_i32(r.at.file))),
        ),
        (
            "record",
            i32_array(rows.iter().map(|r| u32_as_i32(r.at.record))),
        ),
        (
            "paragraph",
            i32_array(rows.iter().map(|r| u32_as_i32(r.at.paragraph))),
        ),
        ("exact", i64_array(rows.iter().map(|r| r.exact as i64))),
    ])
}

/// Stage 4: fed rows `bucket`, `looks_up`, `file`, `record`, `paragraph`,
/// `exact` sorted by (bucket, looks_up, file, record, paragraph), gives
/// rows `query`, `earlier`, `band` (see
/// `chaff::distributed::NearCandidates`; take distinct rows before
/// verifying).
#[pyclass(module = "chaff._chaff", name = "NearCandidates")]
struct PyNearCandidates {
    inner: Option<NearCandidates>,
}

fn candidate_batch<'py>(
    py: Python<'py>,
    found: &[stages::Candidate],
) -> PyResult<Bound<'py, PyAny>> {
    let mut band = BooleanBuilder::new();
    band.extend(found.iter().map(|c| Some(c.band)));
    let out = batch(vec![
        ("query", i64_array(found.iter().map(|c| c.query as i64))),
        ("earlier", i64_array(found.iter().map(|c| c.earlier as i64))),
        ("band", Arc::new(band.finish())),
    ])?;
    to_py(py, &out)
}

#[pymethods]
impl PyNearCandidates {
    #[new]
    fn new(config_json: &str) -> PyResult<Self> {
        parse_config(config_json)?;
        Ok(PyNearCandidates {
            inner: Some(NearCandidates::new()),
        })
    }

    fn push<'py>(
        &mut self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = from_py(rows)?;
        let (bucket, looks_up, exact) = (
            u64s(&rows, "bucket")?,
            ints(&rows, "looks_up")?,
            u64s(&rows, "exact")?,
        );
        let (file, record, paragraph) = (
            u32s(&rows, "file")?,
            u32s(&rows, "record")?,
            u32s(&rows, "paragraph")?,
        );
        let input: Vec<CandidateRow> = (0..bucket.len())
            .map(|i| CandidateRow {
                bucket: bucket[i],
                looks_up: looks_up[i] != 0,
                at: Position {
                    file: file[i],
                    record: record[i],
                    paragraph: paragraph[i],
                },
                exact: exact[i],
            })
            .collect();
        let inner = self
            .inner
            .as_mut()
            .ok_or_else(|| stage_error("push after finish".into()))?;
        let found = py.detach(|| -> Result<_, Error> {
            inner.push(&input)?;
            Ok(inner.take())
        });
        candidate_batch(py, &found.map_err(py_error)?)
    }

    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self
            .inner
            .take()
            .ok_or_else(|| stage_error("finish twice".into()))?;
        let found = py.detach(|| inner.finish());
        candidate_batch(py, &found)
    }
}

/// Stage 5: rows `query`, `earlier`, `band`, `query_probe`,
/// `earlier_probe` → rows `query`, `earlier`, `distance`, `similarity`,
/// `band` for the pairs the library's test accepts.
#[pyfunction]
fn verify<'py>(
    py: Python<'py>,
    config_json: &str,
    rows: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let config = parse_config(config_json)?;
    let rows = from_py(rows)?;
    let (query, earlier, band) = (
        u64s(&rows, "query")?,
        u64s(&rows, "earlier")?,
        ints(&rows, "band")?,
    );
    let (q, e) = (
        binaries(&rows, "query_probe")?,
        binaries(&rows, "earlier_probe")?,
    );
    let mut pairs = Vec::with_capacity(query.len());
    for i in 0..query.len() {
        pairs.push((
            stages::Candidate {
                query: query[i],
                earlier: earlier[i],
                band: band[i] != 0,
            },
            probe_of(q[i])?,
            probe_of(e[i])?,
        ));
    }
    let edges: Vec<Edge> = py.detach(|| {
        pairs
            .iter()
            .filter_map(|(c, q, e)| stages::verify(&config.dedup, &config.fingerprint, c, q, e))
            .collect()
    });
    let mut band = BooleanBuilder::new();
    band.extend(edges.iter().map(|e| Some(e.band)));
    let out = batch(vec![
        ("query", i64_array(edges.iter().map(|e| e.query as i64))),
        ("earlier", i64_array(edges.iter().map(|e| e.earlier as i64))),
        (
            "distance",
            i32_array(edges.iter().map(|e| e.distance as i32)),
        ),
        ("similarity", {
            let mut f = Float64Builder::new();
            f.extend(edges.iter().map(|e| Some(e.similarity)));
            Arc::new(f.finish()) as ArrayRef
        }),
        ("band", Arc::new(band.finish())),
    ])?;
    to_py(py, &out)
}

/// Stage 6: every edge (rows `a`, `b`, all of them, in any number of
/// batches) → rows `node`, `component`.
#[pyfunction]
fn components<'py>(
    py: Python<'py>,
    batches: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut pairs = Vec::new();
    for rows in batches {
        let rows = from_py(&rows)?;
        let (a, b) = (u64s(&rows, "a")?, u64s(&rows, "b")?);
        pairs.extend(a.into_iter().zip(b));
    }
    let found = py.detach(|| stages::components(pairs));
    let out = batch(vec![
        ("node", i64_array(found.iter().map(|(n, _)| *n as i64))),
        ("component", i64_array(found.iter().map(|(_, c)| *c as i64))),
    ])?;
    to_py(py, &out)
}

/// Stage 7: fed rows `component`, `kind` (0 edge, 1 paragraph), `file`,
/// `record`, `paragraph`, `exact`, `a` (the edge's query), `b` (its
/// earlier node), `distance`, `similarity`, `band`, `near` sorted by (component, kind, file, record, paragraph), gives rows
/// `file`, `record`, `paragraph`, `of_file`, `of_record`, `of_paragraph`,
/// `exact`, `distance`, `similarity` for the paragraphs dropped as repeats.
#[pyclass(module = "chaff._chaff", name = "Resolver")]
struct PyResolver {
    inner: Option<Resolver>,
}

fn duplicate_batch<'py>(
    py: Python<'py>,
    found: &[stages::DuplicateRow],
) -> PyResult<Bound<'py, PyAny>> {
    let mut exact = BooleanBuilder::new();
    exact.extend(found.iter().map(|d| Some(d.exact)));
    let mut similarity = Float64Builder::new();
    similarity.extend(found.iter().map(|d| Some(d.similarity)));
    let out = batch(vec![
        (
            "file",
            i32_array(found.iter().map(|d| u32_as_i32(d.at.file))),
        ),
        (
            "record",
            i32_array(found.iter().map(|d| u32_as_i32(d.at.record))),
        ),
        (
            "paragraph",
            i32_array(found.iter().map(|d| u32_as_i32(d.at.paragraph))),
        ),
        (
            "of_file",
            i32_array(found.iter().map(|d| u32_as_i32(d.of.file))),
        ),
        (
            "of_record",
            i32_array(found.iter().map(|d| u32_as_i32(d.of.record))),
        ),
        (
            "of_paragraph",
            i32_array(found.iter().map(|d| u32_as_i32(d.of.paragraph))),
        ),
        ("exact", Arc::new(exact.finish())),
        (
            "distance",
            i32_array(found.iter().map(|d| d.distance as i32)),
        ),
        ("similarity", Arc::new(similarity.finish())),
    ])?;
    to_py(py, &out)
}

#[pymethods]
impl PyResolver {
    #[new]
    fn new(config_json: &str) -> PyResult<Self> {
        Ok(PyResolver {
            inner: Some(Resolver::new(parse_config(config_json)?.dedup)),
        })
    }

    fn push<'py>(
        &mut self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let rows = from_py(rows)?;
        let component = u64s(&rows, "component")?;
        let kind = ints(&rows, "kind")?;
        let (file, record, paragraph) = (
            u32s(&rows, "file")?,
            u32s(&rows, "record")?,
            u32s(&rows, "paragraph")?,
        );
        let exact = u64s(&rows, "exact")?;
        let (a, b) = (u64s(&rows, "a")?, u64s(&rows, "b")?);
        let distance = u32s(&rows, "distance")?;
        let similarity = floats(&rows, "similarity")?;
        let near = ints(&rows, "near")?;
        let band = ints(&rows, "band")?;
        let mut input = Vec::with_capacity(component.len());
        for i in 0..component.len() {
            input.push(match kind[i] {
                0 => ResolveRow::Edge {
                    component: component[i],
                    edge: Edge {
                        query: a[i],
                        earlier: b[i],
                        distance: distance[i],
                        similarity: similarity[i],
                        band: band[i] != 0,
                    },
                },
                1 => ResolveRow::Paragraph {
                    component: component[i],
                    at: Position {
                        file: file[i],
                        record: record[i],
                        paragraph: paragraph[i],
                    },
                    exact: exact[i],
                    searches: near[i] != 0,
                },
                other => {
                    return Err(stage_error(format!(
                        "resolve: kind {other} is neither 0 nor 1"
                    )));
                }
            });
        }
        let inner = self
            .inner
            .as_mut()
            .ok_or_else(|| stage_error("push after finish".into()))?;
        let found = py.detach(|| -> Result<_, Error> {
            inner.push(&input)?;
            Ok(inner.take())
        });
        duplicate_batch(py, &found.map_err(py_error)?)
    }

    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let inner = self
            .inner
            .take()
            .ok_or_else(|| stage_error("finish twice".into()))?;
        let found = inner.finish().map_err(py_error)?;
        duplicate_batch(py, &found)
    }
}

/// Stage 8 for one file: reads its staging file, applies the verdicts
/// (rows `file`, `record`, `paragraph`, `of_id`, `of_paragraph`, `exact`,
/// `distance`, `similarity`, any number of batches) and the templates
/// (rows `site`, `key`, `pages`, `site_pages`), writes the clean JSONL to
/// `output` and the report JSONL to `report` (each under NAME.partial,
/// renamed when complete), and returns the file's summary as JSON.
#[pyfunction]
#[pyo3(signature = (staging, verdicts, templates, output, report=None, paragraphs=false, drop_empty=false))]
#[allow(clippy::too_many_arguments)]
fn apply_file(
    py: Python<'_>,
    staging: PathBuf,
    verdicts: Vec<Bound<'_, PyAny>>,
    templates: Vec<Bound<'_, PyAny>>,
    output: PathBuf,
    report: Option<PathBuf>,
    paragraphs: bool,
    drop_empty: bool,
) -> PyResult<String> {
    let mut decided = Vec::new();
    for rows in verdicts {
        let rows = from_py(&rows)?;
        let (file, record, paragraph) = (
            u32s(&rows, "file")?,
            u32s(&rows, "record")?,
            u32s(&rows, "paragraph")?,
        );
        let of_id = strings(&rows, "of_id")?;
        let of_paragraph = u32s(&rows, "of_paragraph")?;
        let exact = ints(&rows, "exact")?;
        let distance = u32s(&rows, "distance")?;
        let similarity = floats(&rows, "similarity")?;
        for i in 0..file.len() {
            decided.push(Decided {
                at: Position {
                    file: file[i],
                    record: record[i],
                    paragraph: paragraph[i],
                },
                of_id: of_id[i].to_owned(),
                of_paragraph: of_paragraph[i],
                exact: exact[i] != 0,
                distance: distance[i],
                similarity: similarity[i],
            });
        }
    }
    let mut rows = Vec::new();
    for batch in templates {
        let batch = from_py(&batch)?;
        let (site, key, pages, site_pages) = (
            u64s(&batch, "site")?,
            u64s(&batch, "key")?,
            u32s(&batch, "pages")?,
            u32s(&batch, "site_pages")?,
        );
        rows.extend((0..site.len()).map(|i| TemplateRow {
            site: site[i],
            key: key[i],
            pages: pages[i],
            site_pages: site_pages[i],
        }));
    }
    py.detach(|| -> Result<String, Error> {
        let table = stages::template_table(&rows);
        let file = std::fs::File::open(&staging).map_err(|e| Error::io(&staging, e))?;
        let staged = StagedFile::load_from(std::io::BufReader::new(file), &staging)?;
        let documents = stages::apply(staged, decided, &table)?;
        let shape = RecordShape {
            paragraphs,
            drop_empty,
        };
        write_jsonl(&output, &documents, |out, d| {
            chaff::io::write_clean_record(out, d, shape).map(|_| ())
        })?;
        if let Some(report) = &report {
            write_jsonl(report, &documents, |out, d| {
                chaff::io::write_report_entries(out, d)
            })?;
        }
        let mut summary = Summary::default();
        documents.iter().for_each(|d| summary.add(d));
        serde_json::to_string(&summary).map_err(|e| Error::output(&output, e.into()))
    })
    .map_err(py_error)
}

fn write_jsonl(
    path: &Path,
    documents: &[CleanDocument],
    write: impl Fn(&mut std::io::BufWriter<&mut AtomicFile>, &CleanDocument) -> std::io::Result<()>,
) -> Result<(), Error> {
    let mut file = AtomicFile::create(path)?;
    {
        let mut out = std::io::BufWriter::new(&mut file);
        for document in documents {
            write(&mut out, document).map_err(|e| Error::output(path, e))?;
        }
        std::io::Write::flush(&mut out).map_err(|e| Error::output(path, e))?;
    }
    file.commit()
}

/// Adds up summaries given as JSON (one per file) into one, as JSON.
#[pyfunction]
fn merge_summaries(summaries: Vec<String>) -> PyResult<String> {
    let mut total = Summary::default();
    for json in summaries {
        let s: Summary =
            serde_json::from_str(&json).map_err(|e| ChaffError::new_err(e.to_string()))?;
        total.documents += s.documents;
        total.paragraphs_in += s.paragraphs_in;
        total.paragraphs_out += s.paragraphs_out;
        total.sentences_trimmed += s.sentences_trimmed;
        total.bytes_in += s.bytes_in;
        total.bytes_out += s.bytes_out;
        total.replaced_invalid_utf8 += s.replaced_invalid_utf8;
        for (reason, n) in s.dropped {
            *total
                .dropped
                .entry(Cow::Owned(reason.into_owned()))
                .or_default() += n;
        }
    }
    serde_json::to_string(&total).map_err(|e| ChaffError::new_err(e.to_string()))
}

/// The input files of some paths in the order the chaff command reads them
/// (`chaff::io::input_files`: directories walked in name order, files
/// whose names say no format chaff reads left out).
#[pyfunction]
fn input_files(paths: Vec<PathBuf>) -> PyResult<Vec<PathBuf>> {
    Ok(chaff::io::input_files(paths).map_err(py_error)?.files)
}

/// The Rust library's own time on the documents of `paths` (read first,
/// not timed): seconds for `Cleaner::clean_batch` in batches of `batch`
/// and for `Cleaner::run` (which overlaps the per-document stages of one
/// batch with dedup of the previous), and the documents. The baseline of
/// the Python API's throughput (`python/bench/throughput.py`).
#[pyfunction]
fn library_seconds(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    batch: usize,
) -> PyResult<(f64, f64, usize)> {
    py.detach(|| -> Result<(f64, f64, usize), Error> {
        let documents: Vec<Document> =
            chaff::io::documents(&paths, Utf8Policy::Strict).collect::<Result<_, _>>()?;
        let n = documents.len();
        let mut cleaner = chaff::Cleaner::new(Config::default())?;
        let started = std::time::Instant::now();
        let mut kept = 0usize;
        for chunk in documents.chunks(batch.max(1)) {
            for document in cleaner.clean_batch(chunk.to_vec()) {
                kept += document.clean_text().len();
            }
        }
        let batches = started.elapsed().as_secs_f64();
        let mut cleaner = chaff::Cleaner::new(Config::default())?;
        let started = std::time::Instant::now();
        let mut sink = chaff::sink::from_fn(|document: CleanDocument| {
            kept += document.clean_text().len();
            Ok(())
        });
        cleaner.run(documents.into_iter().map(Ok), batch.max(1), &mut sink)?;
        let run = started.elapsed().as_secs_f64();
        std::hint::black_box(kept);
        Ok((batches, run, n))
    })
    .map_err(py_error)
}

/// The native module.
#[pymodule]
fn _chaff(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ChaffError", py.get_type::<ChaffError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("RecordError", py.get_type::<RecordError>())?;
    m.add("StateError", py.get_type::<StateError>())?;
    m.add("StageError", py.get_type::<StageError>())?;
    // A missing file: a ChaffError that `except FileNotFoundError` (and
    // OSError) catches too. Made with `type()`, as PyO3 gives an exception
    // class one base only.
    let builtins = py.import("builtins")?;
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "chaff")?;
    namespace.set_item(
        "__doc__",
        "A file that is not there: a ChaffError and a FileNotFoundError (`filename` and `path` name it).",
    )?;
    let not_found = builtins.getattr("type")?.call1((
        "NotFoundError",
        (
            py.get_type::<ChaffError>(),
            builtins.getattr("FileNotFoundError")?,
        ),
        namespace,
    ))?;
    m.add("NotFoundError", not_found)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<PyCleaner>()?;
    m.add_class::<PyCleanResult>()?;
    m.add_class::<PySiteTemplates>()?;
    m.add_class::<PyNearCandidates>()?;
    m.add_class::<PyResolver>()?;
    m.add_function(wrap_pyfunction!(config_normalize, m)?)?;
    m.add_function(wrap_pyfunction!(read_documents, m)?)?;
    m.add_function(wrap_pyfunction!(map_file, m)?)?;
    m.add_function(wrap_pyfunction!(template_rows, m)?)?;
    m.add_function(wrap_pyfunction!(candidate_rows, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(components, m)?)?;
    m.add_function(wrap_pyfunction!(apply_file, m)?)?;
    m.add_function(wrap_pyfunction!(merge_summaries, m)?)?;
    m.add_function(wrap_pyfunction!(input_files, m)?)?;
    m.add_function(wrap_pyfunction!(library_seconds, m)?)?;
    Ok(())
}
