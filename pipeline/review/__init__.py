"""The researcher's corrections as data, and applying them to turns, fragments and notes.

A researcher turns the automatic proposal into the sheet she stands behind. Every change
she makes is an append-only :class:`~pipeline.review.records.Correction` in the archive;
the stages apply the *published* ones (transcript corrections in align, fragment and note
corrections in the sheet), so a re-analysis never undoes her work. This package comes
early in the data flow (right after ingest) so those stages can use it; the desk's web
app is :mod:`pipeline.desk`.
"""
