"""The default, torch-free diariser: Silero VAD, numpy d-vectors, spectral clustering.

1. Silero VAD finds speech regions.
2. Windows of ``window_s`` every ``hop_s`` inside each region are embedded with
   the resemblyzer d-vector encoder (a region shorter than a window is
   embedded whole).
3. Spectral clustering groups the windows into speakers.
4. Shorter windows (``score_window_s`` every ``score_hop_s``) are embedded and
   every speech frame (10 ms) is scored against each speaker's centroid by the
   short windows that cover it, weighted towards those centred near it. A
   speaker change inside one VAD region (people who answer without a pause,
   or talk over each other) therefore lands within a fraction of a second
   instead of being forced to a region or long-window boundary. Long windows
   keep the clustering robust; short ones make the boundaries sharp: on the
   hard real clip, 1.5 s windows alone left 4.9 s of confusion.
   Where one voice clearly holds a stretch of speech (every clustering window
   over it has the same label, each by ``held_margin`` over the next speaker,
   and no doubtful frame within one clustering window), the stretch takes that
   label without dense short windows: they are most of the encoder's work, and
   are only needed where a change can be (a few, at the clustering hop, still
   keep each speaker's short-window centroid).
5. Scores are smoothed. A voice that the frames carry a little way across a
   pause into another speaker's turn is compared with both neighbours directly
   and joins the closer (:func:`changes_at_pauses`; real_dev_hard role accuracy
   0.962 -> 0.975). Short segments are absorbed, and same-speaker segments
   across short gaps merged.
6. Each speaker change inside continuous speech moves to the quietest frame
   within ``snap_radius_s``, where one voice usually hands over to the other.
7. A cluster without enough evidence of its own (speech, longest turn,
   distance from the other centroids; :mod:`pipeline.diarize.evidence`) is
   merged into its nearest, and steps 4-6 rerun, until every cluster passes.
   If fewer speakers remain than the consent expects, each speaker's speech
   pieces are embedded with CAM++ and a group of them far enough from the rest
   becomes a speaker of its own (:mod:`pipeline.diarize.hidden_voice`): a quiet
   voice close to a main one, which the clustering split the main voice for.
8. Where segmentation-3.0 (:mod:`pipeline.diarize.overlap`) hears two voices,
   the nearest other speaker is added, so segments overlap and the align stage
   can tell who started talking while whom was speaking. On real_dev_hard this
   took DER from 5.2% to 3.3% and found 6 of its 7 overlaps, none on the clean clips.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from pipeline.audio import Audio
from pipeline.diarize.campplus import embed_pieces, load_campplus
from pipeline.diarize.clustering import cluster_windows
from pipeline.diarize.evidence import cluster_evidence, merge_labels, weakest_merge
from pipeline.diarize.hidden_voice import hidden_groups, relabel, speech_pieces
from pipeline.diarize.mel import HOP, mel_frames, volume_gain
from pipeline.diarize.overlap import overlap_probability, overlap_runs
from pipeline.diarize.vad import speech_regions
from pipeline.diarize.voice_encoder import VoiceEncoder, load_voice_encoder
from pipeline.settings import Settings
from pipeline.settings.diarize import EmbeddedSettings
from pipeline.types import Diarization, SpeakerSegment

BACKEND = "embedded"
FRAME_S = HOP / 16_000  # one mel frame per 10 ms

Span = tuple[int, int]  # [start, end) in mel frames


def encoder_for(settings: Settings) -> VoiceEncoder:
    """The d-vector encoder the settings name (the resemblyzer wheel's by default)."""
    path = settings.diarization.embedded.weights_path
    return load_voice_encoder(settings.resolve(path) if path is not None else None)


def plan_windows(regions: list[Span], window: int, hop: int, min_window: int) -> list[Span]:
    """Windows over each speech region; the last one is aligned to the region's end."""
    spans: list[Span] = []
    for start, end in regions:
        length = end - start
        if length < min_window:
            continue
        if length <= window:
            spans.append((start, end))
            continue
        starts = list(range(start, end - window + 1, hop))
        if starts[-1] + window < end:
            starts.append(end - window)
        spans.extend((first, first + window) for first in starts)
    return spans


def embed_spans(
    mel: np.ndarray, spans: list[Span], encoder: VoiceEncoder, config: EmbeddedSettings
) -> np.ndarray:
    """One d-vector per span; spans of equal length are embedded in batches."""
    out = np.zeros((len(spans), encoder.linear_w.shape[0]), np.float32)
    by_length: dict[int, list[int]] = defaultdict(list)
    for index, (start, end) in enumerate(spans):
        by_length[end - start].append(index)
    chunks = [
        indices[first : first + config.batch_size]
        for indices in by_length.values()
        for first in range(0, len(indices), config.batch_size)
    ]
    batches = (np.stack([mel[spans[i][0] : spans[i][1]] for i in chunk]) for chunk in chunks)
    vectors = encoder.embed_batches(batches, threads=config.encoder_threads, workers=config.encoder_workers)
    for chunk, embedded in zip(chunks, vectors, strict=True):
        out[chunk] = embedded
    return out


def encoder_mel(samples: np.ndarray, config: EmbeddedSettings) -> np.ndarray:
    """The encoder's input frames for a whole recording (level-normalised like resemblyzer).

    Scaling the samples by a gain scales their mel power by its square, so the gain is applied
    to the 40 bands instead of to a copy of the whole recording.
    """
    mel = mel_frames(samples)
    mel *= np.float32(volume_gain(samples, config.volume_target_dbfs) ** 2)
    return mel


def window_embeddings(
    mel: np.ndarray,
    regions: list[Span],
    settings: Settings,
    window_s: float,
    hop_s: float,
) -> tuple[list[Span], np.ndarray]:
    """Windows over ``regions`` (in mel frames) and their d-vectors."""
    config = settings.diarization.embedded
    spans = plan_windows(
        regions,
        window=round(window_s / FRAME_S),
        hop=max(1, round(hop_s / FRAME_S)),
        min_window=round(config.min_window_s / FRAME_S),
    )
    return spans, embed_spans(mel, spans, encoder_for(settings), config)


def to_frames(regions: list[Span], n_frames: int) -> list[Span]:
    """Sample spans to mel-frame spans."""
    return [(start // HOP, min(end // HOP, n_frames)) for start, end in regions]


def centroids_of(
    embeddings: np.ndarray, labels: np.ndarray, count: int | None = None, fallback: np.ndarray | None = None
) -> np.ndarray:
    """L2-normalised mean embedding per label (row ``k`` for label ``k``).

    A label without members takes its row from ``fallback``.
    """
    count = count if count is not None else int(labels.max()) + 1
    rows = []
    for k in range(count):
        members = embeddings[labels == k]
        rows.append(members.mean(axis=0) if len(members) else fallback[k])
    means = np.stack(rows)
    return means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)


def nearest_labels(spans: list[Span], labelled: list[Span], labels: np.ndarray) -> np.ndarray:
    """Label of each span: that of the labelled span whose centre is nearest to its centre."""
    centres = np.array([(start + end) / 2 for start, end in labelled])
    order = np.argsort(centres)
    sorted_centres = centres[order]
    out = np.empty(len(spans), dtype=int)
    for index, (start, end) in enumerate(spans):
        centre = (start + end) / 2
        pos = int(np.searchsorted(sorted_centres, centre).clip(1, len(sorted_centres) - 1))
        if len(sorted_centres) == 1 or abs(sorted_centres[pos - 1] - centre) <= abs(
            sorted_centres[pos] - centre
        ):
            pos -= 1
        out[index] = labels[order[pos]]
    return out


def frame_scores(spans: list[Span], similarity: np.ndarray, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame weighted mean of covering windows' similarity to each centroid.

    A window's weight is a triangle peaking at its centre, so a frame trusts
    the window centred on it most. Returns ``(scores, covered)``.
    """
    sums = np.zeros((n_frames, similarity.shape[1]))
    weights = np.zeros(n_frames)
    for (start, end), sims in zip(spans, similarity, strict=True):
        length = end - start
        ramp = 1.0 - np.abs(np.arange(length) + 0.5 - length / 2) / (length / 2) + 1e-3
        sums[start:end] += ramp[:, np.newaxis] * sims
        weights[start:end] += ramp
    covered = weights > 0
    sums[covered] /= weights[covered, np.newaxis]
    return sums, covered


def _smooth(scores: np.ndarray, width: int, regions: list[Span]) -> np.ndarray:
    """Moving average of the scores inside each region (never across silence)."""
    if width <= 1:
        return scores
    kernel = np.ones(width) / width
    out = scores.copy()
    for start, end in regions:
        if end - start <= 1:
            continue
        for k in range(scores.shape[1]):
            padded = np.pad(scores[start:end, k], width // 2, mode="edge")
            out[start:end, k] = np.convolve(padded, kernel, mode="valid")[: end - start]
    return out


def label_frames(scores: np.ndarray, covered: np.ndarray, regions: list[Span]) -> np.ndarray:
    """Best speaker per speech frame (-1 outside speech); uncovered speech takes its nearest label."""
    labels = np.full(len(scores), -1, dtype=int)
    covered_idx = np.flatnonzero(covered)
    if covered_idx.size == 0:
        return labels
    best = scores.argmax(axis=1)
    for start, end in regions:
        frames = np.arange(start, end)
        nearest = np.searchsorted(covered_idx, frames).clip(0, covered_idx.size - 1)
        before = covered_idx[(nearest - 1).clip(0)]
        after = covered_idx[nearest]
        source = np.where(np.abs(frames - before) < np.abs(after - frames), before, after)
        labels[start:end] = np.where(covered[start:end], best[start:end], best[source])
    return labels


def runs_to_segments(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs ``(start, end, label)`` of one speaker, in frames; -1 is silence."""
    runs: list[tuple[int, int, int]] = []
    if labels.size == 0:
        return runs
    changes = np.flatnonzero(np.diff(labels)) + 1
    bounds = [0, *changes.tolist(), len(labels)]
    for start, end in itertools.pairwise(bounds):
        if labels[start] >= 0:
            runs.append((start, end, int(labels[start])))
    return runs


def tidy_segments(
    runs: list[tuple[int, int, int]], min_len: int, fill_gap: int
) -> list[tuple[int, int, int]]:
    """Absorb runs shorter than ``min_len`` into a touching neighbour, then merge across short gaps."""
    runs = list(runs)
    changed = True
    while changed and len(runs) > 1:
        changed = False
        for i, (start, end, label) in enumerate(runs):
            if end - start >= min_len:
                continue
            prev_gap = start - runs[i - 1][1] if i > 0 else None
            next_gap = runs[i + 1][0] - end if i + 1 < len(runs) else None
            options = [(gap, j) for gap, j in ((prev_gap, i - 1), (next_gap, i + 1)) if gap is not None]
            gap, j = min(options)
            if gap > fill_gap:
                continue
            runs[i] = (start, end, runs[j][2])
            changed = changed or runs[j][2] != label
        runs = _merge(runs, fill_gap)
    return _merge(runs, fill_gap)


def snap_changes(
    runs: list[tuple[int, int, int]], energy: np.ndarray, radius: int
) -> list[tuple[int, int, int]]:
    """Move each speaker change between touching runs to the quietest frame within ``radius``.

    Windowed scores place a change only to within a fraction of a window; the
    breath or short gap where one voice hands over to the other is usually the
    quietest point near it (not so for overlapping speech, where it barely moves).
    """
    if radius <= 0:
        return runs
    snapped = list(runs)
    for i in range(1, len(snapped)):
        (a_start, a_end, a_label), (b_start, b_end, b_label) = snapped[i - 1], snapped[i]
        if a_end != b_start or a_label == b_label:
            continue
        low = max(a_start + 1, a_end - radius)
        high = min(b_end - 1, a_end + radius)
        if high <= low:
            continue
        cut = low + int(np.argmin(energy[low:high]))
        snapped[i - 1], snapped[i] = (a_start, cut, a_label), (cut, b_end, b_label)
    return snapped


def frame_energy(mel: np.ndarray, width: int = 5) -> np.ndarray:
    """Log mel energy per frame, lightly smoothed, for finding hand-over points."""
    energy = np.log(mel.sum(axis=1) + 1e-10)
    return np.convolve(energy, np.ones(width) / width, mode="same")


def _merge(runs: list[tuple[int, int, int]], fill_gap: int) -> list[tuple[int, int, int]]:
    merged: list[tuple[int, int, int]] = []
    for start, end, label in runs:
        if merged and merged[-1][2] == label and start - merged[-1][1] <= fill_gap:
            merged[-1] = (merged[-1][0], end, label)
        else:
            merged.append((start, end, label))
    return merged


def held_stretches(
    regions: list[Span], spans: list[Span], embeddings: np.ndarray, labels: np.ndarray, margin: float | None,
    guard: int,
) -> tuple[list[tuple[int, int, int]], list[Span]]:  # fmt: skip
    """Stretches one voice clearly holds as ``(start, end, window)``, and the spans left to score densely.

    A frame is held when every clustering window over it has the same label and
    is closer to that label's centroid than to any other by at least ``margin``
    (cosine), and no frame that is not held lies within ``guard`` frames. A
    stretch keeps one of its windows rather than the label, because merging
    clusters relabels windows.
    """
    if margin is None or not spans or not regions:
        return [], regions
    centroids = centroids_of(embeddings, labels)
    sims = embeddings @ centroids.T
    rows = np.arange(len(labels))
    own = sims[rows, labels]
    sims[rows, labels] = -np.inf
    clear = own - sims.max(axis=1) >= margin if len(centroids) > 1 else np.ones(len(labels), dtype=bool)
    n_frames = regions[-1][1]
    owner = np.full(n_frames, -1)  # the first clear window over a frame; -2: unclear or disputed
    for index, (start, end) in enumerate(spans):
        current = owner[start:end]
        agrees = (current == -1) | ((current >= 0) & (labels[current.clip(0)] == labels[index]))
        if not clear[index]:
            agrees[:] = False
        current[agrees & (current == -1)] = index
        current[~agrees] = -2
    speech = np.zeros(n_frames, dtype=bool)
    for start, end in regions:
        speech[start:end] = True
    doubt = speech & (owner < 0)
    near_doubt = np.convolve(doubt, np.ones(2 * guard + 1), mode="same") > 0
    held = speech & ~near_doubt
    column = np.where(held, labels[owner.clip(0)], -1)
    stretches = [(start, end, int(owner[start])) for start, end, _ in runs_to_segments(column)]
    dense = [(start, end) for start, end, _ in runs_to_segments(np.where(speech & ~held, 0, -1))]
    return stretches, dense


def _clean_toward(two_voices: np.ndarray, start: int, end: int, from_end: bool) -> Span:
    """The part of ``[start, end)`` next to ``end`` (or ``start``) before the first overlapped frame."""
    hits = np.flatnonzero(two_voices[start:end])
    if not hits.size:
        return start, end
    return (start + int(hits[-1]) + 1, end) if from_end else (start, start + int(hits[0]))


def changes_at_pauses(
    frames: np.ndarray,
    regions: list[Span],
    embed: Callable[[list[Span]], np.ndarray],
    two_voices: np.ndarray,
    window: int,
    gap: int,
) -> np.ndarray:
    """Frame labels where speech carried across a pause goes to the neighbour whose voice it is.

    A 0.75 s scoring window holds little of a voice in noise, so at the start
    of a turn after a pause, or at the end of one before a pause, it can lean a
    few hundredths towards the speaker on the other side of the pause. The
    frames then say that speaker talked on across the pause and the change came
    later, without one, inside the next speech region. Such a piece (shorter
    than a clustering window) is compared with its two neighbours directly: up
    to one clustering window of the speech across the pause, and of the other
    voice next to it inside the region. Local comparison is not thrown off by a
    centroid that averages a whole recording; the piece joins the closer one.
    A neighbour is cut short at the first frame where the segmentation model
    hears two voices (``two_voices``): overlapped speech is no sample of either.
    Without a usable neighbour (at least a quarter window) the piece stays.
    """
    out = frames.copy()
    candidates: list[tuple[Span, Span, Span, int]] = []  # piece, across, inner, inner label
    for index, (start, end) in enumerate(regions):
        runs = runs_to_segments(frames[start:end])
        if len(runs) < 2:
            continue
        runs = [(a + start, b + start, label) for a, b, label in runs]
        if index > 0 and start - regions[index - 1][1] <= gap:
            (first, last, label), (_, inner_end, inner) = runs[0], runs[1]
            before = regions[index - 1]
            if frames[before[1] - 1] == label and last - first < window:
                edge = max(before[0], before[1] - window)
                across = _clean_toward(two_voices, edge, before[1], from_end=True)
                other = _clean_toward(two_voices, last, min(inner_end, last + window), from_end=False)
                candidates.append(((first, last), across, other, inner))
        if index + 1 < len(regions) and regions[index + 1][0] - end <= gap:
            (inner_start, _, inner), (first, last, label) = runs[-2], runs[-1]
            after = regions[index + 1]
            if frames[after[0]] == label and last - first < window:
                across = _clean_toward(two_voices, after[0], min(after[1], after[0] + window), from_end=False)
                other = _clean_toward(two_voices, max(inner_start, first - window), first, from_end=True)
                candidates.append(((first, last), across, other, inner))
    usable = [c for c in candidates if all(b - a >= window // 4 for a, b in c[:3])]
    if not usable:
        return out
    vectors = embed([span for c in usable for span in c[:3]]).reshape(len(usable), 3, -1)
    for (piece, _, _, inner), (own, across, other) in zip(usable, vectors, strict=True):
        if own @ other > own @ across:
            out[piece[0] : piece[1]] = inner
    return out


def _frame_runs(
    labels: np.ndarray,
    embeddings: np.ndarray,
    spans: list[Span],
    score_spans: list[Span],
    score_embeddings: np.ndarray,
    regions: list[Span],
    held: list[tuple[int, int, int]],
    held_windows: tuple[list[Span], np.ndarray],
    energy: np.ndarray,
    config: EmbeddedSettings,
    pauses: tuple[Callable[[list[Span]], np.ndarray], np.ndarray] | None = None,
) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Speaker runs ``(start, end, label)`` in frames from window labels, and the label centroids.

    ``held_windows`` are short windows over the held stretches at the clustering hop: they
    score no frame, but keep every speaker's short-window centroid (below) from its own voice.
    """
    centroids = centroids_of(embeddings, labels)
    # Short windows are less similar to any long-window centroid, and unevenly
    # so per speaker; score them against centroids of their own scale.
    all_spans = score_spans + held_windows[0]
    all_embeddings = np.concatenate([score_embeddings, held_windows[1]])
    score_labels = nearest_labels(all_spans, spans, labels)
    score_centroids = centroids_of(all_embeddings, score_labels, len(centroids), fallback=centroids)
    scores, covered = frame_scores(score_spans, score_embeddings @ score_centroids.T, len(energy))
    for start, end, window in held:
        scores[start:end] = 0.0
        scores[start:end, labels[window]] = 1.0
        covered[start:end] = True
    scores = _smooth(scores, round(config.smoothing_s / FRAME_S), regions)
    frames = label_frames(scores, covered, regions)
    if pauses is not None:
        embed, two_voices = pauses
        window, gap = round(config.window_s / FRAME_S), round(config.fill_gap_s / FRAME_S)
        frames = changes_at_pauses(frames, regions, embed, two_voices, window, gap)
    runs = tidy_segments(
        runs_to_segments(frames),
        min_len=round(config.min_segment_s / FRAME_S),
        fill_gap=round(config.fill_gap_s / FRAME_S),
    )
    return snap_changes(runs, energy, round(config.snap_radius_s / FRAME_S)), centroids


def add_overlapping_speakers(
    runs: list[tuple[int, int, int]], overlaps: list[Span], n_frames: int, bridge: int
) -> list[tuple[int, int, int]]:
    """Segments with the nearest other speaker (in time) added over each overlapped stretch.

    ``runs`` hold one speaker per frame. Where the segmentation model counts two
    voices, the speaker of the closest run of another label is active too; per
    speaker, touching stretches join (across a gap of at most ``bridge``
    frames to that speaker's own run), so an interrupter's segment starts where
    the overlap starts and the analysis can tell who started while whom spoke.
    """
    if not overlaps or not runs:
        return runs
    n_labels = max(label for _, _, label in runs) + 1
    active = np.zeros((n_frames, n_labels), dtype=bool)
    primary = np.full(n_frames, -1, dtype=int)
    for start, end, label in runs:
        active[start:end, label] = True
        primary[start:end] = label
    for start, end in overlaps:
        for first, last, label in runs_to_segments(primary[start:end]):
            first, last = first + start, last + start
            others = [
                (max(0, run_start - last, first - run_end), run_label, run_start, run_end)
                for run_start, run_end, run_label in runs
                if run_label != label
            ]
            if not others:
                continue
            gap, other, run_start, run_end = min(others)
            active[first:last, other] = True
            if 0 < gap <= bridge:
                low, high = (last, run_start) if run_start >= last else (run_end, first)
                active[low:high, other] = True
    segments = []
    for label in range(n_labels):
        column = np.where(active[:, label], label, -1)
        segments.extend(runs_to_segments(column))
    return sorted(segments)


def _overlap_probability(audio: Audio, settings: Settings, n_frames: int) -> np.ndarray | None:
    """P(two or more voices) per frame; None when detection is off or the model is missing."""
    config = settings.diarization.overlap
    if not config.enabled:
        return None
    return overlap_probability(audio.samples, config, settings.resolve(config.model_path), FRAME_S, n_frames)


def _overlaps(
    probability: np.ndarray | None, settings: Settings, runs: list[tuple[int, int, int]], n_frames: int
) -> list[Span]:
    """Overlapped-speech spans in frames (none without a probability)."""
    if probability is None:
        return []
    speech = np.zeros(n_frames, dtype=bool)
    for start, end, _ in runs:
        speech[start:end] = True
    return overlap_runs(probability, speech, settings.diarization.overlap, FRAME_S)


def _hidden_voices(
    audio: Audio,
    settings: Settings,
    runs: list[tuple[int, int, int]],
    regions: list[Span],
    centroids: np.ndarray,
    expected: int,
    embed: Callable[[list[Span]], np.ndarray],
) -> tuple[list[tuple[int, int, int]], np.ndarray]:
    """Runs and centroids with quiet voices found inside the speakers (:mod:`pipeline.diarize.hidden_voice`).

    A new speaker's d-vector centroid (what roles and voice profiles compare)
    comes from clustering-size windows over its pieces.
    """
    config = settings.diarization.hidden_voice
    session = load_campplus(settings.resolve(config.model_path), config.threads) if config.enabled else None
    if session is None:
        return runs, centroids
    pieces = speech_pieces(runs, regions)
    shortest = round(config.min_piece_s / FRAME_S)
    long_enough = [i for i, (start, end, _) in enumerate(pieces) if end - start >= shortest]
    if not long_enough:
        return runs, centroids
    samples = [(pieces[i][0] * HOP, pieces[i][1] * HOP) for i in long_enough]
    vectors = embed_pieces(session, audio.samples, samples)
    embeddings = np.zeros((len(pieces), vectors.shape[1]), np.float32)  # zero rows: not embedded
    embeddings[long_enough] = vectors
    groups = hidden_groups(
        pieces, embeddings, expected - len(centroids), settings.diarization.evidence, config.split_distance,
        FRAME_S,
    )  # fmt: skip
    if not groups:
        return runs, centroids
    window = round(settings.diarization.embedded.window_s / FRAME_S)
    added = []
    for group in groups:
        spans = [(pieces[i][0], pieces[i][1]) for i in group]
        windows = plan_windows(spans, window, window, min_window=1)
        mean = embed(windows).mean(axis=0)
        added.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
    relabelled = relabel(pieces, groups, len(centroids))
    fill_gap = round(settings.diarization.embedded.fill_gap_s / FRAME_S)
    return _merge(relabelled, fill_gap), np.vstack([centroids, *added])


def diarize_embedded(
    audio: Audio, settings: Settings, num_speakers: int | None, min_speakers: int, max_speakers: int
) -> Diarization:
    """Diarise ``audio`` with the embedded backend (see the module docstring)."""
    config = settings.diarization.embedded
    mel = encoder_mel(audio.samples, config)
    regions = to_frames(speech_regions(audio.samples, settings.diarization.vad, audio.sample_rate), len(mel))
    spans, embeddings = window_embeddings(mel, regions, settings, config.window_s, config.hop_s)
    duration = round(audio.duration_s, 3)
    if not spans:
        return Diarization(backend=BACKEND, duration_s=duration)
    labels = cluster_windows(
        embeddings,
        num_speakers,
        min_speakers,
        max_speakers,
        keep=config.affinity_keep,
        max_neighbors=config.affinity_max_neighbors,
        random_state=config.random_state,
    )
    held, dense = held_stretches(
        regions, spans, embeddings, labels, config.held_margin, guard=round(config.window_s / FRAME_S)
    )
    score_spans, score_embeddings = window_embeddings(
        mel, dense, settings, config.score_window_s, config.score_hop_s
    )
    held_windows = window_embeddings(
        mel, [(start, end) for start, end, _ in held], settings, config.score_window_s, config.hop_s
    )
    energy = frame_energy(mel)
    encoder = encoder_for(settings)
    probability = _overlap_probability(audio, settings, len(mel))
    two_voices = (
        probability > settings.diarization.overlap.threshold
        if probability is not None
        else np.zeros(len(mel), dtype=bool)
    )

    def embed(pieces: list[Span]) -> np.ndarray:
        return embed_spans(mel, pieces, encoder, config)

    while True:
        runs, centroids = _frame_runs(
            labels, embeddings, spans, score_spans, score_embeddings, regions, held, held_windows, energy,
            config, (embed, two_voices) if config.pause_changes else None,
        )  # fmt: skip
        merge = weakest_merge(cluster_evidence(runs, centroids, FRAME_S), settings.diarization.evidence)
        if merge is None:
            break
        labels = merge_labels(labels, *merge)
    if num_speakers is not None and len(centroids) < num_speakers:
        runs, centroids = _hidden_voices(audio, settings, runs, regions, centroids, num_speakers, embed)
    overlaps = _overlaps(probability, settings, runs, len(mel))
    segments_frames = add_overlapping_speakers(
        runs, overlaps, len(mel), bridge=round(config.fill_gap_s / FRAME_S)
    )
    used = sorted(
        {label for _, _, label in segments_frames},
        key=lambda lab: next(r[0] for r in segments_frames if r[2] == lab),
    )
    names = {label: f"SPEAKER_{rank:02d}" for rank, label in enumerate(used)}
    segments = [
        SpeakerSegment(
            start=round(start * FRAME_S, 3),
            end=round(min(end * FRAME_S, audio.duration_s), 3),
            speaker=names[lab],
        )
        for start, end, lab in segments_frames
    ]
    return Diarization(
        backend=BACKEND,
        duration_s=duration,
        segments=segments,
        centroids={names[lab]: [round(float(v), 6) for v in centroids[lab]] for lab in used},
        encoder=encoder_for(settings).name,
    )


def speaker_centroids(
    audio: Audio, segments: list[SpeakerSegment], settings: Settings
) -> dict[str, list[float]]:
    """d-vector centroid per speaker of any diarisation, in the embedded backend's voice space.

    Other backends embed voices differently; recomputing the centroids here
    lets enrolled voice profiles match whichever backend diarised.
    """
    config = settings.diarization.embedded
    mel = encoder_mel(audio.samples, config)
    by_speaker: dict[str, list[Span]] = defaultdict(list)
    for seg in segments:
        by_speaker[seg.speaker].append((round(seg.start / FRAME_S), min(round(seg.end / FRAME_S), len(mel))))
    centroids: dict[str, list[float]] = {}
    for speaker, spans in by_speaker.items():
        _, embeddings = window_embeddings(mel, spans, settings, config.window_s, config.hop_s)
        if len(embeddings):
            mean = embeddings.mean(axis=0)
            centroids[speaker] = [round(float(v), 6) for v in mean / max(np.linalg.norm(mean), 1e-12)]
    return centroids


def voice_embedding(audio: Audio, settings: Settings) -> tuple[np.ndarray, float]:
    """Mean d-vector of all speech in ``audio`` and the seconds of speech it came from (for enrolment)."""
    config = settings.diarization.embedded
    mel = encoder_mel(audio.samples, config)
    regions = to_frames(speech_regions(audio.samples, settings.diarization.vad, audio.sample_rate), len(mel))
    _, embeddings = window_embeddings(mel, regions, settings, config.window_s, config.hop_s)
    if not len(embeddings):
        return np.zeros(0, np.float32), 0.0
    mean = embeddings.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12), sum(
        end - start for start, end in regions
    ) * FRAME_S
