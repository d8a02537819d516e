"""Data-subject rights: subject access requests, exceptions, rectification and restriction."""
