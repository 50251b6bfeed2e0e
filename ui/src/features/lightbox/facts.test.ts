import { describe, expect, it } from 'vitest';
import { cameraFacts, generationFacts } from './facts';

describe('facts', () => {
  it('camera and exposure read like a photographer writes them', () => {
    const f = cameraFacts({
      make: 'Canon',
      model: 'Canon PowerShot SX150 IS',
      exposure_time: '1/50',
      f_number: 3.4,
      iso: 80,
      focal_length: 5.0,
      exposure_bias: 0,
      gps: { latitude: 48.8566, longitude: -2.35, altitude: 35 },
    });
    expect(f).toEqual([
      ['Camera', 'Canon PowerShot SX150 IS'],
      ['Exposure', '1/50 s · ƒ/3.4 · ISO 80'],
      ['Focal length', '5 mm'],
      ['Location', '48.85660° N, 2.35000° W, 35 m'],
    ]);
  });
  it('generation parameters: the usual ones, the rest as JSON', () => {
    const g = generationFacts({ tool: 'comfyui', model: 'Anything-V3.0.ckpt', model_hash: null, seed: 42, steps: 20, cfg: 7, negative_prompt: 'blurry', params: { denoise: 1 } });
    expect(g?.facts).toEqual([
      ['Tool', 'ComfyUI'],
      ['Model', 'Anything-V3.0.ckpt'],
      ['Seed', '42'],
      ['Steps', '20'],
      ['CFG scale', '7'],
      ['Negative prompt', 'blurry'],
    ]);
    expect(g?.rest).toContain('"denoise": 1');
    expect(generationFacts(null)).toBe(null);
  });
});
