"""The computed indicators of the catalogue, registered by key on import (`base.register`)."""

from casustafel.reporting.indicators import external, outcome, output, process  # noqa: F401
