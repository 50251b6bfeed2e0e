/**
 * Read-only facts of the Info tab, as label/value pairs: camera and exposure from the EXIF
 * display values, and generation parameters (tool, model, seed, sampler…) with everything else
 * kept as pretty JSON under "All parameters".
 */

type Json = Record<string, unknown>;

function str(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return JSON.stringify(v);
}

/** Camera, lens, exposure, GPS, software, artist, copyright. */
export function cameraFacts(exif: Json): [string, string][] {
  const out: [string, string][] = [];
  const make = str(exif.make);
  const model = str(exif.model);
  const camera = model && make && model.toLowerCase().startsWith(make.toLowerCase()) ? model : [make, model].filter(Boolean).join(' ');
  if (camera) out.push(['Camera', camera]);
  const lens = str(exif.lens);
  if (lens) out.push(['Lens', lens]);
  const exposure: string[] = [];
  const t = str(exif.exposure_time);
  if (t) exposure.push(`${t}${/s$/.test(t) ? '' : ' s'}`);
  const f = str(exif.f_number);
  if (f) exposure.push(`ƒ/${f}`);
  const iso = str(exif.iso);
  if (iso) exposure.push(`ISO ${iso}`);
  if (exposure.length) out.push(['Exposure', exposure.join(' · ')]);
  const fl = str(exif.focal_length);
  const fl35 = str(exif.focal_length_35mm);
  if (fl) out.push(['Focal length', `${fl} mm${fl35 && fl35 !== fl ? ` (${fl35} mm equiv.)` : ''}`]);
  const bias = typeof exif.exposure_bias === 'number' ? exif.exposure_bias : null;
  if (bias !== null && bias !== 0) out.push(['Exposure bias', `${bias > 0 ? '+' : ''}${Math.round(bias * 100) / 100} EV`]);
  const gps = exif.gps as { latitude?: number; longitude?: number; altitude?: number } | undefined;
  if (gps && typeof gps.latitude === 'number' && typeof gps.longitude === 'number') {
    const lat = `${Math.abs(gps.latitude).toFixed(5)}° ${gps.latitude >= 0 ? 'N' : 'S'}`;
    const lon = `${Math.abs(gps.longitude).toFixed(5)}° ${gps.longitude >= 0 ? 'E' : 'W'}`;
    const alt = typeof gps.altitude === 'number' ? `, ${Math.round(gps.altitude)} m` : '';
    out.push(['Location', `${lat}, ${lon}${alt}`]);
  }
  for (const [k, label] of [
    ['software', 'Software'],
    ['artist', 'Artist'],
    ['copyright', 'Copyright'],
  ] as const) {
    const v = str(exif[k]);
    if (v) out.push([label, v]);
  }
  return out;
}

const CODEC: Record<string, string> = {
  h264: 'H.264',
  hevc: 'HEVC (H.265)',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
  mpeg1video: 'MPEG-1',
  mpeg2video: 'MPEG-2',
  mpeg4: 'MPEG-4 Part 2',
  mjpeg: 'Motion JPEG',
  prores: 'ProRes',
  dnxhd: 'DNxHD',
  aac: 'AAC',
  mp2: 'MP2',
  mp3: 'MP3',
  opus: 'Opus',
  pcm_s16le: 'PCM',
  pcm_s24le: 'PCM',
};

/** A video's running time, codecs, frame rate, bit rate and container (what ffprobe said). */
export function videoFacts(exif: Json): [string, string][] {
  const out: [string, string][] = [];
  const d = typeof exif.duration_secs === 'number' ? exif.duration_secs : null;
  if (d !== null) {
    const s = Math.round(d);
    const hms = s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    out.push(['Duration', `${hms} (${Math.round(d * 100) / 100} s)`]);
  }
  const codec = str(exif.video_codec);
  if (codec) out.push(['Video codec', CODEC[codec] ?? codec]);
  const fps = typeof exif.frame_rate === 'number' ? exif.frame_rate : null;
  if (fps !== null && fps > 0) out.push(['Frame rate', `${Math.round(fps * 100) / 100} fps`]);
  const rate = typeof exif.bit_rate === 'number' ? exif.bit_rate : null;
  if (rate !== null && rate > 0) {
    out.push(['Bit rate', rate >= 1e6 ? `${Math.round(rate / 1e5) / 10} Mb/s` : `${Math.round(rate / 1e3)} kb/s`]);
  }
  const audio = str(exif.audio_codec);
  out.push(['Audio', audio ? (CODEC[audio] ?? audio) : 'None']);
  const container = str(exif.container);
  if (container) out.push(['Container', container.split(',')[0]!.toUpperCase()]);
  return out;
}

const TOOL: Record<string, string> = {
  automatic1111: 'AUTOMATIC1111',
  forge: 'Forge',
  comfyui: 'ComfyUI',
  invokeai: 'InvokeAI',
  novelai: 'NovelAI',
  fooocus: 'Fooocus',
};

/** Generation parameters: the usual ones as facts, the rest as JSON. */
export function generationFacts(gen: Json | null): { facts: [string, string][]; rest: string | null } | null {
  if (!gen) return null;
  const facts: [string, string][] = [];
  const tool = str(gen.tool);
  if (tool) facts.push(['Tool', TOOL[tool] ?? tool]);
  const model = str(gen.model);
  if (model) facts.push(['Model', model + (gen.model_hash ? ` (${str(gen.model_hash)})` : '')]);
  for (const [k, label] of [
    ['seed', 'Seed'],
    ['sampler', 'Sampler'],
    ['scheduler', 'Scheduler'],
    ['steps', 'Steps'],
    ['cfg', 'CFG scale'],
  ] as const) {
    const v = str(gen[k]);
    if (v) facts.push([label, v]);
  }
  const neg = str(gen.negative_prompt);
  if (neg) facts.push(['Negative prompt', neg]);
  const params = gen.params as Json | undefined;
  const rest = params && Object.keys(params).length ? JSON.stringify(params, null, 2) : null;
  return { facts, rest };
}
