"""Mentor matching: pair scores with reasons, candidate pairs, cohort-wide assignment.

Plain Python and NumPy/OR-Tools only, so it tests and benchmarks without the app.
"""

from pmcohort.matching.assignment import COST_RESOLUTION, assign, assign_indexed
from pmcohort.matching.candidates import candidate_weights, no_candidate_reasons
from pmcohort.matching.pair_score import Mentee, Mentor, PairScore, score_pair

__all__ = [
    "COST_RESOLUTION",
    "Mentee",
    "Mentor",
    "PairScore",
    "assign",
    "assign_indexed",
    "candidate_weights",
    "no_candidate_reasons",
    "score_pair",
]
