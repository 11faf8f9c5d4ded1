"""Command-line tools that read the data without a Sphinx build."""
