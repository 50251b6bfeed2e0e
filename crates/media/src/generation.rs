//! AI generation parameters (SPEC R2.4): A1111/Forge `parameters`, ComfyUI `prompt`/`workflow`,
//! InvokeAI, NovelAI and Fooocus, read from PNG text chunks or an EXIF UserComment.
//!
//! Pure text and JSON parsing over strings the caller already decoded: knows nothing of files,
//! PNG chunks or EXIF. Never panics on malformed input; text that is not generation parameters
//! gives `None`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a generator recorded about how it made an image.
///
/// Seeds that do not fit an `i64` (ComfyUI allows up to 2^64 - 1) leave `seed` empty and are kept
/// verbatim, as a string, in `params` under the tool's own key (`seed`, `Seed`, `noise_seed`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// The tool that wrote the parameters: `automatic1111`, `forge` (A1111-style text whose
    /// `Version` starts with `f<digit>`), `comfyui`, `invokeai`, `novelai` or `fooocus`.
    pub tool: String,
    /// The positive prompt.
    pub prompt: Option<String>,
    /// The negative prompt.
    pub negative_prompt: Option<String>,
    /// The checkpoint / model name.
    pub model: Option<String>,
    /// The model's short hash as the tool wrote it.
    pub model_hash: Option<String>,
    /// The seed.
    pub seed: Option<i64>,
    /// The sampler name.
    pub sampler: Option<String>,
    /// The scheduler, when separate from the sampler.
    pub scheduler: Option<String>,
    /// Sampling steps.
    pub steps: Option<u32>,
    /// Classifier-free guidance scale.
    pub cfg: Option<f64>,
    /// Every other parameter, by the tool's own name.
    pub params: BTreeMap<String, serde_json::Value>,
}

/// A model a generation names: by short hash (as A1111 writes them) or by file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ModelRef {
    /// A hex hash or hash prefix, lowercase (`Model hash`, `Lora hashes`, `TI hashes`, `Hashes`).
    Hash(String),
    /// A model's name: its file name without folder and extension, lowercase.
    Name(String),
}

/// A model name as written (`models/Lora/ink wash.safetensors`, `ink wash`) reduced to the
/// form models are matched by: no folders, no model extension, lowercase.
pub fn model_key(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let lower = base.to_lowercase();
    for ext in [".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    lower
}

impl Generation {
    /// Every model the parameters name: the checkpoint (name and hash), LoRAs and embeddings
    /// with their hashes (A1111 `Lora hashes`/`TI hashes`/`Hashes`), ComfyUI loader nodes, and
    /// `<lora:name:weight>` tags in the prompt.
    pub fn model_refs(&self) -> Vec<ModelRef> {
        let mut out = Vec::new();
        let hash = |h: &str, out: &mut Vec<ModelRef>| {
            let h = h.trim().trim_matches('"').to_lowercase();
            if h.len() >= 8 && h.chars().all(|c| c.is_ascii_hexdigit()) {
                out.push(ModelRef::Hash(h));
            }
        };
        let name = |n: &str, out: &mut Vec<ModelRef>| {
            let k = model_key(n);
            if !k.is_empty() {
                out.push(ModelRef::Name(k));
            }
        };
        if let Some(m) = &self.model {
            name(m, &mut out);
        }
        if let Some(h) = &self.model_hash {
            hash(h, &mut out);
        }
        for key in ["Lora hashes", "TI hashes"] {
            if let Some(list) = self.params.get(key).and_then(serde_json::Value::as_str) {
                for pair in list.trim_matches('"').split(',') {
                    if let Some((n, h)) = pair.rsplit_once(':') {
                        name(n, &mut out);
                        hash(h, &mut out);
                    }
                }
            }
        }
        if let Some(hashes) = self.params.get("Hashes") {
            let parsed = match hashes {
                serde_json::Value::String(s) => serde_json::from_str(s).ok(),
                v => Some(v.clone()),
            };
            if let Some(serde_json::Value::Object(map)) = parsed {
                for (k, v) in map {
                    if let Some(h) = v.as_str() {
                        hash(h, &mut out);
                    }
                    if let Some(n) = k.split_once(':').map(|(_, n)| n) {
                        name(n, &mut out);
                    }
                }
            }
        }
        if let Some(serde_json::Value::Array(loras)) = self.params.get("loras") {
            for l in loras.iter().filter_map(serde_json::Value::as_str) {
                name(l, &mut out);
            }
        }
        if let Some(prompt) = &self.prompt {
            for part in prompt.split("<lora:").skip(1) {
                if let Some(body) = part.split('>').next() {
                    name(body.split(':').next().unwrap_or(body), &mut out);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Reads generation parameters from a PNG's text chunks (keyword, text), if any are present.
///
/// Keywords are matched case-insensitively and the first non-empty chunk of a keyword wins.
/// Precedence: InvokeAI (`invokeai_metadata`, `sd-metadata`, `Dream`), NovelAI (`Software` +
/// `Comment`), `parameters` (A1111/Forge/Fooocus text or Fooocus JSON), then ComfyUI (`prompt`
/// graph, else `workflow`). When ComfyUI also wrote A1111-style `parameters` (image-saver nodes),
/// those win, the tool is `comfyui` and the graph fills what the text lacks.
pub fn from_png_text(chunks: &[(String, String)]) -> Option<Generation> {
    let fooocus_scheme = chunk(chunks, "fooocus_scheme").is_some();
    let comfy_graph = chunk(chunks, "prompt")
        .and_then(parse_json_object)
        .filter(is_comfy_graph);

    if let Some(g) = chunk(chunks, "invokeai_metadata")
        .and_then(parse_json_object)
        .and_then(|o| finish(invokeai_current(&o)))
    {
        return Some(g);
    }
    let dream = chunk(chunks, "Dream").map(parse_dream);
    if let Some(o) = chunk(chunks, "sd-metadata").and_then(parse_json_object) {
        let mut g = invokeai_legacy(&o);
        if let Some(d) = dream.clone() {
            fill_missing(&mut g, d);
        }
        if let Some(g) = finish(g) {
            return Some(g);
        }
    }
    if let Some(g) = dream.and_then(finish) {
        return Some(g);
    }

    let comment = chunk(chunks, "Comment").and_then(parse_json_object);
    let is_novelai = chunk(chunks, "Software").is_some_and(|s| s.trim().starts_with("NovelAI"))
        || comment.as_ref().is_some_and(looks_novelai);
    if is_novelai {
        let g = novelai(
            comment.as_ref(),
            chunk(chunks, "Description"),
            chunk(chunks, "Source"),
        );
        if let Some(g) = finish(g) {
            return Some(g);
        }
    }

    if let Some(text) = chunk(chunks, "parameters") {
        let parsed = if text.trim_start().starts_with('{') {
            parse_json_object(text).and_then(|o| json_shape(&o, fooocus_scheme))
        } else {
            parse_a1111(text, false)
        };
        if let Some(mut g) = parsed {
            if fooocus_scheme {
                g.tool = "fooocus".into();
            }
            if let Some(graph) = &comfy_graph {
                g.tool = "comfyui".into();
                fill_missing(&mut g, comfy_from_graph(graph));
            }
            if let Some(g) = finish(g) {
                return Some(g);
            }
        }
    }

    if let Some(g) = comfy_graph
        .as_ref()
        .and_then(|graph| finish(comfy_from_graph(graph)))
    {
        return Some(g);
    }
    chunk(chunks, "workflow")
        .and_then(parse_json_object)
        .and_then(|wf| finish(comfy_from_workflow(&wf)))
}

/// Reads generation parameters from an EXIF UserComment (A1111 writes its `parameters` there
/// for JPEG and WebP).
///
/// Accepts A1111/Forge/Fooocus text with a `Steps:`/`Seed:` line, and JSON of a known shape
/// (Fooocus, InvokeAI, NovelAI, a ComfyUI graph or workflow, optionally prefixed `prompt:` or
/// `workflow:`). A leftover 8-byte charset header (`ASCII\0\0\0`, `UNICODE\0`) is skipped.
/// Anything else, such as a camera's blank comment or a plain caption, gives `None`.
pub fn from_user_comment(text: &str) -> Option<Generation> {
    let mut text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    for header in ["ASCII\0\0\0", "UNICODE\0", "JIS\0\0\0\0\0"] {
        if let Some(rest) = text.strip_prefix(header) {
            text = rest.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        }
    }
    if text.is_empty() {
        return None;
    }
    for prefix in ["prompt:", "workflow:"] {
        if let Some(rest) = text.strip_prefix(prefix)
            && rest.trim_start().starts_with('{')
        {
            text = rest.trim_start();
        }
    }
    let parsed = if text.starts_with('{') {
        let o = parse_json_object(text)?;
        if is_comfy_graph(&o) {
            Some(comfy_from_graph(&o))
        } else if o.get("nodes").is_some_and(Value::is_array) {
            Some(comfy_from_workflow(&o))
        } else {
            json_shape(&o, false)
        }
    } else {
        parse_a1111(text, true)
    };
    parsed.and_then(finish)
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// Serialized JSON values larger than this are not kept in `params` (embedded images, graphs).
const MAX_PARAM_BYTES: usize = 8 * 1024;
/// Bound on every graph walk, against hostile or cyclic graphs.
const MAX_DEPTH: usize = 64;
/// Most extra sampler passes kept in ComfyUI's `params["passes"]`.
const MAX_PASSES: usize = 16;

fn chunk<'a>(chunks: &'a [(String, String)], key: &str) -> Option<&'a str> {
    chunks
        .iter()
        .find(|(k, t)| k.trim().eq_ignore_ascii_case(key) && !t.trim().is_empty())
        .map(|(_, t)| t.as_str())
}

fn new_generation(tool: &str) -> Generation {
    Generation {
        tool: tool.to_string(),
        ..Generation::default()
    }
}

/// Parses a JSON object; Python-written JSON may carry bare `NaN`/`Infinity`, which are read
/// as `null` on a second try.
fn parse_json_object(text: &str) -> Option<Map<String, Value>> {
    let text = text.trim().trim_start_matches('\u{feff}');
    let value = serde_json::from_str::<Value>(text)
        .ok()
        .or_else(|| serde_json::from_str::<Value>(&replace_non_finite(text)).ok())?;
    match value {
        Value::Object(o) => Some(o),
        _ => None,
    }
}

/// Replaces bare `NaN`, `Infinity` and `-Infinity` tokens outside strings with `null`.
fn replace_non_finite(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else {
            let token = ["-Infinity", "Infinity", "NaN"]
                .into_iter()
                .find(|t| rest.starts_with(t));
            if let Some(token) = token {
                out.push_str("null");
                rest = &rest[token.len()..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Trims; empty becomes `None`.
fn clean(s: Option<String>) -> Option<String> {
    let s = s?;
    let t = s.trim();
    if t.is_empty() {
        None
    } else if t.len() == s.len() {
        Some(s)
    } else {
        Some(t.to_string())
    }
}

/// Normalizes the text fields and drops a generation that says nothing.
fn finish(mut g: Generation) -> Option<Generation> {
    g.prompt = clean(g.prompt);
    g.negative_prompt = clean(g.negative_prompt);
    g.model = clean(g.model);
    g.model_hash = clean(g.model_hash);
    g.sampler = clean(g.sampler);
    g.scheduler = clean(g.scheduler);
    g.cfg = g.cfg.filter(|c| c.is_finite());
    let said_something = g.prompt.is_some()
        || g.negative_prompt.is_some()
        || g.model.is_some()
        || g.seed.is_some()
        || g.steps.is_some()
        || g.sampler.is_some()
        || g.cfg.is_some()
        || !g.params.is_empty();
    said_something.then_some(g)
}

/// Fills the fields `g` lacks from `other`.
fn fill_missing(g: &mut Generation, other: Generation) {
    let Generation {
        tool: _,
        prompt,
        negative_prompt,
        model,
        model_hash,
        seed,
        sampler,
        scheduler,
        steps,
        cfg,
        params,
    } = other;
    g.prompt = clean(g.prompt.take()).or(prompt);
    g.negative_prompt = clean(g.negative_prompt.take()).or(negative_prompt);
    g.model = clean(g.model.take()).or(model);
    g.model_hash = clean(g.model_hash.take()).or(model_hash);
    g.seed = g.seed.or(seed);
    g.sampler = clean(g.sampler.take()).or(sampler);
    g.scheduler = clean(g.scheduler.take()).or(scheduler);
    g.steps = g.steps.or(steps);
    g.cfg = g.cfg.or(cfg);
    for (k, v) in params {
        g.params.entry(k).or_insert(v);
    }
}

fn put_param(g: &mut Generation, key: &str, value: Value) {
    if value.is_null() {
        return;
    }
    let fits = serde_json::to_string(&value).is_ok_and(|s| s.len() <= MAX_PARAM_BYTES);
    if fits {
        g.params.insert(key.to_string(), value);
    }
}

/// A string (or number) value as text; a list of strings or of `{prompt}` objects joined by
/// newlines.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .filter_map(|item| match item {
                    Value::Object(o) => o.get("prompt").and_then(text_of),
                    Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .filter(|s| !s.trim().is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join("\n"))
        }
        _ => None,
    }
}

/// An integral seed, or the raw text when it is not an `i64` (too large, fractional, junk).
fn seed_value(v: &Value) -> Option<Result<i64, String>> {
    match v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return Some(Ok(i));
            }
            match n.as_f64() {
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e18 => Some(Ok(f as i64)),
                _ => Some(Err(n.to_string())),
            }
        }
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                None
            } else {
                Some(t.parse::<i64>().map_err(|_| t.to_string()))
            }
        }
        _ => None,
    }
}

fn set_seed(g: &mut Generation, key: &str, v: &Value) {
    match seed_value(v) {
        Some(Ok(seed)) => g.seed = Some(seed),
        Some(Err(raw)) => put_param(g, key, Value::String(raw)),
        None => {}
    }
}

fn set_steps(g: &mut Generation, key: &str, v: &Value) {
    let steps = match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match steps.and_then(|s| u32::try_from(s).ok()) {
        Some(s) => g.steps = Some(s),
        None => put_param(g, key, v.clone()),
    }
}

fn set_cfg(g: &mut Generation, key: &str, v: &Value) {
    let cfg = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match cfg.filter(|c| c.is_finite()) {
        Some(c) => g.cfg = Some(c),
        None => put_param(g, key, v.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON shapes: Fooocus, InvokeAI, NovelAI

/// Which JSON keys carry the fields of a [`Generation`], first match wins.
struct Keys {
    prompt: &'static [&'static str],
    negative: &'static [&'static str],
    model: &'static [&'static str],
    model_hash: &'static [&'static str],
    seed: &'static [&'static str],
    steps: &'static [&'static str],
    cfg: &'static [&'static str],
    sampler: &'static [&'static str],
    scheduler: &'static [&'static str],
}

const FOOOCUS: Keys = Keys {
    prompt: &["prompt"],
    negative: &["negative_prompt"],
    model: &["base_model"],
    model_hash: &["base_model_hash"],
    seed: &["seed"],
    steps: &["steps"],
    cfg: &["guidance_scale"],
    sampler: &["sampler"],
    scheduler: &["scheduler"],
};

/// InvokeAI's `scheduler` is the diffusers scheduler, which is what other tools call the sampler.
const INVOKEAI: Keys = Keys {
    prompt: &["positive_prompt"],
    negative: &["negative_prompt"],
    model: &[],
    model_hash: &[],
    seed: &["seed"],
    steps: &["steps"],
    cfg: &["cfg_scale"],
    sampler: &["scheduler"],
    scheduler: &[],
};

const INVOKEAI_LEGACY_IMAGE: Keys = Keys {
    prompt: &["prompt"],
    negative: &[],
    model: &[],
    model_hash: &[],
    seed: &["seed"],
    steps: &["steps"],
    cfg: &["cfg_scale"],
    sampler: &["sampler"],
    scheduler: &[],
};

const NOVELAI: Keys = Keys {
    prompt: &["prompt"],
    negative: &["uc", "negative_prompt"],
    model: &[],
    model_hash: &[],
    seed: &["seed"],
    steps: &["steps"],
    cfg: &["scale"],
    sampler: &["sampler"],
    scheduler: &["noise_schedule"],
};

/// Maps an object through `keys`; every key not used goes into `params`.
fn map_json(o: &Map<String, Value>, tool: &str, keys: &Keys) -> Generation {
    let mut g = new_generation(tool);
    let mut used: HashSet<&str> = HashSet::new();
    let mut first = |names: &'static [&'static str]| {
        let found = names.iter().find_map(|n| o.get(*n).map(|v| (*n, v)));
        if let Some((name, _)) = found {
            used.insert(name);
        }
        found
    };
    g.prompt = first(keys.prompt).and_then(|(_, v)| text_of(v));
    g.negative_prompt = first(keys.negative).and_then(|(_, v)| text_of(v));
    g.model = first(keys.model).and_then(|(_, v)| text_of(v));
    g.model_hash = first(keys.model_hash).and_then(|(_, v)| text_of(v));
    g.sampler = first(keys.sampler).and_then(|(_, v)| text_of(v));
    g.scheduler = first(keys.scheduler).and_then(|(_, v)| text_of(v));
    let seed = first(keys.seed);
    let steps = first(keys.steps);
    let cfg = first(keys.cfg);
    if let Some((k, v)) = seed {
        set_seed(&mut g, k, v);
    }
    if let Some((k, v)) = steps {
        set_steps(&mut g, k, v);
    }
    if let Some((k, v)) = cfg {
        set_cfg(&mut g, k, v);
    }
    for (k, v) in o {
        if !used.contains(k.as_str()) {
            put_param(&mut g, k, v.clone());
        }
    }
    g
}

/// Recognizes a JSON object of a known generator; `fooocus_hint` when a `fooocus_scheme` chunk
/// says so.
fn json_shape(o: &Map<String, Value>, fooocus_hint: bool) -> Option<Generation> {
    if o.contains_key("positive_prompt") {
        Some(invokeai_current(o))
    } else if o.contains_key("model_weights") || o.get("image").is_some_and(Value::is_object) {
        Some(invokeai_legacy(o))
    } else if fooocus_hint || looks_fooocus(o) {
        Some(map_json(o, "fooocus", &FOOOCUS))
    } else if looks_novelai(o) {
        Some(novelai(Some(o), None, None))
    } else {
        None
    }
}

fn looks_fooocus(o: &Map<String, Value>) -> bool {
    ["base_model", "guidance_scale", "metadata_scheme", "full_prompt"]
        .iter()
        .any(|k| o.contains_key(*k))
        || o.get("version")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("Fooocus"))
}

fn looks_novelai(o: &Map<String, Value>) -> bool {
    o.contains_key("uc")
        || o.contains_key("v4_prompt")
        || (o.contains_key("scale") && o.contains_key("n_samples"))
}

/// InvokeAI 3+ `invokeai_metadata`.
fn invokeai_current(o: &Map<String, Value>) -> Generation {
    let mut g = map_json(o, "invokeai", &INVOKEAI);
    match o.get("model") {
        Some(Value::String(name)) => {
            g.model = Some(name.clone());
            g.params.remove("model");
        }
        Some(Value::Object(model)) => {
            g.model = ["model_name", "name"]
                .iter()
                .find_map(|k| model.get(*k).and_then(text_of));
            g.model_hash = model.get("hash").and_then(text_of);
            if let Some(base) = ["base_model", "base"]
                .iter()
                .find_map(|k| model.get(*k).and_then(text_of))
            {
                put_param(&mut g, "model_base", Value::String(base));
            }
            g.params.remove("model");
        }
        _ => {}
    }
    g
}

/// InvokeAI 2.x `sd-metadata`: top-level model, generation settings under `image`.
fn invokeai_legacy(o: &Map<String, Value>) -> Generation {
    let mut g = match o.get("image").and_then(Value::as_object) {
        Some(image) => map_json(image, "invokeai", &INVOKEAI_LEGACY_IMAGE),
        None => new_generation("invokeai"),
    };
    split_invoke_prompt(&mut g);
    g.model = o.get("model_weights").and_then(text_of);
    g.model_hash = o.get("model_hash").and_then(text_of);
    for (k, v) in o {
        if !matches!(k.as_str(), "image" | "model_weights" | "model_hash") {
            g.params.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    g
}

/// InvokeAI 2.x wrote the negative prompt inside the prompt, in square brackets.
fn split_invoke_prompt(g: &mut Generation) {
    let Some(prompt) = g.prompt.take() else {
        return;
    };
    let mut positive = String::new();
    let mut negative: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut escaped = false;
    for c in prompt.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                positive.push(c);
            } else {
                current.push(c);
            }
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                if depth == 0 {
                    positive.push(c);
                } else {
                    current.push(c);
                }
            }
            '[' => {
                if depth > 0 {
                    current.push(c);
                }
                depth += 1;
            }
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    negative.push(std::mem::take(&mut current).trim().to_string());
                } else {
                    current.push(c);
                }
            }
            _ if depth > 0 => current.push(c),
            _ => positive.push(c),
        }
    }
    if !current.trim().is_empty() {
        negative.push(current.trim().to_string());
    }
    negative.retain(|n| !n.is_empty());
    g.prompt = Some(positive.trim().to_string());
    if g.negative_prompt.is_none() && !negative.is_empty() {
        g.negative_prompt = Some(negative.join(", "));
    }
}

/// InvokeAI 2.x `Dream` text: `"prompt" -s 50 -S 42 -W 512 -H 768 -C 7.5 -A k_lms ...`.
fn parse_dream(text: &str) -> Generation {
    let mut g = new_generation("invokeai");
    let text = text.trim();
    let (prompt, rest) = if let Some(inner) = text.strip_prefix('"') {
        let mut end = None;
        let mut escaped = false;
        for (i, c) in inner.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                end = Some(i);
                break;
            }
        }
        match end {
            Some(i) => (inner[..i].replace("\\\"", "\""), &inner[i + 1..]),
            None => (inner.to_string(), ""),
        }
    } else {
        match text.find(" -") {
            Some(i) => (text[..i].to_string(), &text[i..]),
            None => (text.to_string(), ""),
        }
    };
    g.prompt = Some(prompt);
    split_invoke_prompt(&mut g);

    let is_flag = |t: &str| {
        let mut chars = t.chars();
        chars.next() == Some('-') && chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
    };
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        let flag = tokens[i];
        i += 1;
        if !is_flag(flag) {
            continue;
        }
        let start = i;
        while i < tokens.len() && !is_flag(tokens[i]) {
            i += 1;
        }
        let value = tokens[start..i].join(" ");
        let json = Value::String(value.clone());
        match flag {
            "-s" | "--steps" => set_steps(&mut g, flag, &json),
            "-S" | "--seed" => set_seed(&mut g, flag, &json),
            "-C" | "--cfg_scale" => set_cfg(&mut g, flag, &json),
            "-A" | "--sampler" => g.sampler = Some(value),
            "-m" | "--model" => g.model = Some(value),
            "-W" | "--width" | "-H" | "--height" => {
                let key = if flag.contains('W') || flag.contains("width") {
                    "width"
                } else {
                    "height"
                };
                let v = value.parse::<u64>().map(Value::from).unwrap_or(json);
                put_param(&mut g, key, v);
            }
            _ if value.is_empty() => put_param(&mut g, flag, Value::Bool(true)),
            _ => put_param(&mut g, flag, json),
        }
    }
    g
}

/// NovelAI: settings in the `Comment` JSON, the prompt also in `Description`, the model in
/// `Source` ("Stable Diffusion XL C1E1DE52": the trailing 8 hex digits are its hash).
fn novelai(
    comment: Option<&Map<String, Value>>,
    description: Option<&str>,
    source: Option<&str>,
) -> Generation {
    let mut g = match comment {
        Some(o) => map_json(o, "novelai", &NOVELAI),
        None => new_generation("novelai"),
    };
    let caption = |key: &str| {
        comment?
            .get(key)?
            .get("caption")?
            .get("base_caption")
            .and_then(text_of)
    };
    if clean(g.prompt.clone()).is_none() {
        g.prompt = caption("v4_prompt").or_else(|| description.map(str::to_string));
    }
    if clean(g.negative_prompt.clone()).is_none() {
        g.negative_prompt = caption("v4_negative_prompt");
    }
    if let Some(source) = source.map(str::trim).filter(|s| !s.is_empty()) {
        match source.rsplit_once(' ') {
            Some((name, hash)) if hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
                g.model = Some(name.to_string());
                g.model_hash = Some(hash.to_string());
            }
            _ => g.model = Some(source.to_string()),
        }
    }
    g
}

// ---------------------------------------------------------------------------------------------
// A1111 / Forge / Fooocus text

/// Parses A1111 `parameters` text. `strict` demands a settings line with `Steps` or `Seed`
/// (for UserComments, which are often plain captions); otherwise a bare prompt is accepted.
fn parse_a1111(text: &str, strict: bool) -> Option<Generation> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.trim().split('\n').collect();
    let has_core_key = |kv: &[(String, Value)]| kv.iter().any(|(k, _)| k == "Steps" || k == "Seed");
    let mut settings: Option<(usize, Vec<(String, Value)>)> = None;
    for (i, line) in lines.iter().enumerate().rev() {
        let kv = parse_kv_line(line);
        if has_core_key(&kv) {
            settings = Some((i, kv));
            break;
        }
    }
    if settings.is_none()
        && !strict
        && let Some(last) = lines.len().checked_sub(1)
    {
        let kv = parse_kv_line(lines[last]);
        if kv.len() >= 3 {
            settings = Some((last, kv));
        }
    }
    if settings.is_none() && strict {
        return None;
    }

    let mut g = new_generation("automatic1111");
    let body_end = settings.as_ref().map_or(lines.len(), |(i, _)| *i);
    let mut prompt: Vec<&str> = Vec::new();
    let mut negative: Option<Vec<&str>> = None;
    for line in &lines[..body_end] {
        match negative.as_mut() {
            Some(neg) => neg.push(line),
            None => match line.trim_start().strip_prefix("Negative prompt:") {
                Some(rest) => negative = Some(vec![rest]),
                None => prompt.push(line),
            },
        }
    }
    g.prompt = Some(prompt.join("\n"));
    g.negative_prompt = negative.map(|n| n.join("\n"));

    if let Some((i, kv)) = settings {
        for (k, v) in kv {
            apply_a1111(&mut g, &k, v);
        }
        // Extensions sometimes add `Key: value` lines after the settings line.
        for line in &lines[i + 1..] {
            for (k, v) in parse_kv_line(line) {
                apply_a1111(&mut g, &k, v);
            }
        }
    }
    if let Some(version) = g.params.get("Version").and_then(Value::as_str) {
        let mut chars = version.chars();
        if version.starts_with("Fooocus") {
            g.tool = "fooocus".into();
        } else if version.starts_with("ComfyUI") {
            g.tool = "comfyui".into();
        } else if chars.next() == Some('f') && chars.next().is_some_and(|c| c.is_ascii_digit()) {
            g.tool = "forge".into();
        }
    }
    Some(g)
}

fn apply_a1111(g: &mut Generation, key: &str, value: Value) {
    match key {
        "Steps" => set_steps(g, key, &value),
        "Seed" => set_seed(g, key, &value),
        "CFG scale" => set_cfg(g, key, &value),
        "Sampler" => g.sampler = text_of(&value),
        "Schedule type" => g.scheduler = text_of(&value),
        "Model" => g.model = text_of(&value),
        "Model hash" => g.model_hash = text_of(&value),
        _ => put_param(g, key, value),
    }
}

/// Splits an A1111 settings line into `Key: value` pairs. Values may be `"quoted, with commas"`
/// (JSON-escaped) or bare JSON objects/lists; other values run to the next comma.
fn parse_kv_line(line: &str) -> Vec<(String, Value)> {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut i = 0;
    let skip_to_comma = |mut i: usize| {
        while i < n && chars[i] != ',' {
            i += 1;
        }
        i
    };
    while i < n {
        while i < n && (chars[i] == ',' || chars[i].is_whitespace()) {
            i += 1;
        }
        let start = i;
        while i < n && chars[i] != ':' && chars[i] != ',' {
            i += 1;
        }
        if i >= n || chars[i] == ',' {
            continue;
        }
        let key: String = chars[start..i].iter().collect::<String>().trim().to_string();
        i += 1;
        while i < n && chars[i] == ' ' {
            i += 1;
        }
        let value = if i < n && chars[i] == '"' {
            let end = quoted_end(&chars, i);
            let raw: String = chars[i..end].iter().collect();
            i = skip_to_comma(end);
            Value::String(serde_json::from_str::<String>(&raw).unwrap_or_else(|_| unescape_loose(&raw)))
        } else if let Some((end, json)) = (i < n && (chars[i] == '{' || chars[i] == '['))
            .then(|| bracketed_json(&chars, i))
            .flatten()
        {
            i = skip_to_comma(end);
            json
        } else {
            let end = skip_to_comma(i);
            let raw: String = chars[i..end].iter().collect();
            i = end;
            Value::String(raw.trim().to_string())
        };
        let valid_key =
            key.len() <= 64 && key.chars().next().is_some_and(char::is_alphanumeric) && !key.contains('"');
        if valid_key {
            out.push((key, value));
        }
    }
    out
}

/// Index just past the closing quote of the string starting at `start` (or the end).
fn quoted_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// Best-effort unescaping of a quoted value that is not valid JSON.
fn unescape_loose(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A balanced `{...}`/`[...]` starting at `start` that parses as JSON: (end index, value).
fn bracketed_json(chars: &[char], start: usize) -> Option<(usize, Value)> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, &c) in chars[start..].iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let end = start + offset + 1;
                    let raw: String = chars[start..end].iter().collect();
                    return serde_json::from_str(&raw).ok().map(|v| (end, v));
                }
            }
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// ComfyUI

/// Input names whose string values are prompt text on encoder nodes.
const TEXT_KEYS: &[&str] = &["text", "text_g", "text_l", "clip_g", "clip_l", "t5xxl", "prompt"];
/// Input names that carry text on string/primitive/concatenation nodes.
const STRING_KEYS: &[&str] = &[
    "text", "text_g", "text_l", "clip_g", "clip_l", "t5xxl", "prompt", "string", "value", "Text", "String",
    "text_a", "text_b", "text_c", "text_d", "string_a", "string_b", "string1", "string2",
];

fn is_comfy_graph(o: &Map<String, Value>) -> bool {
    o.values().any(|node| {
        node.get("class_type").is_some_and(Value::is_string)
            && node.get("inputs").is_some_and(Value::is_object)
    })
}

/// A ComfyUI API-format graph: `{node_id: {class_type, inputs}}`, links are `[node_id, slot]`.
struct Graph<'a> {
    nodes: &'a Map<String, Value>,
}

impl<'a> Graph<'a> {
    fn inputs(&self, id: &str) -> Option<&'a Map<String, Value>> {
        self.nodes.get(id)?.get("inputs")?.as_object()
    }

    fn class(&self, id: &str) -> &'a str {
        self.nodes
            .get(id)
            .and_then(|n| n.get("class_type"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// The node id and output slot a link value points at, when that node exists.
    fn link(&self, v: &Value) -> Option<(String, u64)> {
        let a = v.as_array()?;
        if a.len() != 2 {
            return None;
        }
        let id = match &a[0] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let slot = a[1].as_u64()?;
        self.nodes.contains_key(&id).then_some((id, slot))
    }

    fn is_sampler(&self, id: &str) -> bool {
        let class = self.class(id);
        (class.contains("KSampler") || class.contains("SamplerCustom"))
            && self
                .inputs(id)
                .is_some_and(|i| ["positive", "guider", "model"].iter().any(|k| i.contains_key(*k)))
    }

    /// A sampler's inputs, merged with those of its `guider`/`sigmas`/`sampler`/`noise` nodes
    /// (SamplerCustomAdvanced spreads its settings over them).
    fn flat_inputs(&self, id: &str) -> Map<String, Value> {
        let mut out = self.inputs(id).cloned().unwrap_or_default();
        for key in ["guider", "sigmas", "sampler", "noise"] {
            let target = out.get(key).and_then(|v| self.link(v));
            if let Some(ins) = target.and_then(|(t, _)| self.inputs(&t)) {
                for (k, v) in ins {
                    out.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        out
    }

    /// A literal input value, following links into primitive nodes.
    fn scalar(&self, v: &Value, name: &str, depth: usize) -> Option<Value> {
        let Some((target, _)) = self.link(v) else {
            return Some(v.clone());
        };
        if depth > 8 {
            return None;
        }
        let ins = self.inputs(&target)?;
        for key in [
            name,
            "value",
            "seed",
            "noise_seed",
            "int",
            "float",
            "number",
            "string",
            "text",
        ] {
            if let Some(x) = ins.get(key) {
                return self.scalar(x, name, depth + 1);
            }
        }
        let mut literals = ins.values().filter(|x| !x.is_array() && !x.is_object());
        match (literals.next(), literals.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }

    /// Text of an input: the string itself, or what a linked string node produces.
    fn text_value(&self, v: &Value, depth: usize) -> Option<String> {
        if let Value::String(s) = v {
            return Some(s.clone());
        }
        let (target, _) = self.link(v)?;
        if depth > 16 {
            return None;
        }
        let ins = self.inputs(&target)?;
        let delimiter = ins.get("delimiter").and_then(Value::as_str).unwrap_or(" ");
        let parts: Vec<String> = STRING_KEYS
            .iter()
            .filter_map(|k| ins.get(*k))
            .filter_map(|x| self.text_value(x, depth + 1))
            .filter(|s| !s.trim().is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(delimiter))
    }

    /// Collects prompt texts upstream of a conditioning link, through combiners and setters.
    fn collect_texts(&self, v: &Value, visited: &mut HashSet<String>, out: &mut Vec<String>, depth: usize) {
        let Some((id, slot)) = self.link(v) else {
            return;
        };
        if depth > MAX_DEPTH || !visited.insert(id.clone()) {
            return;
        }
        // A zeroed-out conditioning carries no text even though it links to the positive one.
        if self.class(&id).contains("ZeroOut") {
            return;
        }
        let Some(ins) = self.inputs(&id) else {
            return;
        };
        for key in TEXT_KEYS {
            if let Some(text) = ins.get(*key).and_then(|x| self.text_value(x, 0)) {
                let text = text.trim().to_string();
                if !text.is_empty() && !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        // Nodes such as ControlNetApplyAdvanced pass positive on slot 0 and negative on slot 1.
        let paired = ins.contains_key("positive") && ins.contains_key("negative");
        for (k, x) in ins {
            let follow = if paired {
                (k == "positive" && slot == 0) || (k == "negative" && slot == 1)
            } else {
                k.contains("conditioning") || k == "positive" || k == "negative"
            };
            if follow {
                self.collect_texts(x, visited, out, depth + 1);
            }
        }
    }

    fn prompt_of(&self, v: Option<&Value>) -> Option<String> {
        let mut texts = Vec::new();
        self.collect_texts(v?, &mut HashSet::new(), &mut texts, 0);
        (!texts.is_empty()).then(|| texts.join("\n"))
    }

    /// Follows a `model` link to its loader, noting LoRAs on the way (nearest first).
    fn trace_model(
        &self,
        v: &Value,
        loras: &mut Vec<String>,
        visited: &mut HashSet<String>,
        depth: usize,
    ) -> Option<String> {
        let (id, _) = self.link(v)?;
        if depth > MAX_DEPTH || !visited.insert(id.clone()) {
            return None;
        }
        let ins = self.inputs(&id)?;
        let name = |key: &str| {
            ins.get(key)
                .and_then(|x| self.scalar(x, key, 0))
                .and_then(|x| x.as_str().map(str::to_string))
                .filter(|s| !s.trim().is_empty())
        };
        if let Some(lora) = name("lora_name") {
            loras.push(lora);
        }
        if let Some(model) = name("ckpt_name").or_else(|| name("unet_name")) {
            return Some(model);
        }
        let next = ins.get("model").or_else(|| {
            ins.iter()
                .find(|(k, x)| k.starts_with("model") && self.link(x).is_some())
                .map(|(_, x)| x)
        })?;
        self.trace_model(next, loras, visited, depth + 1)
    }

    /// Whether the latent a sampler starts from was made by another sampler (a second pass).
    fn fed_by_sampler(&self, id: &str) -> bool {
        let Some(ins) = self.inputs(id) else {
            return false;
        };
        let mut stack: Vec<String> = ["latent_image", "latent", "samples"]
            .iter()
            .filter_map(|k| ins.get(*k).and_then(|v| self.link(v)).map(|(t, _)| t))
            .collect();
        let mut visited: HashSet<String> = HashSet::new();
        while let Some(node) = stack.pop() {
            if !visited.insert(node.clone()) {
                continue;
            }
            if self.is_sampler(&node) {
                return true;
            }
            if let Some(up) = self.inputs(&node) {
                stack.extend(up.values().filter_map(|v| self.link(v)).map(|(t, _)| t));
            }
        }
        false
    }

    fn sampler_generation(&self, id: &str) -> Generation {
        let ins = self.flat_inputs(id);
        let mut g = new_generation("comfyui");
        let get = |key: &str| ins.get(key).and_then(|v| self.scalar(v, key, 0));
        if let Some((key, v)) = ["seed", "noise_seed"]
            .iter()
            .find_map(|k| get(k).map(|v| (*k, v)))
        {
            set_seed(&mut g, key, &v);
        }
        if let Some(v) = get("steps") {
            set_steps(&mut g, "steps", &v);
        }
        if let Some(v) = get("cfg") {
            set_cfg(&mut g, "cfg", &v);
        }
        g.sampler = get("sampler_name").as_ref().and_then(text_of);
        g.scheduler = get("scheduler").as_ref().and_then(text_of);
        if let Some(v) = get("denoise").filter(Value::is_number) {
            put_param(&mut g, "denoise", v);
        }
        g.prompt = self.prompt_of(ins.get("positive").or_else(|| ins.get("conditioning")));
        g.negative_prompt = self.prompt_of(ins.get("negative"));
        if let Some(v) = ins.get("model") {
            let mut loras = Vec::new();
            g.model = self.trace_model(v, &mut loras, &mut HashSet::new(), 0);
            if !loras.is_empty() {
                loras.reverse();
                put_param(&mut g, "loras", Value::from(loras));
            }
        }
        let latent = ins.get("latent_image").and_then(|v| self.link(v));
        if let Some(latent) = latent.and_then(|(t, _)| self.inputs(&t)) {
            let dim = |k: &str| {
                latent
                    .get(k)
                    .and_then(|v| self.scalar(v, k, 0))
                    .filter(Value::is_u64)
            };
            if let (Some(w), Some(h)) = (dim("width"), dim("height")) {
                put_param(&mut g, "width", w);
                put_param(&mut g, "height", h);
            }
        }
        g
    }
}

/// Orders node ids numerically when they are numbers ("3" < "10"), else by text.
fn node_order(id: &str) -> (u64, String) {
    (id.parse::<u64>().unwrap_or(u64::MAX), id.to_string())
}

/// ComfyUI API graph: the first sampler that starts from scratch (not a hires/refiner pass)
/// gives the fields; every other sampler is summarized in `params["passes"]`.
fn comfy_from_graph(nodes: &Map<String, Value>) -> Generation {
    let graph = Graph { nodes };
    let mut samplers: Vec<&String> = nodes.keys().filter(|id| graph.is_sampler(id)).collect();
    samplers.sort_by_key(|id| node_order(id));
    let primary = samplers
        .iter()
        .find(|id| !graph.fed_by_sampler(id))
        .or_else(|| samplers.first())
        .map(|id| id.to_string());
    let Some(primary) = primary else {
        return new_generation("comfyui");
    };
    let mut g = graph.sampler_generation(&primary);
    let passes: Vec<Value> = samplers
        .iter()
        .filter(|id| ***id != primary)
        .take(MAX_PASSES)
        .map(|id| pass_summary(id, graph.sampler_generation(id)))
        .collect();
    if !passes.is_empty() {
        put_param(&mut g, "passes", Value::Array(passes));
    }
    g
}

fn pass_summary(id: &str, g: Generation) -> Value {
    let mut o = Map::new();
    o.insert("node".into(), Value::from(id));
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            o.insert(k.into(), v);
        }
    };
    put("seed", g.seed.map(Value::from));
    put("steps", g.steps.map(Value::from));
    put("cfg", g.cfg.map(Value::from));
    put("sampler", g.sampler.map(Value::from));
    put("scheduler", g.scheduler.map(Value::from));
    put("model", g.model.map(Value::from));
    put("prompt", g.prompt.map(Value::from));
    put("negative_prompt", g.negative_prompt.map(Value::from));
    for (k, v) in g.params {
        o.entry(k).or_insert(v);
    }
    Value::Object(o)
}

/// ComfyUI UI-format workflow (no `prompt` chunk): converted to an API graph with the widget
/// names of common nodes, best effort; failing a sampler, the text encoders' texts are the prompt.
fn comfy_from_workflow(wf: &Map<String, Value>) -> Generation {
    let nodes = workflow_to_graph(wf);
    let graph = Graph { nodes: &nodes };
    if nodes.keys().any(|id| graph.is_sampler(id)) {
        return comfy_from_graph(&nodes);
    }
    let mut g = new_generation("comfyui");
    let mut ids: Vec<&String> = nodes.keys().collect();
    ids.sort_by_key(|id| node_order(id));
    let mut texts: Vec<String> = Vec::new();
    for id in ids {
        if !graph.class(id).contains("TextEncode") {
            continue;
        }
        for key in TEXT_KEYS {
            let text = graph
                .inputs(id)
                .and_then(|i| i.get(*key))
                .and_then(Value::as_str)
                .map(str::trim)
                .unwrap_or("");
            if !text.is_empty() && !texts.iter().any(|t| t == text) {
                texts.push(text.to_string());
            }
        }
    }
    g.prompt = (!texts.is_empty()).then(|| texts.join("\n"));
    g
}

/// Widget names, in `widgets_values` order, for the nodes whose values matter here.
fn widget_names(class: &str, count: usize) -> &'static [&'static str] {
    match class {
        "KSampler" if count >= 7 => &[
            "seed",
            "control_after_generate",
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "denoise",
        ],
        "KSampler" => &["seed", "steps", "cfg", "sampler_name", "scheduler", "denoise"],
        "KSamplerAdvanced" if count >= 10 => &[
            "add_noise",
            "noise_seed",
            "control_after_generate",
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "start_at_step",
            "end_at_step",
            "return_with_leftover_noise",
        ],
        "KSamplerAdvanced" => &[
            "add_noise",
            "noise_seed",
            "steps",
            "cfg",
            "sampler_name",
            "scheduler",
            "start_at_step",
            "end_at_step",
            "return_with_leftover_noise",
        ],
        "CheckpointLoaderSimple" | "unCLIPCheckpointLoader" | "ImageOnlyCheckpointLoader" => &["ckpt_name"],
        "CheckpointLoader" => &["config_name", "ckpt_name"],
        "UNETLoader" => &["unet_name", "weight_dtype"],
        "LoraLoader" => &["lora_name", "strength_model", "strength_clip"],
        "LoraLoaderModelOnly" => &["lora_name", "strength_model"],
        "CLIPTextEncode" => &["text"],
        "EmptyLatentImage" | "EmptySD3LatentImage" => &["width", "height", "batch_size"],
        "RandomNoise" => &["noise_seed", "control_after_generate"],
        "KSamplerSelect" => &["sampler_name"],
        "BasicScheduler" => &["scheduler", "steps", "denoise"],
        "CFGGuider" => &["cfg"],
        "PrimitiveNode" => &["value"],
        _ => &[],
    }
}

fn workflow_to_graph(wf: &Map<String, Value>) -> Map<String, Value> {
    let id_text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut links: HashMap<String, (String, u64)> = HashMap::new();
    for link in wf.get("links").and_then(Value::as_array).into_iter().flatten() {
        let parts = match link {
            Value::Array(a) if a.len() >= 3 => a
                .first()
                .and_then(id_text)
                .zip(a.get(1).and_then(id_text))
                .zip(a.get(2).and_then(Value::as_u64)),
            Value::Object(o) => o
                .get("id")
                .and_then(id_text)
                .zip(o.get("origin_id").and_then(id_text))
                .zip(o.get("origin_slot").and_then(Value::as_u64)),
            _ => None,
        };
        if let Some(((id, from), slot)) = parts {
            links.insert(id, (from, slot));
        }
    }

    let mut graph = Map::new();
    for node in wf.get("nodes").and_then(Value::as_array).into_iter().flatten() {
        let (Some(id), Some(class)) = (
            node.get("id").and_then(id_text),
            node.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        let mut inputs = Map::new();
        // Muted (2) and bypassed (4) nodes contribute no values of their own.
        let active = !matches!(node.get("mode").and_then(Value::as_u64), Some(2 | 4));
        match node.get("widgets_values") {
            Some(Value::Array(values)) if active => {
                if class.contains("TextEncode") && class != "CLIPTextEncode" {
                    let strings = values.iter().filter(|v| v.is_string());
                    for (key, v) in TEXT_KEYS.iter().zip(strings) {
                        inputs.insert((*key).to_string(), v.clone());
                    }
                } else {
                    for (key, v) in widget_names(class, values.len()).iter().zip(values) {
                        inputs.insert((*key).to_string(), v.clone());
                    }
                }
            }
            Some(Value::Object(values)) if active => {
                for (k, v) in values {
                    inputs.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
        for input in node.get("inputs").and_then(Value::as_array).into_iter().flatten() {
            let name = input.get("name").and_then(Value::as_str);
            let origin = input.get("link").and_then(id_text).and_then(|l| links.get(&l));
            if let (Some(name), Some((from, slot))) = (name, origin) {
                inputs.insert(
                    name.to_string(),
                    Value::Array(vec![Value::from(from.as_str()), Value::from(*slot)]),
                );
            }
        }
        let mut entry = Map::new();
        entry.insert("class_type".into(), Value::from(class));
        entry.insert("inputs".into(), Value::Object(inputs));
        graph.insert(id, Value::Object(entry));
    }
    graph
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn corpus() -> Option<PathBuf> {
        let dir = std::env::var_os("ATELIER_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus")));
        if dir.is_dir() {
            Some(dir)
        } else {
            eprintln!("corpus not found at {}: skipping", dir.display());
            None
        }
    }

    /// All tEXt/zTXt/iTXt chunks of a PNG, in the png crate's order.
    fn png_text(path: &Path) -> Vec<(String, String)> {
        let file = std::io::BufReader::new(std::fs::File::open(path).expect("open png"));
        let mut reader = png::Decoder::new(file).read_info().expect("png header");
        // Text after IDAT is only seen once the rest of the file has been read.
        let _ = reader.finish();
        let info = reader.info();
        let mut out = Vec::new();
        for c in &info.uncompressed_latin1_text {
            out.push((c.keyword.clone(), c.text.clone()));
        }
        for c in &info.compressed_latin1_text {
            if let Ok(t) = c.get_text() {
                out.push((c.keyword.clone(), t));
            }
        }
        for c in &info.utf8_text {
            if let Ok(t) = c.get_text() {
                out.push((c.keyword.clone(), t));
            }
        }
        out
    }

    fn corpus_png(name: &str) -> Option<Generation> {
        let dir = corpus()?;
        let path = dir.join("ai-png").join(name);
        from_png_text(&png_text(&path))
    }

    const A1111_DUCK: &str = "photo of a duck\nNegative prompt: monochrome\nSteps: 15, Sampler: UniPC, CFG scale: 5, Seed: 235284042, Size: 512x400, Model hash: c0d1994c73, Model: realistic_realisticVisionV20_v20";

    fn assert_duck(g: &Generation) {
        assert_eq!(g.tool, "automatic1111");
        assert_eq!(g.prompt.as_deref(), Some("photo of a duck"));
        assert_eq!(g.negative_prompt.as_deref(), Some("monochrome"));
        assert_eq!(g.steps, Some(15));
        assert_eq!(g.sampler.as_deref(), Some("UniPC"));
        assert_eq!(g.cfg, Some(5.0));
        assert_eq!(g.seed, Some(235284042));
        assert_eq!(g.model.as_deref(), Some("realistic_realisticVisionV20_v20"));
        assert_eq!(g.model_hash.as_deref(), Some("c0d1994c73"));
        assert_eq!(g.params.get("Size"), Some(&Value::from("512x400")));
        assert_eq!(g.params.len(), 1);
    }

    #[test]
    fn a1111_user_comment_from_the_jpeg_sample() {
        let g = from_user_comment(A1111_DUCK).expect("parameters");
        assert_duck(&g);
    }

    #[test]
    fn a1111_png_sample_matches_exiftool() {
        let Some(g) = corpus_png(
            "sd-parsers/sd-parsers__tests_resources_parsers_AUTOMATIC1111_automatic1111_cropped.png",
        ) else {
            return;
        };
        assert_duck(&g);
    }

    #[test]
    fn a1111_quoted_values_keep_their_commas() {
        let text = "a cat\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.5, Seed: 1, Lora hashes: \"a: 123, b: 456\", TI hashes: \"x: \\\"q\\\"\", Hashes: {\"vae\": \"v1\", \"model\": \"m1\"}, Version: v1.10.1";
        let g = from_user_comment(text).expect("parameters");
        assert_eq!(g.tool, "automatic1111");
        assert_eq!(g.scheduler.as_deref(), Some("Karras"));
        assert_eq!(g.cfg, Some(7.5));
        assert_eq!(g.params["Lora hashes"], Value::from("a: 123, b: 456"));
        assert_eq!(g.params["TI hashes"], Value::from("x: \"q\""));
        assert_eq!(g.params["Hashes"]["model"], Value::from("m1"));
        assert_eq!(g.params["Version"], Value::from("v1.10.1"));
        assert_eq!(g.negative_prompt, None);
    }

    #[test]
    fn a1111_multiline_prompt_and_negative() {
        let text = "line one,\nline two\n\nNegative prompt: bad,\nworse\nSteps: 30, Seed: -5, Size: 1x1\n";
        let g = from_png_text(&pairs(&[("parameters", text)])).expect("parameters");
        assert_eq!(g.prompt.as_deref(), Some("line one,\nline two"));
        assert_eq!(g.negative_prompt.as_deref(), Some("bad,\nworse"));
        assert_eq!(g.steps, Some(30));
        assert_eq!(g.seed, Some(-5));
    }

    #[test]
    fn a1111_forge_and_fooocus_versions_name_the_tool() {
        let forge =
            from_user_comment("x\nSteps: 4, Seed: 2, Version: f2.0.1v1.10.1-previous-1").expect("forge");
        assert_eq!(forge.tool, "forge");
        let fooocus = from_user_comment("x\nSteps: 4, Seed: 2, Version: Fooocus v2.5.0").expect("fooocus");
        assert_eq!(fooocus.tool, "fooocus");
        let a1111 = from_user_comment("x\nSteps: 4, Seed: 2, Version: v1.9.0").expect("a1111");
        assert_eq!(a1111.tool, "automatic1111");
    }

    #[test]
    fn a1111_huge_or_junk_numbers_stay_in_params() {
        let g = from_user_comment("p\nSteps: -3, Seed: 18446744073709551615, CFG scale: nan?")
            .expect("parameters");
        assert_eq!(g.seed, None);
        assert_eq!(g.params["Seed"], Value::from("18446744073709551615"));
        assert_eq!(g.steps, None);
        assert_eq!(g.params["Steps"], Value::from("-3"));
        assert_eq!(g.cfg, None);
    }

    #[test]
    fn a1111_settings_only_has_no_prompt() {
        let g = from_user_comment("Steps: 20, Sampler: Euler a, Seed: 7").expect("parameters");
        assert_eq!(g.prompt, None);
        assert_eq!(g.seed, Some(7));
    }

    #[test]
    fn user_comments_that_are_not_parameters_give_none() {
        for text in [
            "",
            "ASCII\0\0\0",
            "UNICODE\0   ",
            "                                    ",
            "Holiday in Rome, 2019",
            "Nice: picture, of: a, dog: yes",
            "{not json",
            "{\"title\": \"a photo\"}",
            "[1, 2, 3]",
        ] {
            assert_eq!(from_user_comment(text), None, "{text:?}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            "\"",
            "\"\\",
            "Steps:",
            "Steps: \"",
            "Steps: {",
            "Steps: [\"a\"",
            ":::,,,",
            "Negative prompt:",
            "{\"3\": {\"class_type\": \"KSampler\", \"inputs\": {\"positive\": [\"3\", 0], \"model\": [\"3\", 0], \"seed\": [\"3\", 0]}}}",
            "{\"nodes\": [{\"id\": 1, \"type\": \"KSampler\", \"widgets_values\": [1e400]}], \"links\": [[1]]}",
            "{\"positive_prompt\": 5, \"model\": [1], \"seed\": {\"a\": 1}}",
            "{\"uc\": null, \"prompt\": [null, 3], \"seed\": 1.5e300, \"steps\": 5e9}",
        ];
        for text in inputs {
            let _ = from_user_comment(text);
            for key in [
                "parameters",
                "prompt",
                "workflow",
                "Comment",
                "sd-metadata",
                "Dream",
                "invokeai_metadata",
            ] {
                let _ = from_png_text(&pairs(&[(key, text), ("Software", "NovelAI")]));
            }
        }
    }

    #[test]
    fn model_refs_from_a1111_and_comfyui() {
        let text = "a cat <lora:Ink Wash:0.7>\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Model hash: 31E35C80FC, Model: sd_xl_base_1.0, Lora hashes: \"Ink Wash: 0a1b2c3d4e5f\", Version: v1.10.1";
        let g = from_png_text(&[("parameters".into(), text.into())]).unwrap();
        let refs = g.model_refs();
        assert!(refs.contains(&ModelRef::Hash("31e35c80fc".into())), "{refs:?}");
        assert!(refs.contains(&ModelRef::Hash("0a1b2c3d4e5f".into())));
        assert!(refs.contains(&ModelRef::Name("sd_xl_base_1.0".into())));
        assert!(refs.contains(&ModelRef::Name("ink wash".into())));
        assert_eq!(model_key("models\\Lora/ink wash.SafeTensors"), "ink wash");
    }

    #[test]
    fn comfy_graph_follows_combiners_loras_and_primitives() {
        let graph = r#"{
            "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "base.safetensors"}},
            "2": {"class_type": "LoraLoader", "inputs": {"lora_name": "a.safetensors", "model": ["1", 0], "clip": ["1", 1]}},
            "3": {"class_type": "LoraLoader", "inputs": {"lora_name": "b.safetensors", "model": ["2", 0], "clip": ["2", 1]}},
            "4": {"class_type": "PrimitiveString", "inputs": {"value": "a red fox"}},
            "5": {"class_type": "CLIPTextEncode", "inputs": {"text": ["4", 0], "clip": ["3", 1]}},
            "6": {"class_type": "CLIPTextEncodeSDXL", "inputs": {"text_g": "snow", "text_l": "snow", "clip": ["3", 1]}},
            "7": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["5", 0], "conditioning_2": ["8", 0]}},
            "8": {"class_type": "ConditioningSetArea", "inputs": {"conditioning": ["7", 0], "width": 64}},
            "9": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["7", 0], "conditioning_2": ["6", 0]}},
            "10": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["3", 1]}},
            "11": {"class_type": "EmptyLatentImage", "inputs": {"width": 832, "height": 1216, "batch_size": 1}},
            "12": {"class_type": "KSampler", "inputs": {"seed": 18446744073709551615, "steps": 25, "cfg": 6.5, "sampler_name": "euler", "scheduler": "karras", "denoise": 1.0, "model": ["3", 0], "positive": ["9", 0], "negative": ["10", 0], "latent_image": ["11", 0]}}
        }"#;
        let g = from_png_text(&pairs(&[("prompt", graph)])).expect("graph");
        assert_eq!(g.tool, "comfyui");
        assert_eq!(g.prompt.as_deref(), Some("a red fox\nsnow"));
        assert_eq!(g.negative_prompt.as_deref(), Some("blurry"));
        assert_eq!(g.model.as_deref(), Some("base.safetensors"));
        assert_eq!(
            g.params["loras"],
            serde_json::json!(["a.safetensors", "b.safetensors"])
        );
        assert_eq!(g.seed, None);
        assert_eq!(g.params["seed"], Value::from("18446744073709551615"));
        assert_eq!(g.steps, Some(25));
        assert_eq!(g.cfg, Some(6.5));
        assert_eq!(g.sampler.as_deref(), Some("euler"));
        assert_eq!(g.scheduler.as_deref(), Some("karras"));
        assert_eq!(g.params["denoise"], Value::from(1.0));
        assert_eq!(g.params["width"], Value::from(832));
    }

    #[test]
    fn comfy_sampler_custom_advanced_spreads_its_settings() {
        let graph = r#"{
            "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors", "weight_dtype": "default"}},
            "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse", "clip": ["9", 0]}},
            "3": {"class_type": "FluxGuidance", "inputs": {"guidance": 3.5, "conditioning": ["2", 0]}},
            "4": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["2", 0]}},
            "5": {"class_type": "CFGGuider", "inputs": {"cfg": 1.0, "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0]}},
            "6": {"class_type": "RandomNoise", "inputs": {"noise_seed": 42}},
            "7": {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1.0, "model": ["1", 0]}},
            "8": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
            "10": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["6", 0], "guider": ["5", 0], "sampler": ["8", 0], "sigmas": ["7", 0], "latent_image": ["11", 0]}}
        }"#;
        let g = from_user_comment(&format!("prompt:{graph}")).expect("graph");
        assert_eq!(g.prompt.as_deref(), Some("a lighthouse"));
        assert_eq!(g.negative_prompt, None);
        assert_eq!(g.model.as_deref(), Some("flux1-dev.safetensors"));
        assert_eq!(g.seed, Some(42));
        assert_eq!(g.steps, Some(20));
        assert_eq!(g.sampler.as_deref(), Some("euler"));
        assert_eq!(g.scheduler.as_deref(), Some("simple"));
    }

    #[test]
    fn comfy_img2img_sample() {
        let Some(g) =
            corpus_png("sd-parsers/sd-parsers__tests_resources_parsers_ComfyUI_img2img_cropped.png")
        else {
            return;
        };
        assert_eq!(g.tool, "comfyui");
        assert_eq!(
            g.prompt.as_deref(),
            Some("photograph of victorian woman with wings, sky clouds, meadow grass")
        );
        assert_eq!(g.negative_prompt.as_deref(), Some("watermark, text"));
        assert_eq!(g.model.as_deref(), Some("v1-5-pruned-emaonly.ckpt"));
        assert_eq!(g.seed, Some(280823642470253));
        assert_eq!(g.steps, Some(20));
        assert_eq!(g.cfg, Some(8.0));
        assert_eq!(g.sampler.as_deref(), Some("sample_dpmpp_2m"));
        assert_eq!(g.scheduler.as_deref(), Some("normal"));
        assert_eq!(g.params["denoise"], Value::from(0.8700000000000001));
        assert!(!g.params.contains_key("passes"));
    }

    #[test]
    fn comfy_area_composition_collects_every_area_prompt() {
        let Some(g) = corpus_png(
            "sd-parsers/sd-parsers__tests_resources_parsers_ComfyUI_night_evening_day_morning_cropped.png",
        ) else {
            return;
        };
        let prompt = g.prompt.as_deref().unwrap_or("");
        for part in [
            "national park scenery",
            "(sunset:1.3)",
            "(galaxy:1.2)",
            "sky (blue)",
            "morning sky",
        ] {
            assert!(prompt.contains(part), "{part} missing from {prompt}");
        }
        assert!(
            g.negative_prompt
                .as_deref()
                .is_some_and(|n| n.starts_with("(hands), text, error"))
        );
        assert_eq!(g.model.as_deref(), Some("Anything-V3.0.ckpt"));
        assert_eq!(g.seed, Some(335608130539327));
        assert_eq!(g.steps, Some(13));
        assert_eq!(g.cfg, Some(8.5));
        assert_eq!(g.sampler.as_deref(), Some("dpmpp_sde"));
        let passes = g.params["passes"].as_array().expect("passes");
        assert_eq!(passes.len(), 1);
        assert_eq!(passes[0]["seed"], Value::from(1122440447966177_i64));
        assert_eq!(
            passes[0]["model"],
            Value::from("AbyssOrangeMix2_hard.safetensors")
        );
    }

    #[test]
    fn comfy_unclip_two_pass_sample() {
        let Some(g) =
            corpus_png("sd-parsers/sd-parsers__tests_resources_parsers_ComfyUI_unclip_2pass_cropped.png")
        else {
            return;
        };
        assert!(
            g.prompt
                .as_deref()
                .is_some_and(|p| p.starts_with("(waifu, anime, exceptional"))
        );
        assert_eq!(
            g.model.as_deref(),
            Some("wd-1-5-beta2-aesthetic-unclip-h-fp32.safetensors")
        );
        assert_eq!(g.seed, Some(1106257833005336));
        assert_eq!(g.sampler.as_deref(), Some("uni_pc_bh2"));
        assert_eq!(
            g.params["passes"][0]["prompt"],
            Value::from("beautiful scenery landscape outdoors mountains")
        );
    }

    #[test]
    fn comfy_examples_from_the_corpus() {
        let Some(dir) = corpus() else {
            return;
        };
        let read = |name: &str| from_png_text(&png_text(&dir.join("ai-png/comfyui").join(name))).expect(name);

        let lora = read("ComfyUI_examples__lora_lora.png");
        assert_eq!(lora.prompt.as_deref(), Some("masterpiece best quality girl"));
        assert_eq!(lora.negative_prompt.as_deref(), Some("bad hands"));
        assert_eq!(lora.model.as_deref(), Some("v1-5-pruned-emaonly.ckpt"));
        assert_eq!(
            lora.params["loras"],
            serde_json::json!(["epiNoiseoffset_v2.safetensors"])
        );
        assert_eq!(lora.seed, Some(851616030078638));
        assert_eq!(lora.params["width"], Value::from(512));

        // The ESRGAN hires pass decodes, upscales and re-encodes: still a second pass.
        let esrgan = read("ComfyUI_examples__2_pass_txt2img_hiresfix_esrgan_workflow.png");
        assert_eq!(esrgan.seed, Some(251225068430076));
        assert_eq!(esrgan.steps, Some(12));
        assert_eq!(
            esrgan.params["passes"][0]["seed"],
            Value::from(783745448521451_i64)
        );
        assert_eq!(esrgan.model.as_deref(), Some("v2-1_768-ema-pruned.ckpt"));

        let zero123 = read("ComfyUI_examples__3d_stable_zero123_example.png");
        assert_eq!(zero123.prompt, None);
        assert_eq!(zero123.model.as_deref(), Some("stable_zero123.ckpt"));
        assert_eq!(zero123.scheduler.as_deref(), Some("sgm_uniform"));

        for name in [
            "ComfyUI_examples__2_pass_txt2img_hiresfix_latent_workflow.png",
            "ComfyUI_examples__area_composition_morning_day_evening_night.png",
            "ComfyUI_examples__area_composition_night_evening_day_morning_subject.png",
            "ComfyUI_examples__area_composition_square_area_for_2_subjects.png",
        ] {
            let g = read(name);
            assert_eq!(g.tool, "comfyui");
            assert!(
                g.prompt.is_some() && g.negative_prompt.is_some() && g.seed.is_some(),
                "{name}: {g:?}"
            );
            assert!(
                !g.params.values().any(|v| v.to_string().contains("last_node_id")),
                "{name}"
            );
        }
    }

    #[test]
    fn comfy_workflow_only_is_read_best_effort() {
        let Some(dir) = corpus() else {
            return;
        };
        let chunks: Vec<(String, String)> = png_text(
            &dir.join("ai-png/sd-parsers/sd-parsers__tests_resources_parsers_ComfyUI_img2img_cropped.png"),
        )
        .into_iter()
        .filter(|(k, _)| k != "prompt")
        .collect();
        let g = from_png_text(&chunks).expect("workflow");
        assert_eq!(g.tool, "comfyui");
        assert_eq!(
            g.prompt.as_deref(),
            Some("photograph of victorian woman with wings, sky clouds, meadow grass")
        );
        assert_eq!(g.negative_prompt.as_deref(), Some("watermark, text"));
        assert_eq!(g.model.as_deref(), Some("v1-5-pruned-emaonly.ckpt"));
        assert_eq!(g.seed, Some(280823642470253));
        assert_eq!(g.steps, Some(20));
        assert_eq!(g.cfg, Some(8.0));
        assert_eq!(g.sampler.as_deref(), Some("sample_dpmpp_2m"));
    }

    #[test]
    fn comfy_workflow_without_sampler_falls_back_to_encoder_texts() {
        let wf = r#"{"nodes": [{"id": 1, "type": "CLIPTextEncode", "widgets_values": ["  a boat "]}, {"id": 2, "type": "CLIPTextEncodeSDXL", "widgets_values": [1024, 1024, 0, 0, 1024, 1024, "sea", "sea"]}], "links": []}"#;
        let g = from_png_text(&pairs(&[("workflow", wf)])).expect("workflow");
        assert_eq!(g.prompt.as_deref(), Some("a boat\nsea"));
        assert_eq!(g.tool, "comfyui");
    }

    #[test]
    fn comfy_parameters_text_wins_and_graph_fills_gaps() {
        let graph = r#"{"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "m.safetensors"}}, "2": {"class_type": "KSampler", "inputs": {"seed": 9, "model": ["1", 0], "positive": ["3", 0]}}, "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "graph prompt"}}}"#;
        let g = from_png_text(&pairs(&[
            ("parameters", "saver prompt\nSteps: 8, Seed: 5"),
            ("prompt", graph),
        ]))
        .expect("g");
        assert_eq!(g.tool, "comfyui");
        assert_eq!(g.prompt.as_deref(), Some("saver prompt"));
        assert_eq!(g.seed, Some(5));
        assert_eq!(g.model.as_deref(), Some("m.safetensors"));
    }

    #[test]
    fn comfy_json_with_nan_is_still_read() {
        let graph = r#"{"1": {"class_type": "KSampler", "inputs": {"seed": 3, "cfg": NaN, "model": ["1", 0], "positive": ["2", 0]}}, "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "NaN is fine here"}}}"#;
        let g = from_png_text(&pairs(&[("prompt", graph)])).expect("g");
        assert_eq!(g.seed, Some(3));
        assert_eq!(g.prompt.as_deref(), Some("NaN is fine here"));
    }

    #[test]
    fn fooocus_json_sample() {
        let Some(g) =
            corpus_png("sd-parsers/sd-parsers__tests_resources_parsers_Fooocus_fooocus1_cropped.png")
        else {
            return;
        };
        assert_eq!(g.tool, "fooocus");
        assert_eq!(g.prompt.as_deref(), Some("a smiling goldfish"));
        assert_eq!(g.negative_prompt, None);
        assert_eq!(g.model.as_deref(), Some("juggernautXL_v8Rundiffusion"));
        assert_eq!(g.model_hash.as_deref(), Some("aeb7e9e689"));
        assert_eq!(g.seed, Some(6952411511246973023));
        assert_eq!(g.steps, Some(30));
        assert_eq!(g.cfg, Some(4.0));
        assert_eq!(g.sampler.as_deref(), Some("dpmpp_2m_sde_gpu"));
        assert_eq!(g.scheduler.as_deref(), Some("karras"));
        assert_eq!(
            g.params["styles"],
            Value::from("['Fooocus V2', 'Fooocus Enhance', 'Fooocus Sharp']")
        );
        assert_eq!(g.params["version"], Value::from("Fooocus v2.4.3"));
    }

    #[test]
    fn fooocus_a1111_scheme_is_fooocus() {
        let g = from_png_text(&pairs(&[
            ("parameters", "fish\nSteps: 30, Seed: 1"),
            ("fooocus_scheme", "a1111"),
        ]))
        .expect("g");
        assert_eq!(g.tool, "fooocus");
        assert_eq!(g.prompt.as_deref(), Some("fish"));
    }

    #[test]
    fn fooocus_json_in_user_comment() {
        let g = from_user_comment(r#"{"prompt": "a fox", "negative_prompt": "", "base_model": "juggernaut", "seed": "12", "steps": 30, "guidance_scale": 4, "version": "Fooocus v2.5.0"}"#).expect("g");
        assert_eq!(g.tool, "fooocus");
        assert_eq!(g.prompt.as_deref(), Some("a fox"));
        assert_eq!(g.negative_prompt, None);
        assert_eq!(g.seed, Some(12));
    }

    #[test]
    fn invokeai_metadata_sample() {
        let Some(g) =
            corpus_png("sd-parsers/sd-parsers__tests_resources_parsers_InvokeAI_invokeai_imeta1.png")
        else {
            return;
        };
        assert_eq!(g.tool, "invokeai");
        assert_eq!(
            g.prompt.as_deref(),
            Some("digital artwork, oil painting. painterly brushstrokes, holidays,")
        );
        assert!(
            g.negative_prompt
                .as_deref()
                .is_some_and(|n| n.starts_with("grainy+, photo"))
        );
        assert_eq!(g.model.as_deref(), Some("juggernautXL"));
        assert_eq!(g.seed, Some(3293022630));
        assert_eq!(g.steps, Some(35));
        assert_eq!(g.cfg, Some(8.0));
        assert_eq!(g.sampler.as_deref(), Some("euler"));
        assert_eq!(g.params["width"], Value::from(1024));
        assert_eq!(g.params["model_base"], Value::from("sdxl"));
        assert!(!g.params.contains_key("model"));
    }

    #[test]
    fn invokeai_sd_metadata_sample_splits_bracketed_negative() {
        let Some(g) =
            corpus_png("sd-parsers/sd-parsers__tests_resources_parsers_InvokeAI_invokeai_sdmeta1.png")
        else {
            return;
        };
        assert_eq!(g.tool, "invokeai");
        let prompt = g.prompt.as_deref().unwrap_or("");
        assert!(prompt.starts_with("professional full body photo of young woman"));
        assert!(prompt.ends_with("film grain, low contrast"));
        assert_eq!(
            g.negative_prompt.as_deref(),
            Some("rendering, glowing eyes, skinny")
        );
        assert_eq!(g.model.as_deref(), Some("deliberateForInvoke_v08"));
        assert_eq!(g.seed, Some(2980747362));
        assert_eq!(g.steps, Some(50));
        assert_eq!(g.cfg, Some(5.0));
        assert_eq!(g.sampler.as_deref(), Some("k_lms"));
        assert_eq!(g.params["app_version"], Value::from("2.3.0"));
    }

    #[test]
    fn invokeai_dream_alone() {
        let g = from_png_text(&pairs(&[(
            "Dream",
            "\"a \\\"quoted\\\" cat [dog]\" -s 50 -S 2980747362 -W 512 -H 768 -C 7.5 -A k_lms -U 4 0.95 -F",
        )]))
        .expect("g");
        assert_eq!(g.prompt.as_deref(), Some("a \"quoted\" cat"));
        assert_eq!(g.negative_prompt.as_deref(), Some("dog"));
        assert_eq!(g.steps, Some(50));
        assert_eq!(g.seed, Some(2980747362));
        assert_eq!(g.cfg, Some(7.5));
        assert_eq!(g.sampler.as_deref(), Some("k_lms"));
        assert_eq!(g.params["width"], Value::from(512));
        assert_eq!(g.params["-U"], Value::from("4 0.95"));
        assert_eq!(g.params["-F"], Value::Bool(true));
    }

    #[test]
    fn novelai_comment_and_source() {
        let comment = r#"{"prompt": "1girl, rain", "steps": 28, "height": 1216, "width": 832, "scale": 5.0, "seed": 3957483092, "sampler": "k_euler_ancestral", "noise_schedule": "native", "uc": "lowres, bad anatomy", "n_samples": 1}"#;
        let g = from_png_text(&pairs(&[
            ("Title", "NovelAI generated image"),
            ("Description", "1girl, rain"),
            ("Software", "NovelAI"),
            ("Source", "Stable Diffusion XL C1E1DE52"),
            ("Comment", comment),
        ]))
        .expect("g");
        assert_eq!(g.tool, "novelai");
        assert_eq!(g.prompt.as_deref(), Some("1girl, rain"));
        assert_eq!(g.negative_prompt.as_deref(), Some("lowres, bad anatomy"));
        assert_eq!(g.cfg, Some(5.0));
        assert_eq!(g.seed, Some(3957483092));
        assert_eq!(g.steps, Some(28));
        assert_eq!(g.sampler.as_deref(), Some("k_euler_ancestral"));
        assert_eq!(g.scheduler.as_deref(), Some("native"));
        assert_eq!(g.model.as_deref(), Some("Stable Diffusion XL"));
        assert_eq!(g.model_hash.as_deref(), Some("C1E1DE52"));
        assert_eq!(g.params["width"], Value::from(832));
    }

    #[test]
    fn novelai_description_is_the_fallback_prompt() {
        let g = from_png_text(&pairs(&[
            ("Software", "NovelAI"),
            ("Description", " a cat "),
            ("Comment", "not json"),
        ]))
        .expect("g");
        assert_eq!(g.tool, "novelai");
        assert_eq!(g.prompt.as_deref(), Some("a cat"));
    }

    #[test]
    fn png_without_generation_chunks_gives_none() {
        assert_eq!(from_png_text(&[]), None);
        assert_eq!(
            from_png_text(&pairs(&[
                ("Software", "GIMP"),
                ("Comment", "hello"),
                ("parameters", "  ")
            ])),
            None
        );
    }
}
