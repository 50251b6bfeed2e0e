#!/usr/bin/env python3
"""Fails when a workspace crate depends on another workspace crate along an edge that
ARCHITECTURE.md does not list (section "Dependency edges", lines "- a -> b, c")."""
import json
import re
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
text = (root / "ARCHITECTURE.md").read_text()
section = re.search(r"^## Dependency edges\n(.*?)(?=^## |\Z)", text, re.S | re.M)
if not section:
    sys.exit("ARCHITECTURE.md has no '## Dependency edges' section")
allowed = {}
for line in section.group(1).splitlines():
    m = re.match(r"^- `?([\w-]+)`? -> (.*)$", line.strip())
    if m:
        targets = {t.strip(" `") for t in m.group(2).split(",") if t.strip(" `") and t.strip() != "(none)"}
        allowed[m.group(1)] = targets

meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--format-version", "1", "--no-deps", "--locked"], cwd=root))
members = {p["name"] for p in meta["packages"]}
problems = []
for p in meta["packages"]:
    name = p["name"]
    if name not in allowed:
        problems.append(f"{name}: not listed in ARCHITECTURE.md's dependency edges")
        continue
    for d in p["dependencies"]:
        if d["name"] in members and d.get("kind") in (None, "normal", "build") and d["name"] not in allowed[name]:
            problems.append(f"{name} -> {d['name']}: edge not allowed by ARCHITECTURE.md")
for name in allowed:
    if name not in members:
        problems.append(f"{name}: listed in ARCHITECTURE.md but not a workspace crate")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"edges ok: {len(members)} crates")
