//! AI generation parameters (SPEC R2.4): A1111/Forge `parameters`, ComfyUI `prompt`/`workflow`,
//! InvokeAI, NovelAI and Fooocus, read from PNG text chunks or an EXIF UserComment.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a generator recorded about how it made an image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    /// The tool that wrote the parameters: `automatic1111`, `comfyui`, `invokeai`, `novelai`, `fooocus`.
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

/// Reads generation parameters from a PNG's text chunks (keyword, text), if any are present.
pub fn from_png_text(_chunks: &[(String, String)]) -> Option<Generation> {
    None
}

/// Reads generation parameters from an EXIF UserComment (A1111 writes its `parameters` there
/// for JPEG and WebP).
pub fn from_user_comment(_text: &str) -> Option<Generation> {
    None
}
