"""What the loaded results say: ranking, statistics and staleness (no Sphinx)."""
