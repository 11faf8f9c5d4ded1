"""The Sphinx extension: the ``benchmark-table`` directive and its builders."""
