"""Import and export of programmes in the municipal standard open-data formats (自治体標準オープンデータセット)."""
