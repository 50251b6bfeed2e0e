//! AI model files (R9.7): what their headers say and the hashes generation tools write.
//!
//! `.safetensors` start with a little-endian u64 and that many bytes of JSON whose
//! `__metadata__` holds the trainer's notes (kohya's `ss_*` keys, the `modelspec.*` keys);
//! `.gguf` carries typed key/value pairs (`general.name`, `general.architecture`); `.ckpt` and
//! `.pt` are pickles, read for their hashes only (unpickling runs code, so it is never done).
//!
//! Hashes, in one streaming pass: SHA-256 of the whole file (its first 10 hex digits are the
//! "AutoV2" hash A1111 writes as `Model hash`), and for safetensors the SHA-256 of the tensor
//! data after the header (A1111's and kohya's "addnet" hash, whose first 12 digits appear in
//! `Lora hashes`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::MediaError;

/// The largest safetensors header accepted (real ones are a few MB at most).
const MAX_HEADER: u64 = 100 << 20;

/// What a model file says about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelInfo {
    /// "safetensors", "checkpoint", "PyTorch", "GGUF".
    pub format: String,
    /// The base model it was trained on or for ("sdxl_base_v1-0", "SD 1.5", "llama"…).
    pub base_model: Option<String>,
    /// Words that trigger it, from the trainer's notes (the explicit trigger phrase, else the
    /// most frequent training tags).
    pub trigger_words: Vec<String>,
    /// The name it was trained under (`ss_output_name`, GGUF `general.name`).
    pub output_name: Option<String>,
    /// Other header facts worth showing (resolution, network, epochs, title, author…).
    pub details: BTreeMap<String, String>,
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
    /// SHA-256 of a safetensors file's data after its header, hex.
    pub addnet: Option<String>,
}

impl ModelInfo {
    /// The short "AutoV2" hash (10 hex digits) A1111 writes as `Model hash`.
    pub fn autov2(&self) -> &str {
        &self.sha256[..10.min(self.sha256.len())]
    }
}

fn corrupt(format: &'static str, reason: impl Into<String>) -> MediaError {
    MediaError::Corrupt {
        format,
        reason: reason.into(),
    }
}

fn io(e: std::io::Error) -> MediaError {
    MediaError::Io {
        reason: e.to_string(),
    }
}

/// Reads a model file's header and hashes it. `format` is the detected kind ("safetensors",
/// "GGUF", "checkpoint"…).
pub fn read_model(path: &Path, format: &str) -> Result<ModelInfo, MediaError> {
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut info = ModelInfo {
        format: format.to_string(),
        ..ModelInfo::default()
    };
    let mut whole = Sha256::new();
    let mut after_header: Option<Sha256> = None;
    match format {
        "safetensors" => {
            let mut len = [0u8; 8];
            file.read_exact(&mut len)
                .map_err(|_| corrupt("safetensors model", "the file is truncated"))?;
            let n = u64::from_le_bytes(len);
            if n == 0 || n > MAX_HEADER || 8 + n > size {
                return Err(corrupt(
                    "safetensors model",
                    format!("its header length ({n} bytes) is impossible"),
                ));
            }
            let mut header = vec![0u8; n as usize];
            file.read_exact(&mut header)
                .map_err(|_| corrupt("safetensors model", "the header is truncated"))?;
            whole.update(len);
            whole.update(&header);
            let json: Value = serde_json::from_slice(&header)
                .map_err(|e| corrupt("safetensors model", format!("its header isn't JSON ({e})")))?;
            if let Some(meta) = json.get("__metadata__").and_then(Value::as_object) {
                read_safetensors_metadata(meta, &mut info);
            }
            after_header = Some(Sha256::new());
        }
        "GGUF" => {
            let mut head = Vec::new();
            (&mut file).take(4 << 20).read_to_end(&mut head).map_err(io)?;
            whole.update(&head);
            read_gguf(&head, &mut info);
        }
        _ => {}
    }
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        whole.update(&buf[..n]);
        if let Some(h) = after_header.as_mut() {
            h.update(&buf[..n]);
        }
    }
    info.sha256 = hex(&whole.finalize());
    info.addnet = after_header.map(|h| hex(&h.finalize()));
    Ok(info)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty() && s != "None").then_some(s)
}

fn read_safetensors_metadata(meta: &serde_json::Map<String, Value>, info: &mut ModelInfo) {
    let get = |k: &str| meta.get(k).and_then(text);
    info.base_model = get("ss_base_model_version")
        .or_else(|| get("modelspec.architecture"))
        .or_else(|| get("ss_sd_model_name"));
    info.output_name = get("ss_output_name").or_else(|| get("modelspec.title"));
    if let Some(phrase) = get("modelspec.trigger_phrase").or_else(|| get("ss_trigger_words")) {
        info.trigger_words = phrase
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
    } else if let Some(freq) = get("ss_tag_frequency") {
        info.trigger_words = top_tags(&freq, 10);
    }
    for (key, label) in [
        ("ss_network_module", "network"),
        ("ss_network_dim", "rank"),
        ("ss_network_alpha", "alpha"),
        ("ss_resolution", "resolution"),
        ("ss_num_epochs", "epochs"),
        ("ss_num_train_images", "training images"),
        ("ss_training_comment", "comment"),
        ("modelspec.author", "author"),
        ("modelspec.description", "description"),
        ("modelspec.license", "license"),
        ("modelspec.resolution", "resolution"),
    ] {
        if let Some(v) = get(key) {
            info.details.entry(label.to_string()).or_insert(v);
        }
    }
}

/// The `n` most frequent tags of kohya's `ss_tag_frequency` (`{dataset: {tag: count}}`, as a
/// JSON string), most frequent first.
fn top_tags(freq: &str, n: usize) -> Vec<String> {
    let Ok(Value::Object(sets)) = serde_json::from_str::<Value>(freq) else {
        return Vec::new();
    };
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for set in sets.values().filter_map(Value::as_object) {
        for (tag, c) in set {
            let tag = tag.trim();
            if !tag.is_empty() {
                *counts.entry(tag.to_string()).or_default() += c.as_u64().unwrap_or(0);
            }
        }
    }
    let mut list: Vec<(String, u64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    list.into_iter().take(n).map(|(t, _)| t).collect()
}

/// Reads the string values of interest from a GGUF header (versions 2 and 3).
fn read_gguf(head: &[u8], info: &mut ModelInfo) {
    struct Cursor<'a>(&'a [u8], usize);
    impl Cursor<'_> {
        fn take(&mut self, n: usize) -> Option<&[u8]> {
            let s = self.0.get(self.1..self.1.checked_add(n)?)?;
            self.1 += n;
            Some(s)
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
        }
        fn u64(&mut self) -> Option<u64> {
            Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
        }
        fn string(&mut self) -> Option<String> {
            let n = usize::try_from(self.u64()?).ok()?;
            Some(String::from_utf8_lossy(self.take(n)?).into_owned())
        }
        /// Skips a value of GGUF type `t`; `Some(text)` for strings.
        fn value(&mut self, t: u32, depth: u8) -> Option<Option<String>> {
            let fixed = match t {
                0 | 1 | 7 => 1,
                2 | 3 => 2,
                4..=6 => 4,
                10..=12 => 8,
                8 => return self.string().map(Some),
                9 if depth == 0 => {
                    let inner = self.u32()?;
                    let n = self.u64()?;
                    for _ in 0..n {
                        self.value(inner, 1)?;
                    }
                    return Some(None);
                }
                _ => return None,
            };
            self.take(fixed)?;
            Some(None)
        }
    }
    let mut c = Cursor(head, 4);
    let Some(version) = c.u32() else { return };
    if version < 2 {
        return;
    }
    let (Some(_tensors), Some(kvs)) = (c.u64(), c.u64()) else {
        return;
    };
    for _ in 0..kvs.min(10_000) {
        let (Some(key), Some(t)) = (c.string(), c.u32()) else {
            return;
        };
        let Some(value) = c.value(t, 0) else { return };
        match (key.as_str(), value) {
            ("general.name", Some(v)) => info.output_name = Some(v),
            ("general.architecture", Some(v)) => info.base_model = Some(v),
            ("general.basename" | "general.size_label" | "general.license" | "general.author", Some(v)) => {
                info.details
                    .insert(key.trim_start_matches("general.").replace('_', " "), v);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safetensors(meta: Value, data: &[u8]) -> Vec<u8> {
        let header = serde_json::to_vec(&serde_json::json!({"__metadata__": meta, "w": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}})).unwrap();
        let mut out = (header.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(&header);
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn a_lora_tells_its_base_model_triggers_and_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inkwash.safetensors");
        let freq = r#"{"10_ink": {"inkwash": 40, "monochrome": 12, "1girl": 3}}"#;
        let bytes = safetensors(
            serde_json::json!({"ss_base_model_version": "sdxl_base_v1-0", "ss_output_name": "inkwash", "ss_tag_frequency": freq, "ss_network_dim": "16"}),
            b"\x01\x02",
        );
        std::fs::write(&path, &bytes).unwrap();
        let m = read_model(&path, "safetensors").unwrap();
        assert_eq!(m.base_model.as_deref(), Some("sdxl_base_v1-0"));
        assert_eq!(m.output_name.as_deref(), Some("inkwash"));
        assert_eq!(m.trigger_words, vec!["inkwash", "monochrome", "1girl"]);
        assert_eq!(m.details["rank"], "16");
        assert_eq!(m.sha256, hex(&Sha256::digest(&bytes)));
        assert_eq!(
            m.addnet.as_deref(),
            Some(hex(&Sha256::digest(b"\x01\x02")).as_str())
        );
        assert_eq!(m.autov2(), &m.sha256[..10]);
    }

    #[test]
    fn a_broken_header_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.safetensors");
        std::fs::write(&path, u64::MAX.to_le_bytes()).unwrap();
        let e = read_model(&path, "safetensors").unwrap_err().to_string();
        assert!(e.contains("header length"), "{e}");
    }

    #[test]
    fn gguf_names_and_checkpoint_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let mut g = b"GGUF".to_vec();
        g.extend(3u32.to_le_bytes());
        g.extend(0u64.to_le_bytes());
        g.extend(2u64.to_le_bytes());
        for (k, v) in [("general.architecture", "llama"), ("general.name", "Tiny Llama")] {
            g.extend((k.len() as u64).to_le_bytes());
            g.extend(k.as_bytes());
            g.extend(8u32.to_le_bytes());
            g.extend((v.len() as u64).to_le_bytes());
            g.extend(v.as_bytes());
        }
        let path = dir.path().join("tiny.gguf");
        std::fs::write(&path, &g).unwrap();
        let m = read_model(&path, "GGUF").unwrap();
        assert_eq!(
            (m.base_model.as_deref(), m.output_name.as_deref()),
            (Some("llama"), Some("Tiny Llama"))
        );
        assert_eq!(m.sha256, hex(&Sha256::digest(&g)));

        let ckpt = dir.path().join("old.ckpt");
        std::fs::write(&ckpt, b"PK\x03\x04pickle").unwrap();
        let m = read_model(&ckpt, "checkpoint").unwrap();
        assert_eq!((m.addnet, m.base_model), (None, None));
        assert_eq!(m.sha256, hex(&Sha256::digest(b"PK\x03\x04pickle")));
    }
}
