#!/usr/bin/python3
"""Calibrate the "Find similar" distance cutoffs of Atelier on labelled data.

The measurement behind Find similar's cutoffs (docs/decisions/0020, atelier_domain::similarity).
Run with the system python (it needs PIL, python3-pil):
  /usr/bin/python3 scripts/similar-calibrate.py [build|import|query|report|all]

  build   make variants of 30 sources and burst frames of the corpus clips, write set/manifest.tsv
  import  import originals (project "orig") and variants (project "var") into a throwaway library
  query   `atelier similar ID --json --limit 500 --project P` for every asset and both projects
          (so every pair is seen, whatever the library size), write distances.tsv
  report  distributions per category, cutoff sweep, error counts, list-order checks

Environment: WORK (default /tmp/simcal), ATELIER (default the release build in
$CARGO_TARGET_DIR), CORPUS (default ../shared/corpus beside the repository), DEMO (default
assets/demo), DEBIAN (default $WORK/debian, made by $CORPUS/get-debian-photos.sh).
"""
import collections
import csv
import glob
import json
import math
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.environ.get("WORK", "/tmp/simcal")
ATELIER = os.environ.get(
    "ATELIER",
    os.path.join(os.environ.get("CARGO_TARGET_DIR", "/var/cache/atelier/target"), "release", "atelier"),
)
CORPUS = os.environ.get("CORPUS", os.path.join(os.path.dirname(REPO), "shared", "corpus"))
DEMO = os.environ.get("DEMO", os.path.join(REPO, "assets", "demo"))
DEBIAN = os.environ.get("DEBIAN", f"{WORK}/debian")
LIB = f"{WORK}/lib-1"
SET = f"{WORK}/set"
MANIFEST = f"{SET}/manifest.tsv"
IDS = f"{WORK}/ids.tsv"
TSV = f"{WORK}/distances.tsv"

# 30 varied sources for the synthetic variants (basename substrings, each must match one file).
VARIANT_SOURCES = [
    # colour checkers (hard: they all look alike)
    "Canon_EOS_RP___MG_0631", "GoPro_Hero7Black__GOPR8508", "Kodak_DC260__P0004796",
    "Nikon_D90__DSC_0001", "Sony_FD92__DSC03923", "HP_C200__DSC00001",
    # exif samples: real snapshots, several small
    "jpg_Canon_PowerShot_S40", "jpg_Kodak_CX7530", "jpg_exif-org_fujifilm-finepix40i",
    "jpg_exif-org_nikon-e950", "jpg_exif-org_sanyo-vpcsx550", "jpg_gps_DSCN0010",
    "jpg_gps_DSCN0025", "jpg_hdr_canon_hdr_NO", "jpg_tests_32-lens_data", "jpg_Olympus_C8080WZ",
    # Debian wallpapers
    "Dragonfly_by_Bolly", "Kleiber_by_Lukas", "Picture_0B_by_freespace", "Picture_1A_by_freespace",
    "Wine_by_Jakkub", "friends_by_Aitzol", "life_by_Aitzol", "analogpattern_by_Peter",
    "mate_nature_Aqua", "mate_nature_Storm", "ColorfulCups", "DarkestHour",
    # demo
    "Eileen_Collins", "coffee_by_Rachel",
]

VARIANT_KINDS = ["q60", "half", "quarter", "crop90", "cropoff90", "crop80", "crop60", "cropoff70", "rot3", "bright",
                 "contrast", "warm", "gray", "mirror", "text", "banner"]

# Natural copies: (file substring, source id, kind). The source id of the Debian file is the key.
NATURAL = {
    # demo copies of Debian wallpapers (downsized, re-encoded)
    "demo/landscapes/Bridge_by_Sander": ("Bridge_by_Sander", "copy_demo"),
    "demo/landscapes/Dune_by_Marco": ("mate_nature_Dune", "copy_demo"),
    "demo/landscapes/aitzgorri": ("aitzgorri_by_Aitzol", "copy_demo"),
    "demo/landscapes/picosdeeuropa": ("picosdeeuropa_by_Aitzol", "copy_demo"),
    "demo/landscapes/sunset_by": ("sunset_by_Aitzol", "copy_demo"),
    "demo/products/free_by": ("free_by_Peter", "copy_demo"),
    "demo/products/greentock": ("greentock_by_Peter", "copy_demo"),
    # the same wallpaper in three sizes
    "Elephants_3840x2160": ("mate_abstract_Elephants", "copy_size"),
    "Elephants_5640x3172": ("mate_abstract_Elephants", "copy_size"),
    # the same waterfall with a different digit drawn in it (EXIF orientation test files)
    "orientation_landscape_3": ("orientation_landscape", "copy_digit"),
    "orientation_landscape_5": ("orientation_landscape", "copy_digit"),
}

# Clips whose frames make bursts: frames at these times (s).
FRAME_TIMES = [1.0, 1.5, 2.0, 4.0]


def src_id(path):
    """Source id of an original file: its base name without extension and folder prefixes."""
    b = os.path.basename(path)
    for sub, (sid, _) in NATURAL.items():
        if sub in path:
            return sid
    for key in ["Bridge_by_Sander", "mate_nature_Dune", "aitzgorri_by_Aitzol", "picosdeeuropa_by_Aitzol",
                "sunset_by_Aitzol", "free_by_Peter", "greentock_by_Peter", "mate_abstract_Elephants",
                "orientation_landscape"]:
        if key in b:
            return key
    return os.path.splitext(b)[0]


def camera_of(name):
    """Camera model for corpus camera files (Make_Model__FILE), else None."""
    return name.split("__")[0] if "__" in name and not name.startswith(("exif-samples", "exiftool")) else None


def theme_of(path):
    b = os.path.basename(path)
    if "/photos/digicam/" in path or ("/heic/Apple" in path) or "CRW_0304" in b:
        return "colorchecker"
    if "/frames/" in path and not any(k in b for k in ("MVI_0120", "MVI_0121", "life_by")):
        return "colorchecker"
    if "/demo/generated/" in path:
        return "bottle"
    if any(k in b for k in ("gps_DSCN0025", "gps_DSCN0029", "gps_DSCN0038", "gps_DSCN0042")):
        return "street"
    return ""


def scene_of(path):
    """Same camera/session scene groups (bursts of stills, a clip's frames)."""
    b = os.path.basename(path)
    if "hdr_iphone_hdr" in b:
        return "iphone_hdr"
    if "MVI_0120" in b or "MVI_0121" in b:
        return "s40_box"  # both clips film the same box
    if "life_by" in b and "/frames/" in path:
        return "life_pan"
    cam = camera_of(b)
    if cam and theme_of(path) == "colorchecker":
        return "cc_" + cam  # the same camera's colour-checker shots (same session, assumed)
    return ""


def originals():
    files = []
    files += sorted(glob.glob(f"{CORPUS}/photos/digicam/*.JPG"))
    files += sorted(glob.glob(f"{CORPUS}/exif/exif-samples/*.jpg") + glob.glob(f"{CORPUS}/exif/exif-samples/*.jpeg"))
    files += sorted(glob.glob(f"{CORPUS}/heic/*"))
    files += sorted(glob.glob(f"{DEBIAN}/*.jpg"))
    files += sorted(glob.glob(f"{DEMO}/generated/*.png") + glob.glob(f"{DEMO}/landscapes/*.jpg")
                    + glob.glob(f"{DEMO}/products/*.jpg") + glob.glob(f"{DEMO}/people/*.jpg")
                    + [f"{DEMO}/raw/CRW_0304.JPG"])
    return files


def build():
    from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps
    os.makedirs(f"{SET}/var", exist_ok=True)
    os.makedirs(f"{SET}/frames", exist_ok=True)
    rows = []
    origs = originals()
    for f in origs:
        sid = src_id(f)
        kind = "orig"
        for sub, (_, k) in NATURAL.items():
            if sub in f:
                kind = k
        rows.append((f, "orig", sid, kind, scene_of(f), theme_of(f)))
    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
    for key in VARIANT_SOURCES:
        match = [f for f in origs if key in os.path.basename(f)]
        assert len(match) == 1, (key, match)
        f = match[0]
        sid = src_id(f)
        im = ImageOps.exif_transpose(Image.open(f)).convert("RGB")
        if max(im.size) > 2560:
            im.thumbnail((2560, 2560), Image.LANCZOS)
        w, h = im.size
        out = {}
        out["q60"] = (im, 60)
        out["half"] = (im.resize((max(1, w // 2), max(1, h // 2)), Image.LANCZOS), 90)
        out["quarter"] = (im.resize((max(1, w // 4), max(1, h // 4)), Image.LANCZOS), 85)
        def crop(frac, anchor="centre"):
            cw, ch = int(w * frac), int(h * frac)
            x0, y0 = ((w - cw) // 2, (h - ch) // 2) if anchor == "centre" else (0, 0)
            return im.crop((x0, y0, x0 + cw, y0 + ch))
        out["crop90"] = (crop(0.9), 92)
        out["cropoff90"] = (crop(0.9, "corner"), 92)
        out["crop80"] = (crop(0.8), 92)
        out["crop60"] = (crop(0.6), 92)
        out["cropoff70"] = (crop(0.7, "corner"), 92)
        r = im.rotate(3, resample=Image.BICUBIC, expand=False)
        cw, ch = int(w * 0.9), int(h * 0.9)
        out["rot3"] = (r.crop(((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch)), 92)
        out["bright"] = (ImageEnhance.Brightness(im).enhance(1.2), 92)
        out["contrast"] = (ImageEnhance.Contrast(im).enhance(1.4), 92)
        rr, gg, bb = im.split()
        out["warm"] = (Image.merge("RGB", (rr.point(lambda v: min(255, int(v * 1.12))), gg,
                                           bb.point(lambda v: int(v * 0.85)))), 92)
        out["gray"] = (im.convert("L").convert("RGB"), 92)
        out["mirror"] = (im.transpose(Image.FLIP_LEFT_RIGHT), 92)
        t = im.copy().convert("RGBA")
        layer = Image.new("RGBA", t.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(layer)
        fnt = ImageFont.truetype(font_path, max(10, int(h * 0.06)))
        txt = "\u00a9 Atelier Studio 2026"
        bbox = d.textbbox((0, 0), txt, font=fnt)
        tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
        d.text((w - tw - int(w * 0.03), h - th - int(h * 0.05)), txt, font=fnt, fill=(255, 255, 255, 200),
               stroke_width=max(1, int(h * 0.003)), stroke_fill=(0, 0, 0, 200))
        out["text"] = (Image.alpha_composite(t, layer).convert("RGB"), 92)
        b = im.copy()
        d = ImageDraw.Draw(b)
        bh = int(h * 0.15)
        d.rectangle((0, h - bh, w, h), fill=(255, 255, 255))
        fnt = ImageFont.truetype(font_path, max(8, int(bh * 0.5)))
        txt = "NEW COLLECTION - 30% OFF"
        bbox = d.textbbox((0, 0), txt, font=fnt)
        d.text(((w - (bbox[2] - bbox[0])) // 2, h - bh + (bh - (bbox[3] - bbox[1])) // 2 - bbox[1]), txt,
               font=fnt, fill=(20, 20, 20))
        out["banner"] = (b, 92)
        assert list(out) == VARIANT_KINDS
        for kind, (img, q) in out.items():
            p = f"{SET}/var/{sid}__{kind}.jpg"
            img.save(p, "JPEG", quality=q)
            rows.append((p, "var", sid, kind, scene_of(f), theme_of(f)))
    clips = sorted(glob.glob(f"{CORPUS}/video/real/*")) + sorted(glob.glob(f"{DEMO}/video/*.mp4"))
    for c in clips:
        b = os.path.basename(c)
        for t in FRAME_TIMES:
            p = f"{SET}/frames/{b}__t{t}.jpg"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", c, "-ss", str(t), "-frames:v", "1",
                            "-update", "1", "-q:v", "2", p], check=False)
            if os.path.exists(p) and os.path.getsize(p) > 0:
                sid = src_id(f"{DEBIAN}/backgrounds_life_by_Aitzol_Berasategi.jpg") if "life_by" in b else "clip:" + b
                rows.append((p, "orig", sid, f"frame@{t}", scene_of(p), theme_of(p)))
    with open(MANIFEST, "w") as fh:
        fh.write("path\tproject\tsrc\tkind\tscene\ttheme\n")
        for r in rows:
            fh.write("\t".join(r) + "\n")
    print(f"{len(rows)} files in {MANIFEST}")


def read_manifest():
    with open(MANIFEST) as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def run(args, **kw):
    return subprocess.run([ATELIER, "--library", LIB] + args, capture_output=True, text=True, **kw)


def do_import():
    rows = read_manifest()
    ids = []
    for project in ("orig", "var"):
        paths = [r["path"] for r in rows if r["project"] == project]
        # in chunks, so one bad file can't hide the others' report
        for i in range(0, len(paths), 60):
            chunk = paths[i:i + 60]
            p = run(["import", "--copy", "--json", "--project", project] + chunk)
            if p.returncode != 0:
                print("import failed:", p.stderr[-2000:], file=sys.stderr)
            rep = json.loads(p.stdout)
            for a in rep["assets"]:
                ids.append((a["id"], a["path"], project))
            for f in rep.get("failed", []):
                print("failed:", f, file=sys.stderr)
            if rep.get("duplicate_of"):
                print("duplicates:", rep["duplicate_of"], file=sys.stderr)
            print(f"{project}: {i + len(chunk)}/{len(paths)}", file=sys.stderr)
    with open(IDS, "w") as fh:
        for r in ids:
            fh.write("\t".join(r) + "\n")
    print(f"{len(ids)} assets imported")


def relation(a, b):
    """Ground-truth label of a pair of manifest rows."""
    if a["src"] == b["src"]:
        ka, kb = a["kind"], b["kind"]
        fa, fb = ka.startswith("frame@"), kb.startswith("frame@")
        if fa and fb:
            gap = abs(float(ka[6:]) - float(kb[6:]))
            return f"burst:{gap:g}s"
        if ka == "orig" or kb == "orig":
            other = kb if ka == "orig" else ka
            if other.startswith("frame@"):
                return "variant:panframe"
            if other.startswith("copy_"):
                return "copy:" + other[5:]
            return "variant:" + other
        if ka.startswith("copy_") and kb.startswith("copy_"):
            return "copy:" + ka[5:]
        if (ka.startswith("copy_") or kb.startswith("copy_")) and not (fa or fb):
            return "copy:" + (ka if ka.startswith("copy_") else kb)[5:]
        return "sibling"  # two variants of one source
    if a["scene"] and a["scene"] == b["scene"]:
        return "series"
    if a["theme"] and a["theme"] == b["theme"]:
        return "same_kind:" + a["theme"]
    return "unrelated"


def query():
    rows = {r["path"]: r for r in read_manifest()}
    assets = []
    with open(IDS) as fh:
        for line in fh:
            i, path, project = line.rstrip("\n").split("\t")
            assets.append((i, path, project))
    by_id = {i: rows[p] for i, p, _ in assets}
    seen = {}
    t0 = time.time()
    for n, (qid, qpath, _) in enumerate(assets):
        for project in ("orig", "var"):
            p = run(["similar", qid, "--json", "--limit", "500", "--project", project])
            if p.returncode != 0:
                print("similar failed:", qid, p.stderr[-500:], file=sys.stderr)
                continue
            d = json.loads(p.stdout)
            if not d["indexed"]:
                print("not indexed:", qpath, file=sys.stderr)
            prev = -1.0
            for it in d["items"]:
                if it["distance"] < prev - 1e-6:
                    print("ORDER: items not closest first for", qpath, file=sys.stderr)
                prev = it["distance"]
                mid = it["id"]
                if mid not in by_id:
                    continue
                key = tuple(sorted((qid, mid)))
                old = seen.get(key)
                if old is not None and abs(old - it["distance"]) > 1e-5:
                    print("ASYMMETRIC", key, old, it["distance"], file=sys.stderr)
                seen[key] = it["distance"]
        if n % 50 == 0:
            print(f"{n}/{len(assets)} queried, {time.time() - t0:.0f} s", file=sys.stderr)
    with open(TSV, "w") as fh:
        fh.write("a_name\tb_name\ta_project\tb_project\ta_src\tb_src\ta_kind\tb_kind\tcategory\tdistance\n")
        for (x, y), dist in sorted(seen.items(), key=lambda kv: kv[1]):
            a, b = by_id[x], by_id[y]
            # put the original first
            if a["project"] == "var" and b["project"] == "orig":
                a, b = b, a
            fh.write("\t".join([os.path.basename(a["path"]), os.path.basename(b["path"]), a["project"], b["project"],
                                a["src"], b["src"], a["kind"], b["kind"], relation(a, b), f"{dist:.4f}"]) + "\n")
    n = len(assets)
    print(f"{len(seen)} pairs of {n * (n - 1) // 2} written to {TSV}")


# ---------------------------------------------------------------- report

def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def load_pairs():
    with open(TSV) as fh:
        rs = list(csv.DictReader(fh, delimiter="\t"))
    for r in rs:
        r["distance"] = float(r["distance"])
    return rs


def stats_line(name, xs):
    return (f"| {name} | {len(xs)} | {min(xs):.3f} | {pct(xs, 10):.3f} | {pct(xs, 50):.3f} | "
            f"{pct(xs, 90):.3f} | {max(xs):.3f} |")


def report():
    rs = load_pairs()
    # main evaluation: pairs with at least one original (orig-orig, orig-var); var-var only for siblings
    main = [r for r in rs if r["a_project"] == "orig" or r["b_project"] == "orig"]
    cats = collections.defaultdict(list)
    for r in main:
        cats[r["category"]].append(r["distance"])
    sib = [r["distance"] for r in rs if r["category"] == "sibling"]
    print("## Distance per category (pairs with at least one original)\n")
    print("| category | pairs | min | p10 | median | p90 | max |\n|---|---|---|---|---|---|---|")
    order = sorted(cats, key=lambda c: pct(cats[c], 50))
    for c in order:
        print(stats_line(c, cats[c]))
    if sib:
        print(stats_line("sibling (two variants of one source)", sib))
    # variant kinds split by colour checker vs other sources
    print("\n## Variants: colour-checker sources vs the others (median / max)\n")
    print("| kind | checker median | checker max | others median | others max |\n|---|---|---|---|---|")
    cc_src = set()
    for r in read_manifest():
        if r["theme"] == "colorchecker":
            cc_src.add(r["src"])
    for k in VARIANT_KINDS:
        a = [r["distance"] for r in main if r["category"] == "variant:" + k and r["a_src"] in cc_src]
        b = [r["distance"] for r in main if r["category"] == "variant:" + k and r["a_src"] not in cc_src]
        print(f"| {k} | {pct(a, 50):.3f} | {max(a):.3f} | {pct(b, 50):.3f} | {max(b):.3f} |")

    def sweep(pos_f, neg_f, title):
        pos = [r["distance"] for r in main if pos_f(r["category"])]
        neg = [r["distance"] for r in main if neg_f(r["category"])]
        print(f"\n## {title}\npositives {len(pos)}, negatives {len(neg)}\n")
        print("| cutoff | missed positives | negatives let in | errors | balanced error % |\n|---|---|---|---|---|")
        best = None
        for i in range(5, 161):
            c = i / 100
            fn = sum(1 for d in pos if d > c)
            fp = sum(1 for d in neg if d <= c)
            bal = 50 * (fn / len(pos) + fp / len(neg))
            if best is None or fn + fp < best[1]:
                best = (c, fn + fp)
            if i % 5 == 0 or i < 40 and i % 1 == 0 and i % 2 == 0:
                print(f"| {c:.2f} | {fn} | {fp} | {fn + fp} | {bal:.1f} |")
        print(f"\nfewest errors: cutoff {best[0]:.2f} with {best[1]} errors")
        return best

    same_pic = lambda c: c.startswith("variant:") or c.startswith("copy:")
    sweep(same_pic, lambda c: c == "unrelated", "Same picture (variants + copies) vs unrelated")
    sweep(same_pic, lambda c: not same_pic(c), "Same picture vs everything else (bursts, series, same kind, unrelated)")
    alike = lambda c: same_pic(c) or c.startswith("burst") or c == "series"
    sweep(alike, lambda c: c == "unrelated" or c.startswith("same_kind"),
          "Same picture or same scene (bursts, series) vs unrelated + same kind")
    looks = lambda c: alike(c) or c.startswith("same_kind")
    sweep(looks, lambda c: c == "unrelated", "Anything related (incl. colour checker vs colour checker) vs unrelated")

    # List order: per original query over the whole set, where do its own variants rank?
    print("\n## List order, strict: every variant kind incl. heavy crops/banner ahead of every unrelated asset\n")
    per_q = collections.defaultdict(list)
    for r in rs:
        per_q[r["a_name"]].append((r["distance"], r["b_name"], r["category"], r["b_src"]))
        per_q[r["b_name"]].append((r["distance"], r["a_name"], r["category"], r["a_src"]))
    names = {r["a_name"]: r for r in rs}
    names.update({r["b_name"]: {"a_src": r["b_src"], "a_kind": r["b_kind"], "a_project": r["b_project"]} for r in rs})
    q_with_var = [q for q, v in per_q.items() if any(c.startswith("variant:") for _, _, c, _ in v)
                  and names.get(q, {}).get("a_project") == "orig" and names.get(q, {}).get("a_kind") == "orig"]
    perfect, worst = 0, []
    for q in sorted(q_with_var):
        lst = sorted(per_q[q])
        first_unrel = next((i for i, x in enumerate(lst) if x[2] == "unrelated"), len(lst))
        own = [i for i, x in enumerate(lst) if x[2].startswith("variant:")]
        after = [lst[i] for i in own if i > first_unrel]
        if not after:
            perfect += 1
        else:
            worst.append((q, len(after), [(round(x[0], 3), x[2]) for x in after][:5], round(lst[first_unrel][0], 3)))
    print(f"originals with variants whose variants all rank above every unrelated asset: {perfect}/{len(q_with_var)}")
    for w in worst:
        print("  ", w)


CUTS = [0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.70]
LIGHT = ["q60", "half", "quarter", "mirror", "bright", "contrast", "warm", "gray", "text"]


def group(c):
    if c.startswith("copy:") or c in ("variant:" + k for k in LIGHT):
        return "light edit/copy"
    if c.startswith("variant:"):
        return "crop/rotate/banner"
    if c.startswith("burst") or c == "series":
        return "burst/series"
    if c.startswith("same_kind"):
        return "same kind"
    return c


def report2():
    rs = load_pairs()
    main = [r for r in rs if r["a_project"] == "orig" or r["b_project"] == "orig"]
    print("\n## Share of each variant kind within a cutoff (recall)\n")
    print("| kind | n | " + " | ".join(f"<={c:.2f}" for c in CUTS) + " |")
    print("|---|---|" + "---|" * len(CUTS))
    kinds = ["copy:demo", "copy:size", "copy:digit"] + ["variant:" + k for k in VARIANT_KINDS] + ["variant:panframe"] \
        + ["burst:0.5s", "burst:1s", "burst:2s", "burst:2.5s", "burst:3s", "series", "same_kind:colorchecker",
           "same_kind:street", "same_kind:bottle", "unrelated"]
    for k in kinds:
        xs = [r["distance"] for r in main if r["category"] == k]
        print(f"| {k} | {len(xs)} | " + " | ".join(f"{100 * sum(d <= c for d in xs) / len(xs):.0f}%" for c in CUTS) + " |")
    # error counts of the main rule: light edits + copies must be in, unrelated out
    print("\n## Errors per cutoff (pairs with at least one original)\n")
    print("| cutoff | light edits+copies missed (of N) | all same-picture missed | unrelated let in (orig-orig) | unrelated let in (all) | same-kind let in |")
    print("|---|---|---|---|---|---|")
    light = [r["distance"] for r in main if group(r["category"]) == "light edit/copy"]
    same = [r["distance"] for r in main if r["category"].startswith(("variant:", "copy:"))]
    un_oo = [r["distance"] for r in rs if r["category"] == "unrelated" and r["a_project"] == r["b_project"] == "orig"]
    un = [r["distance"] for r in main if r["category"] == "unrelated"]
    sk = [r["distance"] for r in main if r["category"].startswith("same_kind")]
    for c in CUTS:
        print(f"| {c:.2f} | {sum(d > c for d in light)} / {len(light)} | {sum(d > c for d in same)} / {len(same)} | "
              f"{sum(d <= c for d in un_oo)} / {len(un_oo)} | {sum(d <= c for d in un)} / {len(un)} | {sum(d <= c for d in sk)} / {len(sk)} |")
    # what a band holds
    print("\n## What each band holds (pairs with at least one original)\n")
    bands = [(0, 0.15), (0.15, 0.30), (0.30, 0.45), (0.45, 0.50), (0.50, 0.60), (0.60, 0.70), (0.70, 9)]
    gs = ["light edit/copy", "crop/rotate/banner", "burst/series", "same kind", "unrelated"]
    print("| band | " + " | ".join(gs) + " |\n|---|" + "---|" * len(gs))
    for lo, hi in bands:
        cnt = collections.Counter(group(r["category"]) for r in main if lo < r["distance"] <= hi or lo == 0 and r["distance"] == 0)
        print(f"| ({lo}, {hi}] | " + " | ".join(str(cnt.get(g, 0)) for g in gs) + " |")
    # per query, every asset of the library asks: what would the list show at each cutoff
    per_q = collections.defaultdict(list)
    for r in rs:
        per_q[(r["a_name"])].append((r["distance"], r["category"]))
        per_q[(r["b_name"])].append((r["distance"], r["category"]))
    print(f"\n## Per query (all {len(per_q)} assets ask over the whole library; var-var pairs count here)\n")
    print("| cutoff | mean shown | queries with an empty list | queries showing >=1 unrelated | mean unrelated shown | related (not same-kind, not unrelated) found |")
    print("|---|---|---|---|---|---|")
    total_rel = sum(1 for q in per_q for d, c in per_q[q] if c not in ("unrelated",) and not c.startswith("same_kind"))
    for c in CUTS:
        shown = [sum(d <= c for d, _ in v) for v in per_q.values()]
        un_q = [sum(d <= c and cat == "unrelated" for d, cat in v) for v in per_q.values()]
        rel = sum(1 for v in per_q.values() for d, cat in v if d <= c and cat != "unrelated" and not cat.startswith("same_kind"))
        print(f"| {c:.2f} | {sum(shown) / len(shown):.1f} | {sum(s == 0 for s in shown)} | {sum(u > 0 for u in un_q)} | "
              f"{sum(un_q) / len(un_q):.2f} | {100 * rel / total_rel:.0f}% |")
    # lists left empty although the set holds a true match (same source, burst, series)
    true = lambda c: c.startswith(("variant:", "copy:", "burst", "sibling")) or c == "series"
    has = [q for q, v in per_q.items() if any(true(c) for _, c in v)]
    for c in (0.30, 0.45, 0.50):
        miss = [q for q in has if not any(d <= c and true(cat) for d, cat in per_q[q])]
        print(f"\ncutoff {c:.2f}: of {len(has)} queries with a true match in the set, {len(miss)} show none of them")
    # ranking: for each original with variants, are its variants of each kind ahead of every unrelated asset?
    print("\n## Order: variant ranked ahead of every unrelated asset in its original's list\n")
    first_un = {}
    for q, v in per_q.items():
        ds = [d for d, cat in v if cat == "unrelated"]
        first_un[q] = min(ds) if ds else 9
    ahead = collections.Counter()
    tot = collections.Counter()
    for r in main:
        if r["category"].startswith(("variant:", "copy:")) and r["a_project"] == "orig":
            tot[r["category"]] += 1
            ahead[r["category"]] += r["distance"] < first_un[r["a_name"]]
    print("| kind | ahead of every unrelated |\n|---|---|")
    for k in kinds:
        if tot[k]:
            print(f"| {k} | {ahead[k]}/{tot[k]} |")
    # colour checkers: precision of the top 10 among originals (same kind or series = relevant)
    print("\n## Colour-checker originals: share of colour checkers in their top 5 / top 10 (originals only)\n")
    orig_q = collections.defaultdict(list)
    m = {r["path"]: r for r in read_manifest()}
    for r in rs:
        if r["a_project"] == r["b_project"] == "orig":
            orig_q[r["a_name"]].append((r["distance"], r["category"]))
            orig_q[r["b_name"]].append((r["distance"], r["category"]))
    cc = [os.path.basename(p) for p, r in m.items() if r["theme"] == "colorchecker" and r["project"] == "orig"]
    p5 = p10 = n = 0
    for q in cc:
        if q not in orig_q:
            continue
        v = sorted(orig_q[q])
        rel = lambda cat: cat != "unrelated"
        p5 += sum(rel(c) for _, c in v[:5]) / 5
        p10 += sum(rel(c) for _, c in v[:10]) / 10
        n += 1
    print(f"{n} queries: precision@5 {p5 / n:.2f}, precision@10 {p10 / n:.2f} "
          f"(chance: {len(cc) - 1} checkers among {len(orig_q) - 1} other originals = {(len(cc) - 1) / (len(orig_q) - 1):.2f})")


def main():
    step = sys.argv[1] if len(sys.argv) > 1 else "all"
    if step in ("build", "all"):
        build()
    if step in ("import", "all"):
        do_import()
    if step in ("query", "all"):
        query()
    if step in ("report", "all"):
        report()
        report2()


if __name__ == "__main__":
    main()
