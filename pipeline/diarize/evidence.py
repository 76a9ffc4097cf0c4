"""Which clusters are speakers: the consent's participant count is an expectation, not a fact.

Clustering into the expected number of speakers splits a voice in two when one
participant hardly speaks (a job coach at 4% of a 19-minute talk turned the
klantmanager into two clusters). A cluster therefore counts as a speaker only
with enough evidence of its own (:class:`~pipeline.settings.diarize.SpeakerEvidence`):
total speech, a long enough turn, and a centroid far enough from every other one.
The weakest cluster that fails is merged into its most similar neighbour, and
the test is repeated until all pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.settings.diarize import SpeakerEvidence


@dataclass(frozen=True)
class ClusterEvidence:
    """What one cluster has to show for itself."""

    label: int
    speech_s: float
    longest_turn_s: float
    distance: float  # 1 - cosine to the nearest other centroid
    nearest: int  # label of that centroid

    def passes(self, thresholds: SpeakerEvidence) -> bool:
        return (
            self.speech_s >= thresholds.min_speech_s
            and self.longest_turn_s >= thresholds.min_longest_turn_s
            and self.distance >= thresholds.min_centroid_distance
        )


def cluster_evidence(
    runs: list[tuple[int, int, int]], centroids: np.ndarray, frame_s: float
) -> list[ClusterEvidence]:
    """Evidence per cluster label from its segments ``(start, end, label)`` and the centroids."""
    sims = centroids @ centroids.T
    np.fill_diagonal(sims, -np.inf)
    out = []
    for label in range(len(centroids)):
        lengths = [end - start for start, end, lab in runs if lab == label]
        nearest = int(np.argmax(sims[label])) if len(centroids) > 1 else label
        distance = float(1.0 - sims[label, nearest]) if len(centroids) > 1 else 2.0
        out.append(
            ClusterEvidence(
                label=label,
                speech_s=sum(lengths) * frame_s,
                longest_turn_s=max(lengths, default=0) * frame_s,
                distance=distance,
                nearest=nearest,
            )
        )
    return out


def weakest_merge(evidence: list[ClusterEvidence], thresholds: SpeakerEvidence) -> tuple[int, int] | None:
    """``(drop, into)`` for the weakest failing cluster, or None when every cluster is a speaker.

    Too-similar centroids are resolved first (the smaller of the closest pair
    joins the larger), then the cluster with the least speech.
    """
    failing = [item for item in evidence if not item.passes(thresholds)]
    if len(evidence) < 2 or not failing:
        return None
    close = [item for item in failing if item.distance < thresholds.min_centroid_distance]
    if close:
        item = min(close, key=lambda e: (e.distance, e.speech_s))
        partner = evidence[item.nearest]
        small, large = sorted((item, partner), key=lambda e: e.speech_s)
        return small.label, large.label
    item = min(failing, key=lambda e: e.speech_s)
    return item.label, item.nearest


def merge_labels(labels: np.ndarray, drop: int, into: int) -> np.ndarray:
    """Window labels with ``drop`` joined to ``into``, renumbered 0..k-1 by first appearance."""
    merged = np.where(labels == drop, into, labels)
    order = {label: rank for rank, label in enumerate(dict.fromkeys(merged.tolist()))}
    return np.array([order[label] for label in merged.tolist()], dtype=int)
