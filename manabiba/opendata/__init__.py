"""Import and export of programmes in the municipal standard open-data formats (自治体標準オープンデータセット)."""

from pathlib import Path

# Real event lists of 西東京市 and four neighbouring cities, shipped with the package (each file's
# source and licence: samples/README.md). The demo catalogue and the importer's tests read them.
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
