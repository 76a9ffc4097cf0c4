"""The researcher's review desk (``kijkwijzer review``): the local web app, its page, its exports.

It sits after the stages (it reads the sheet texts, the outbox naming and the analysis'
labels), while the corrections it writes and their application live early, in
:mod:`pipeline.review`, where the align and sheet stages can use them.
"""
