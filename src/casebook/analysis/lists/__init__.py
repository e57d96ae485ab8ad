"""Lists: sets of source channels that collect independently, for capture histories.

An administrator maps channels to lists on the Lists page (`analysis:lists`); the undercount
estimate (analysis/capture.py) counts an incident as recorded by a list when a source from
one of its channels was found independently.
"""
