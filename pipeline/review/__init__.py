"""The researcher's review desk: corrections as data, applying them, the local web page.

A researcher turns the automatic proposal into the sheet she stands behind. Every change
she makes is an append-only :class:`~pipeline.review.records.Correction` in the archive;
the stages apply the *published* ones (transcript corrections in align, fragment and note
corrections in the sheet), so a re-analysis never undoes her work. Nothing here imports
Prefect: the command line hands the server a publish function that runs the flow.
"""
