"""Meetings (casusoverleggen) of a house: planned sessions with their agenda of cases.

Meeting types, input requirements and criteria sets are the house's configuration and live one
layer lower, in `casustafel.meeting_types`.
"""
