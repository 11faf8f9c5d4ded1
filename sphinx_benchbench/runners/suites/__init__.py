"""Benchmark suites that ship with the project and need no accelerator, clone or network."""
