"""The privacy officer's access log, its export, the pattern detectors and the integrity check."""
