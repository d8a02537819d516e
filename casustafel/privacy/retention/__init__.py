"""Retention terms, extensions and destruction of closed cases and referrals."""
