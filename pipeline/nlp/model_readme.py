"""Write the README of the trained pipeline from its meta, so the figures there are the measured ones.

Why generated: every retrain changes the hashes, split counts and accuracies; a hand-edited
README would drift from ``meta.json``, which the tests check against the training files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pipeline.fsutil import atomic_write_text

_SETS = {
    "ud_held_out": "UD held-out documents (≈10%)",
    "spoken_held_out": "spoken-style held-out (every 4th sentence)",
}


def _accuracy_table(accuracy: dict[str, Any]) -> list[str]:
    lines = [
        "| set | sentences | tokens | UPOS | UFeats | UAS | LAS | lemma | finite-verb F1 (P / R) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in accuracy.items():
        fin = s["finite_verbs"]
        lines.append(
            f"| {_SETS.get(name, name)} | {s['sentences']} | {s['tokens']} "
            f"| {s['upos']:.3f} | {s['ufeats']:.3f} | {s['uas']:.3f} | {s['las']:.3f} | {s['lemma']:.3f} "
            f"| {fin['f1']:.3f} ({fin['precision']:.3f} / {fin['recall']:.3f}) |"
        )
    return lines


def write_readme(path: Path, meta: dict[str, Any]) -> None:
    """The model card: data, licence, split, accuracies, training time, retrain steps, hashes."""
    k = meta["kijkwijzer"]
    lines = [
        f"# {meta['lang']}_{meta['name']} {meta['version']}",
        "",
        "A small Dutch spaCy pipeline for Kijkwijzer's analysis: tokenizer, CNN tok2vec (width 128,",
        "depth 4; its only static features are a word-class lexicon, no embeddings), morphologizer",
        "(UPOS + UD features), dependency parser and trainable",
        f"lemmatizer ({', '.join(meta['pipeline'])}), spaCy {meta['spacy_version']}, CPU only.",
        "Written by `python -m pipeline.nlp.train` (`make model`); do not edit by hand.",
        "",
        "## Training data and licence",
        "",
        "- UD_Dutch-Alpino and UD_Dutch-LassySmall, dev and test sections (CC BY-SA 4.0), from",
        "  `../shared/data/ud_dutch/`; compound lemmas are joined with the linker the form shows",
        "  (`opleiding_ploeg` → `opleidingsploeg`, `af_lopen` → `aflopen`).",
        "- `models/nlp_training/spoken_nl.conllu`: spoken-style sentences written and labelled for",
        "  this project (CC BY-SA 4.0, see `models/nlp_training/README.md`), each seen "
        f"{k.get('spoken_repeat', 3)}× per epoch;",
        "  `spoken_nl_more.conllu`, more of them by a second annotator, trained on only.",
        "- A word-class lexicon built by `pipeline/nlp/pos_lexicon.py` from the Dutch lemma tables of",
        f"  `spacy-lookups-data` (MIT): {k['pos_lexicon']['forms']:,} lowercased forms, each with the",
        "  classes it can have (ADJ, NOUN, VERB, ADP, DET, ADV, PRON), stored in the vocab as",
        f"  {k['pos_lexicon']['rows']} shared 8-dimensional rows that the tok2vec reads as static features.",
        "",
        "Licence of this model: **CC BY-SA 4.0**, as for spaCy's `nl_core_news_sm`, with attribution",
        "to the UD_Dutch-Alpino and UD_Dutch-LassySmall treebanks and their authors (see their READMEs).",
        "",
        "## Split",
        "",
        "Per treebank file, whole documents (by sentence id) are held out in hashed order until they",
        "hold ≥ 10% of the file's sentences (skipping a document that would take it past 12%); every",
        "4th spoken sentence is held out. Held-out data is only scored: training runs a fixed number",
        "of steps, with no early stopping or model choice.",
        "",
        "| file | train sentences | held-out sentences | held-out documents |",
        "|---|---|---|---|",
    ]
    for name, counts in k["split"].items():
        lines.append(
            f"| `{name}` | {counts['train_sentences']} | {counts.get('held_out_sentences', '-')} "
            f"| {counts.get('held_out_documents', '-')} |"
        )
    lines += [
        "",
        "## Accuracy",
        "",
        "On the gold tokenisation, every token counted (punctuation included), CoNLL 2018 style;",
        "UFeats needs the whole feature set right; finite-verb F1 scores `VerbForm=Fin`.",
        "",
        *_accuracy_table(k["accuracy"]),
        "",
        f"Training took {k['training_seconds']} s on the 2-core build machine (shared with other work).",
        "",
        "## Retrain",
        "",
        "```sh",
        "make model            # = .venv/bin/python -m pipeline.nlp.train",
        "```",
        "",
        "Options: `--data DIR` (the UD files), `--spoken FILE`, `--spoken-more FILE`, `--out DIR`,",
        "`--max-steps N`, `--spoken-repeat N`, `--set KEY=VALUE` (a config override). Compare settings",
        "with `--validate --out DIR`: it trains on the training part minus a validation part (the",
        "next documents in the same hashed order, every fifth trained spoken sentence) and scores",
        "only that, so the held-out sentences never choose a setting.",
        "The config is `models/nlp_training/config.cfg`. The result replaces this folder atomically.",
        "",
        "## Training-data sha256",
        "",
        "Recorded in `meta.json` (`kijkwijzer.training_data`) and checked by `tests/test_nlp_model.py`.",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| `{name}` | `{digest}` |" for name, digest in k["training_data"].items()],
        f"| `config.cfg` | `{k['config_sha256']}` |",
        *[f"| `{name}` (lexicon) | `{digest}` |" for name, digest in k["pos_lexicon"]["tables"].items()],
        "",
    ]
    atomic_write_text(path, "\n".join(lines))


if __name__ == "__main__":  # regenerate a model's README from its meta.json
    folder = Path(sys.argv[1])
    write_readme(folder / "README.md", json.loads((folder / "meta.json").read_text(encoding="utf-8")))
