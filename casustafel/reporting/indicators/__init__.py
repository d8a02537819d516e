"""The computed indicators of the catalogue, registered by key on import (`base.register`)."""

from casustafel.reporting.indicators import external, output, outcome, process  # noqa: F401
