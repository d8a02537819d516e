"""Provenance per item and the one rule for who sees which item of a case."""
