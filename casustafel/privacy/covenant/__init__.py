"""The privacy covenant of a house and the chair's privacy reminder per meeting type."""
