//! AI models on real files: a LoRA and a checkpoint imported next to generations that name
//! them (by A1111 hashes and by name), linked both ways; unchanged models are not re-read.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use atelier_library::{ImportMode, ImportOptions};
use common::TestLibrary;
use image::RgbImage;
use sha2::{Digest, Sha256};

fn safetensors(meta: serde_json::Value, data: &[u8]) -> Vec<u8> {
    let header = serde_json::to_vec(&serde_json::json!({ "__metadata__": meta })).unwrap();
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&header);
    out.extend_from_slice(data);
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn png(parameters: &str, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_pixel(64, 48, image::Rgb([seed, 40, 90]));
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 64, 48);
        enc.set_color(png::ColorType::Rgb);
        enc.add_text_chunk("parameters".into(), parameters.into())
            .unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(img.as_raw()).unwrap();
    }
    out
}

#[test]
fn models_are_cataloged_and_linked_to_what_they_made() {
    let t = TestLibrary::new();
    let lora_bytes = safetensors(
        serde_json::json!({"ss_base_model_version": "sdxl_base_v1-0", "ss_output_name": "inkwash",
            "ss_tag_frequency": "{\"5_ink\": {\"inkwash\": 30, \"monochrome\": 9}}"}),
        b"tensor-data-of-the-lora",
    );
    let lora_addnet = hex(&Sha256::digest(b"tensor-data-of-the-lora"));
    t.write("models/Lora/inkwash_v2.safetensors", &lora_bytes);
    let ckpt_bytes = b"PK\x03\x04 a pickled checkpoint".to_vec();
    let ckpt_autov2 = hex(&Sha256::digest(&ckpt_bytes))[..10].to_string();
    t.write("models/Stable-diffusion/dreamy.ckpt", &ckpt_bytes);
    // By hashes (A1111) …
    t.write(
        "out/a.png",
        &png(
            &format!(
                "a harbour at dusk\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 1, Model hash: {ckpt_autov2}, Model: whatever, Lora hashes: \"inkwash_v2: {}\"",
                &lora_addnet[..12]
            ),
            1,
        ),
    );
    // … by name (a <lora:> tag) …
    t.write(
        "out/b.png",
        &png(
            "a lighthouse <lora:inkwash_v2:0.8>\nSteps: 20, Seed: 2, Model: other",
            2,
        ),
    );
    // … and one that names neither.
    t.write(
        "out/c.png",
        &png("a boat\nSteps: 20, Seed: 3, Model: something_else", 3),
    );

    let r = t.import(&ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    });
    assert_eq!((r.imported.len(), r.models.len()), (3, 2), "{r:?}");
    assert!(r.models.iter().all(|m| m.new));

    let models = t.lib.as_owner().models(None).unwrap();
    let lora = models
        .iter()
        .find(|m| m.name == "inkwash_v2.safetensors")
        .unwrap();
    assert_eq!(lora.info["base_model"], "sdxl_base_v1-0");
    assert_eq!(
        lora.info["trigger_words"],
        serde_json::json!(["inkwash", "monochrome"])
    );
    assert_eq!(lora.sha256, hex(&Sha256::digest(&lora_bytes)));
    assert_eq!(lora.addnet.as_deref(), Some(&lora_addnet[..12]));
    assert_eq!(lora.uses, 2);
    let ckpt = models.iter().find(|m| m.name == "dreamy.ckpt").unwrap();
    assert_eq!((ckpt.autov2.as_str(), ckpt.uses), (ckpt_autov2.as_str(), 1));

    let page = t.lib.as_owner().model("inkwash_v2").unwrap();
    let mut names: Vec<&str> = page.assets.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["a.png", "b.png"]);
    let a = page.assets.iter().find(|a| a.name == "a.png").unwrap().id;
    let linked: Vec<String> = t
        .lib
        .as_owner()
        .show(a)
        .unwrap()
        .detail
        .models
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(linked, vec!["dreamy.ckpt", "inkwash_v2.safetensors"]);

    // Again: nothing re-read, nothing new.
    let again = t.import(&ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    });
    assert_eq!(again.models.len(), 2);
    assert!(again.models.iter().all(|m| !m.new), "{again:?}");
    assert_eq!(t.lib.as_owner().models(None).unwrap().len(), 2);

    let err = t.lib.as_owner().model("nope").unwrap_err();
    assert_eq!(err.code(), "model_not_found");
    assert_eq!(
        t.lib.as_owner().models(Some("Nope")).unwrap_err().code(),
        "project_not_found"
    );
}
