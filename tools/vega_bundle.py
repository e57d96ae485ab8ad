"""Write the browser's chart library, vega-embed with Vega-Lite and Vega, as one static file.

    .venv/bin/python tools/vega_bundle.py

The bundle comes from vl-convert-python (`vl_convert.javascript_bundle()`), the same Vega the
server draws SVG with, so the browser and the server draw a specification alike; it is
committed so that serving the page needs no build step and no CDN. Run this after upgrading
vl-convert-python: tests/analysis/test_charts.py fails while the committed file and the
installed versions differ.
"""

from __future__ import annotations

from pathlib import Path

BUNDLE = Path(__file__).resolve().parent.parent / "src/casebook/web/static/web/vendor/vega-embed.js"


def bundle_header() -> str:
    import vl_convert

    return (
        f"/* vega-embed {vl_convert.get_vega_embed_version()}, Vega "
        f"{vl_convert.get_vega_version()}, Vega-Lite {vl_convert.get_vegalite_versions()[-1]}: "
        "vl_convert.javascript_bundle(), written by tools/vega_bundle.py */\n"
    )


def main() -> None:
    import vl_convert

    BUNDLE.parent.mkdir(parents=True, exist_ok=True)
    BUNDLE.write_text(bundle_header() + vl_convert.javascript_bundle(), encoding="utf-8")
    print(f"Wrote {BUNDLE} ({BUNDLE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
