"""The runners' commands: ``run``, ``parse`` and ``ingest``."""
