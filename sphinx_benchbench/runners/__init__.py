"""The engine that runs benchmark implementations and records their results in ``data/``."""
