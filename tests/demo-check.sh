#!/usr/bin/env bash
# Checks the demo library a first run gets (issue 14, feature 10):
#   - assets/demo stays under 20 MB, and every file in it has its row in assets/demo/LICENSES.md
#     (and every row names a file that is there);
#   - scripts/demo.sh seeds a temporary library, and that library has what the demo promises:
#     the brand, the projects, the nested collections, the campaign, ratings, picks and a reject,
#     review states, tags, the RAW+JPEG stack, the video and the AI generations with their
#     prompts and models.
# Standalone: bash tests/demo-check.sh. The binary is ATELIER_BIN, else
# $CARGO_TARGET_DIR/debug/atelier (build it first: cargo build -p atelier). Ends with
# "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

demo=assets/demo
licences=$demo/LICENSES.md
limit=20000000 # bytes: 20 MB
passed=0
failed=0
ok() { echo "  ok    $*"; passed=$((passed + 1)); }
bad() { echo "  FAIL  $*"; failed=$((failed + 1)); }

echo "== assets/demo: size and licences"
total=$(find "$demo" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
files=$(find "$demo" -type f ! -path "$licences" | wc -l)
mb=$(awk -v b="$total" 'BEGIN { printf "%.1f", b / 1e6 }')
if [ "$total" -le "$limit" ]; then ok "$files files, $mb MB (limit 20 MB)"; else bad "$files files, $mb MB: over 20 MB"; fi

if [ -f "$licences" ]; then
  missing=0
  while IFS= read -r -d '' f; do
    rel=${f#"$demo"/}
    if ! grep -qF -- "| $rel |" "$licences"; then
      bad "$rel has no row in LICENSES.md"
      missing=$((missing + 1))
    fi
  done < <(find "$demo" -type f ! -path "$licences" -print0 | sort -z)
  [ "$missing" -gt 0 ] || ok "every file has its row in LICENSES.md (source, author, licence)"
  stale=0
  while IFS= read -r rel; do
    if [ ! -f "$demo/$rel" ]; then
      bad "LICENSES.md names $rel, which is not in assets/demo"
      stale=$((stale + 1))
    fi
  done < <(sed -n 's/^| \([^ |]*\/[^ |]*\) |.*/\1/p' "$licences")
  [ "$stale" -gt 0 ] || ok "every row of LICENSES.md names a file that is there"
else
  bad "$licences is missing"
fi

echo "== scripts/demo.sh seeds a library"
bin=${ATELIER_BIN:-}
if [ -z "$bin" ]; then
  # shellcheck source=scripts/env.sh
  source scripts/env.sh
  bin=$CARGO_TARGET_DIR/debug/atelier
fi
if [ ! -x "$bin" ]; then
  bad "no atelier binary at $bin (build it: cargo build -p atelier, or set ATELIER_BIN)"
  echo "$passed passed, $failed failed"
  exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/demo-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
library=$tmp/library
if bash scripts/demo.sh "$library" "$bin" >"$tmp/seed.log" 2>&1; then
  ok "scripts/demo.sh $library (with $bin)"
else
  bad "scripts/demo.sh failed:"
  sed 's/^/        /' "$tmp/seed.log"
  echo "$passed passed, $failed failed"
  exit 1
fi
if bash scripts/demo.sh "$library" "$bin" >"$tmp/again.log" 2>&1; then
  bad "scripts/demo.sh seeded a library that was not empty"
else
  ok "a second scripts/demo.sh on the same library is refused: $(tail -n 1 "$tmp/again.log")"
fi

echo "== the seeded library"
# The assertions, through the CLI's JSON only (search --json, show --json, buckets --json,
# brand/project/collection/campaign list --json). One line per check.
out=$(python3 - "$bin" "$library" <<'PY'
import json, subprocess, sys

bin_, lib = sys.argv[1], sys.argv[2]
BRAND, CAMPAIGN = "Northwind Outdoor", "Autumn Trail 2025"


def cli(*args):
    r = subprocess.run([bin_, "--library", lib, *args, "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("atelier %s: %s" % (" ".join(args), r.stderr.strip()))
    return json.loads(r.stdout)


def search(*args):
    return cli("search", "--limit", "1000", *args)


def check(what, cond, detail=""):
    print(("  ok    " if cond else "  FAIL  ") + what + (": " + detail if detail else ""))


def run(what, fn):
    try:
        fn()
    except Exception as e:  # a command that failed is a failed check, with its message
        check(what, False, str(e))


def brand():
    b = [b for b in cli("brand", "list") if b["name"] == BRAND]
    check("brand %r exists, with its kit colour and palette" % BRAND,
          len(b) == 1 and bool(b[0].get("color")) and len(b[0].get("palette") or []) >= 3,
          "%d assets" % b[0]["count"] if b else "not found")


def projects():
    # Counts are of cards: the RAW+JPEG pair in the product shoot is one (docs/decisions/0020).
    want = {"Mountains shoot": 4, "Coast shoot": 2, "Portrait session": 1,
            "Product studio": 4, "Bottle concepts (AI)": 4}
    have = {p["name"]: p["count"] for p in cli("project", "list")}
    check("a project per shoot", all(have.get(k) == v for k, v in want.items()),
          ", ".join("%s (%s)" % (k, have.get(k)) for k in want))


def buckets():
    b = cli("buckets")
    every = search()["total"]
    demo = search("--tag", "demo")["total"]
    check("15 cards, every one filed in a collection and tagged demo",
          b["all"] == 15 and b["unfiled"] == 0 and demo == every == 15,
          "all %s, unfiled %s, tagged demo %s" % (b["all"], b["unfiled"], demo))


def collections():
    cols = {c["path"]: c for c in cli("collection", "list", "--brand", BRAND)}
    want = {"Landscapes/Mountains": 3, "Landscapes/Coast": 2, "People/Portraits": 1,
            "Products/Hero shots": 2, "Products/Lifestyle": 1, "Motion/B-roll": 1,
            "Concepts/AI": 4}
    good = all(p in cols and cols[p]["count"] == n and cols[p]["depth"] == 1 for p, n in want.items())
    good = good and all(cols.get(top, {}).get("depth") == 0 for top in ("Landscapes", "People", "Products"))
    nested = search("--collection", "Landscapes", "--nested")["total"]
    check("nested collections", good and nested == 5,
          "%d collections; Landscapes with nested: %d" % (len(cols), nested))


def campaign():
    c = [c for c in cli("campaign", "list", "--brand", BRAND) if c["name"] == CAMPAIGN]
    n = search("--campaign", CAMPAIGN)["total"]
    check("campaign %r with its assets" % CAMPAIGN, len(c) == 1 and c[0]["count"] >= 5 and n >= 5,
          "%s assets" % (c[0]["count"] if c else "not found"))


def ratings():
    unrated = search("--rating", "0")["total"]
    five = search("--rating", "5")["total"]
    check("ratings on every card, 1 to 5", unrated == 0 and five >= 1,
          "%d unrated, %d with five stars" % (unrated, five))


def flags():
    picks = search("--flag", "pick")["total"]
    rejects = search("--flag", "reject")["total"]
    check("picks and a reject", picks >= 3 and rejects >= 1, "%d picks, %d rejected" % (picks, rejects))


def review():
    n = {s: search("--status", s)["total"] for s in ("approved", "in_review", "rejected", "draft")}
    check("review states", n["approved"] >= 1 and n["in_review"] >= 1 and n["rejected"] >= 1,
          ", ".join("%s %d" % kv for kv in n.items()))


def tags():
    places = search("--tag", "places")["total"]
    kinds = {t: search("--tag", t)["total"] for t in ("landscape", "portrait", "product")}
    check("tags: landscapes, a portrait, products, a place hierarchy",
          kinds["landscape"] >= 3 and kinds["portrait"] >= 1 and kinds["product"] >= 1 and places >= 1,
          ", ".join("%s %d" % kv for kv in kinds.items()) + ", places/… %d" % places)


def stack():
    items = [i for i in search("CRW_0304")["items"] if i["name"] == "CRW_0304.JPG"]
    if not items:
        return check("the RAW+JPEG pair is one stack", False, "CRW_0304.JPG not found")
    cover = cli("show", items[0]["id"])
    names = sorted(cli("show", m)["name"] for m in cover.get("stack") or [])
    check("the RAW+JPEG pair is one stack, the JPEG on top",
          items[0]["stack_count"] == 2 and names == ["CRW_0304.CRW", "CRW_0304.JPG"]
          and (cover.get("stack") or [None])[0] == items[0]["id"]
          and (cover.get("exif") or {}).get("make") == "Canon",
          "%s, camera %s" % (" + ".join(names), (cover.get("exif") or {}).get("model")))


def video():
    v = search("--kind", "video")["items"]
    shown = cli("show", v[0]["id"]) if v else {}
    check("a short video a browser plays", len(v) == 1 and (v[0]["duration"] or 0) >= 3
          and shown.get("mime") in ("video/mp4", "video/webm"),
          "%s, %s s, %s" % (v[0]["name"], v[0]["duration"], shown.get("mime")) if v else "none")


def generated():
    items = search("--source", "generated")["items"]
    gens = [cli("show", i["id"]).get("generation") or {} for i in items]
    good = len(items) >= 2 and all((g.get("prompt") or "").strip() and g.get("model") for g in gens)
    check("AI generations with their prompt and model (show --json)", good,
          "; ".join("%s: %s" % (i["name"], g.get("model")) for i, g in zip(items, gens)))
    hits = search("galaxy", "--source", "generated")["total"]
    check("their prompts are searchable", hits >= 2, "'galaxy' finds %d" % hits)


for name, fn in [("brand", brand), ("projects", projects), ("buckets", buckets),
                 ("collections", collections), ("campaign", campaign), ("ratings", ratings),
                 ("flags", flags), ("review", review), ("tags", tags), ("stack", stack),
                 ("video", video), ("generated", generated)]:
    run(name, fn)
PY
)
echo "$out"
passed=$((passed + $(grep -c '^  ok ' <<<"$out" || true)))
failed=$((failed + $(grep -c '^  FAIL ' <<<"$out" || true)))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
