"""Write the public map's outline (the British Isles) from Natural Earth's 1:110m countries.

    .venv/bin/python tools/map_outline.py PATH/naturalearth_lowres

Natural Earth is in the public domain. Its 1:110m admin-0 countries ship inside the
geopandas 0.14 wheel (`geopandas/datasets/naturalearth_lowres/`: `pip download
geopandas==0.14.4 --no-deps` and unzip); this reads the shapefile's polygons and the
attribute table with the standard library only, keeps the countries in COUNTRIES, and writes
their rings as [longitude, latitude] pairs rounded to 0.01° to
src/casebook/publishing/data/outline.json, which is committed: serving the map needs
neither geopandas nor a download.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

COUNTRIES = {"GBR": "United Kingdom", "IRL": "Ireland", "FRA": "France", "BEL": "Belgium"}
OUT = Path(__file__).resolve().parent.parent / "src/casebook/publishing/data/outline.json"
# Only the part of France and Belgium near the Channel: the map's frame.
FRAME = (-11.0, 49.0, 3.0, 61.5)


def dbf_records(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    count, header_size, record_size = struct.unpack("<IHH", data[4:12])
    fields, offset = [], 32
    while data[offset] != 0x0D:
        name = data[offset : offset + 11].split(b"\0", 1)[0].decode()
        fields.append((name, data[offset + 16]))
        offset += 32
    records = []
    for index in range(count):
        start = header_size + index * record_size + 1  # a deletion flag comes first
        record, position = {}, start
        for name, size in fields:
            record[name] = data[position : position + size].decode("utf-8", "replace").strip()
            position += size
        records.append(record)
    return records


def shp_polygons(path: Path) -> list[list[list[tuple[float, float]]]]:
    data = path.read_bytes()
    offset, shapes = 100, []
    while offset < len(data):
        _number, length = struct.unpack(">ii", data[offset : offset + 8])
        content = data[offset + 8 : offset + 8 + length * 2]
        offset += 8 + length * 2
        if struct.unpack("<i", content[:4])[0] != 5:  # polygon
            shapes.append([])
            continue
        parts_count, points_count = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack(f"<{parts_count}i", content[44 : 44 + 4 * parts_count]))
        start = 44 + 4 * parts_count
        points = [
            struct.unpack("<dd", content[start + 16 * i : start + 16 * i + 16])
            for i in range(points_count)
        ]
        rings = [points[a:b] for a, b in zip(parts, [*parts[1:], points_count], strict=True)]
        shapes.append(rings)
    return shapes


def main(folder: str) -> None:
    base = Path(folder) / "naturalearth_lowres"
    records = dbf_records(base.with_suffix(".dbf"))
    shapes = shp_polygons(base.with_suffix(".shp"))
    outline = []
    west, south, east, north = FRAME
    for record, rings in zip(records, shapes, strict=True):
        if record.get("iso_a3") not in COUNTRIES:
            continue
        for ring in rings:
            if not any(west <= x <= east and south <= y <= north for x, y in ring):
                continue
            outline.append(
                {
                    "country": record["iso_a3"],
                    "ring": [[round(x, 2), round(y, 2)] for x, y in ring],
                }
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "source": "Natural Earth 1:110m admin-0 countries (public domain), "
        "via tools/map_outline.py",
        "frame": FRAME,
        "rings": outline,
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"{len(outline)} rings written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
