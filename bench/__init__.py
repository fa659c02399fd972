"""Benchmarks (standalone scripts; see bench/tenants.py)."""
