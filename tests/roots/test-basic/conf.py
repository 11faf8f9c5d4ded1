extensions = ["myst_parser", "sphinx_benchbench"]
benchbench_data_dir = "data"
exclude_patterns = ["_build", "data"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# Warnings end in [benchbench.<subtype>], as they do by default from Sphinx 8.0 (the suite
# also runs on 7.4, the floor; see noxfile.py).
show_warning_types = True
