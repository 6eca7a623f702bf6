"""Assemble each addon's README.rst from its readme/*.md fragments (OCA layout)."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = (("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage"))


def build(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = ["=" * len(title), title, "=" * len(title), ""]
    parts += [".. This file is assembled from readme/*.md; edit those.", ""]
    for fragment, heading in SECTIONS:
        path = addon / "readme" / fragment
        if path.exists():
            if heading:
                parts += [heading, "=" * len(heading), ""]
            parts += [path.read_text().strip(), ""]
    (addon / "README.rst").write_text("\n".join(parts))


if __name__ == "__main__":
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        build(manifest.parent)
