#!/usr/bin/env bash
# Seeds a new, empty library with the demo library (assets/demo; licences in its LICENSES.md),
# organised the way a studio would have it, through the CLI only:
#   - a team brand, "Northwind Outdoor", with its kit (colours, self-approval for the review demo);
#   - a project per shoot: Mountains shoot, Coast shoot, Portrait session, Product studio,
#     Bottle concepts (AI);
#   - nested collections: Landscapes/Mountains, Landscapes/Coast, People/Portraits,
#     Products/Hero shots, Products/Lifestyle, Products/Colour references, Motion/B-roll,
#     Concepts/AI;
#   - a campaign, "Autumn Trail 2025", of seven assets;
#   - tags (a place hierarchy among them), ratings on every card, picks and a reject;
#   - review states: two approved, four in review, one sent back with a note;
#   - the RAW+JPEG pair as one stack (imported together, the JPEG on top).
# Every file is copied into the library (--copy) and tagged "demo".
#
# Usage: scripts/demo.sh LIBRARY_DIR ATELIER_BIN
# It refuses a library that already has assets (scripts/run.sh calls it for a new one only), and
# stops at the first command that fails or leaves an asset out, saying which.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 LIBRARY_DIR ATELIER_BIN" >&2
  exit 2
fi
library=$1
bin=$2
demo="$(cd "$(dirname "$0")/.." && pwd)/assets/demo"
brand="Northwind Outdoor"
campaign="Autumn Trail 2025"

[ -x "$bin" ] || { echo "demo.sh: $bin is not an executable" >&2; exit 2; }
[ -d "$demo" ] || { echo "demo.sh: $demo is missing" >&2; exit 2; }

at() { "$bin" --library "$library" "$@"; }

fail() { echo "demo.sh: $*" >&2; exit 1; }

# A command that prints JSON; its output goes to stdout, a failure stops the script.
json() {
  local out
  out=$(at "$@" --json) || fail "failed: atelier $*"
  printf '%s\n' "$out"
}

# A command on a selection: every asset asked for must have succeeded (the CLI keeps a partial
# success and exits 0 for it, which a seeding script must not take for success). The report
# names the cards asked for (a stack's other members change with it, uncounted).
sel() {
  json "$@" | python3 -c '
import json, sys
r = json.load(sys.stdin)
bad = r.get("failed") or []
done = len(r.get("succeeded") or []) + len(r.get("skipped") or [])
if bad or done < r.get("requested", 0):
    sys.exit("demo.sh: atelier %s: %d of %d done, failed: %s" % (sys.argv[1], done, r.get("requested"), bad))
' "$*"
}

# An import: every file must be imported (none failed, skipped or already there).
import_into() {
  local project=$1 tags=$2
  shift 2
  local paths=()
  local p
  for p in "$@"; do paths+=("$demo/$p"); done
  json import "${paths[@]}" --copy --project "$project" --brand "$brand" --tag "$tags" | python3 -c '
import json, sys
r = json.load(sys.stdin)
bad = (r.get("failed") or []) + (r.get("skipped") or []) + (r.get("duplicate_of") or [])
if bad or r.get("stopped") or r.get("cancelled"):
    sys.exit("demo.sh: importing into %s: %s" % (sys.argv[1], bad or r.get("stopped") or "cancelled"))
print("  %-22s %d files" % (sys.argv[1], r["imported"]))
' "$project"
}

# Only into a new, empty library: no assets, nothing in the Trash, no brand of the demo's name.
count=$(json buckets | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["all"] + b.get("trash", 0))')
[ "$count" = "0" ] || fail "$library already has $count assets (the Trash included): the demo goes into a new, empty library only"
if json brand list | python3 -c 'import json,sys; sys.exit(0 if sys.argv[1] in [b["name"] for b in json.load(sys.stdin)] else 1)' "$brand"; then
  fail "$library already has a brand \"$brand\": the demo goes into a new, empty library only"
fi

echo "Seeding $library with the demo library (assets/demo)…"

# The brand and its kit. A standalone library's user manages every team brand; approving one's
# own work needs self-approval on.
json brand create "$brand" >/dev/null
json brand kit "$brand" --self-approval on --color "#2F5D50" \
  --palette "#2F5D50" --palette "#D9822B" --palette "#F3EEE4" --palette "#1E2A32" >/dev/null

# A project per shoot, each defaulting to the brand.
json project create "Mountains shoot" --brand "$brand" \
  --description "Picos de Europa and Aitzgorri, autumn: stills and a b-roll pan" >/dev/null
json project create "Coast shoot" --brand "$brand" --description "Dunes and the estuary" >/dev/null
json project create "Portrait session" --brand "$brand" --description "Ambassador portrait" >/dev/null
json project create "Product studio" --brand "$brand" \
  --description "Table-top product shots on plain grounds; a colour-checker frame per setup (RAW+JPEG)" >/dev/null
json project create "Bottle concepts (AI)" --brand "$brand" \
  --description "ComfyUI explorations for the galaxy bottle, four models" >/dev/null

echo "Importing (copies, tagged demo):"
# The grid shows the newest first: the mountains go in last, so they open the library.
import_into "Bottle concepts (AI)" "demo, ai-concept, bottle" generated
import_into "Product studio" "demo, product, studio" products raw
import_into "Portrait session" "demo, people, portrait" people
import_into "Coast shoot" "demo, landscape, coast" \
  landscapes/Dune_by_Marco_Cogoni.jpg landscapes/Bridge_by_Sander_Klootwijk.jpg
import_into "Mountains shoot" "demo, landscape" \
  video/life_by_Aitzol_Berasategi_pan.mp4 landscapes/sunset_by_Aitzol_Berasategi.jpg \
  landscapes/aitzgorri_by_Aitzol_Berasategi.jpg landscapes/picosdeeuropa_by_Aitzol_Berasategi.jpg

# Asset ids by file name, from search (a stack's RAW member is behind its JPEG cover).
declare -A id=()
while IFS=$'\t' read -r name aid; do
  id[$name]=$aid
done < <(json search --brand "$brand" --limit 1000 | python3 -c '
import json, sys
for it in json.load(sys.stdin)["items"]:
    print(it["name"] + "\t" + it["id"])
')
get() { [ -n "${id[$1]:-}" ] || fail "$1 was imported but search does not list it"; printf '%s' "${id[$1]}"; }
picos=$(get picosdeeuropa_by_Aitzol_Berasategi.jpg)
aitzgorri=$(get aitzgorri_by_Aitzol_Berasategi.jpg)
sunset=$(get sunset_by_Aitzol_Berasategi.jpg)
broll=$(get life_by_Aitzol_Berasategi_pan.mp4)
dune=$(get Dune_by_Marco_Cogoni.jpg)
bridge=$(get Bridge_by_Sander_Klootwijk.jpg)
portrait=$(get Eileen_Collins_by_NASA.jpg)
mobile=$(get free_by_Peter_Nerlich.jpg)
clock=$(get greentock_by_Peter_Nerlich.jpg)
coffee=$(get coffee_by_Rachel_Michetti.jpg)
checker=$(get CRW_0304.JPG)
sdxl=$(get sdxl_simple_example.png)
sd35=$(get sd3.5_simple_example.png)
flux=$(get flux_schnell_example.png)
hunyuan=$(get hunyuan_dit_1.2_example.png)

# The RAW+JPEG pair is one stack once imported together; stack it by hand if it is not.
stacked=$(json show "$checker" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("stack") or []))')
if [ "$stacked" -lt 2 ]; then
  raw=$(get CRW_0304.CRW)
  json stack "$checker" "$raw" --cover "$checker" >/dev/null
fi

echo "Filing: tags, collections, the campaign, ratings, flags, review…"
sel tag add mountains "$picos" "$aitzgorri" "$sunset"
sel tag add places/spain/picos-de-europa "$picos"
sel tag add places/spain/aitzgorri "$aitzgorri"
sel tag add autumn "$aitzgorri" "$broll"
sel tag add sunset "$sunset"
sel tag add b-roll "$broll"
sel tag add forest "$broll"
sel tag add hero "$picos" "$portrait" "$mobile"
sel tag add lifestyle "$coffee"
sel tag add colour-checker "$checker"

for c in Landscapes/Mountains Landscapes/Coast People/Portraits "Products/Hero shots" \
  Products/Lifestyle "Products/Colour references" Motion/B-roll Concepts/AI; do
  json collection create "$c" --brand "$brand" >/dev/null
done
sel collection add Landscapes/Mountains "$picos" "$aitzgorri" "$sunset" --brand "$brand"
sel collection add Landscapes/Coast "$dune" "$bridge" --brand "$brand"
sel collection add People/Portraits "$portrait" --brand "$brand"
sel collection add "Products/Hero shots" "$mobile" "$clock" --brand "$brand"
sel collection add Products/Lifestyle "$coffee" --brand "$brand"
sel collection add "Products/Colour references" "$checker" --brand "$brand"
sel collection add Motion/B-roll "$broll" --brand "$brand"
sel collection add Concepts/AI "$sdxl" "$sd35" "$flux" "$hunyuan" --brand "$brand"

json campaign create "$campaign" --brand "$brand" \
  --description "Autumn catalogue and social launch: the mountains, our ambassador, the hero product, the bottle concept" >/dev/null
sel campaign add "$campaign" "$picos" "$aitzgorri" "$sunset" "$broll" "$portrait" "$mobile" "$sd35" --brand "$brand"

sel rate 5 "$picos" "$portrait"
sel rate 4 "$aitzgorri" "$sunset" "$mobile" "$sd35" "$hunyuan"
sel rate 3 "$dune" "$clock" "$coffee" "$broll" "$sdxl"
sel rate 2 "$bridge" "$flux"
sel rate 1 "$checker"
sel flag pick "$picos" "$portrait" "$mobile" "$sd35"
sel flag reject "$bridge"

json brand pin "$brand" "$picos" "$portrait" "$mobile" >/dev/null

# Review last: approved work is locked against moves.
sel review submit "$picos" "$portrait" "$aitzgorri" "$sunset" "$mobile" "$broll" "$hunyuan"
sel review approve "$picos" "$portrait" --note "Hero picks for $campaign"
sel review reject "$hunyuan" --note "The bottle reads rainbow, not the kit palette: regenerate"

echo "The demo library:"
json buckets | python3 -c 'import json,sys; print("  %s cards (the RAW+JPEG stack is one)" % json.load(sys.stdin)["all"])'
at collection list --brand "$brand" | sed 's/^/  /'
at campaign list --brand "$brand" | sed 's/^/  /'
