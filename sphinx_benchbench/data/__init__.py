"""The data layer: the format's model, safe YAML, validation and loading.

Shared by the Sphinx extension and the runners; nothing here imports Sphinx.
"""
