extensions = ["myst_parser", "sphinx_benchbench"]
benchbench_data_dir = "data"
exclude_patterns = ["_build", "data"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
