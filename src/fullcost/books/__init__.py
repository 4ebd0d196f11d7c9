"""The books of an AI lab: a double-entry journal of sample arrays, and the statements read from it.

A lab scenario (``lab``) is drawn once (``draw``, with ``inputs`` for the lab's own values and ``programs``
for its releases' development programs) into the policy-independent facts of the lab: fleet purchases,
staff, cloud, serving, revenue, funding and development. ``post`` turns those facts into a ``journal`` of
balanced transactions under an accounting ``policy`` (US GAAP or IFRS, the depreciation method and life,
owned or rented compute), using the chart in ``accounts``. ``statements`` are views of that journal and of
nothing else; ``run`` shapes the JSON; ``beancount`` writes the journal as a ledger for Fava; ``render``
formats tables and CSV.
"""
