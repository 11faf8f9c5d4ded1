"""A first benchmark page: three compressors, measured by the runner, rendered by the extension."""

project = "First benchmark"
author = "you"

extensions = ["sphinx_benchbench"]

# Where the benchmark data lives, relative to this file (this is the default).
benchbench_data_dir = "data"

exclude_patterns = ["_build"]
