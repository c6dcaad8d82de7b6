"""Operations: each loads, applies the rules, saves, commits, and asks for background work.

They take ids and the acting user's id, never the request, so tasks can reuse them.
"""
