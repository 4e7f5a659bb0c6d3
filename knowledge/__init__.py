"""The domain: facts, text normalisation, language and date understanding, the index, ranking.

Nothing here imports ``telegram``.
"""
