"""Helpers shared by tests and benchmarks (not collected by pytest: no test_*.py here)."""
