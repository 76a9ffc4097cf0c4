"""Score a spaCy pipeline against gold CoNLL-U sentences: UPOS, UFeats, UAS/LAS, lemma, finite verbs.

Scored on the gold tokenisation (the pipeline's components run on a Doc built from the gold
words), over every token including punctuation, as the CoNLL 2018 shared task counts UPOS,
UFeats (the whole feature set must match), UAS, LAS and lemmas. Finite-verb identification
is precision/recall/F1 of ``VerbForm=Fin``: the decision the question rules depend on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pipeline.nlp.conllu import UdSentence, to_doc


def _finite(feats: str) -> bool:
    return "VerbForm=Fin" in feats.split("|")


def _f1(true_positive: int, predicted: int, gold: int) -> dict[str, float]:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def score(nlp: Any, sentences: Iterable[UdSentence]) -> dict[str, Any]:
    """Accuracies of ``nlp`` on ``sentences`` (rounded to 4 decimals) and the counts behind them."""
    sentences = list(sentences)
    gold_docs = [to_doc(nlp.vocab, sentence) for sentence in sentences]
    from spacy.tokens import Doc

    inputs = [
        Doc(nlp.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
        for doc in gold_docs
    ]
    tokens = upos = feats = uas = las = uas_np = las_np = no_punct = lemma = 0
    fin_tp = fin_pred = fin_gold = 0
    for gold, predicted in zip(gold_docs, nlp.pipe(inputs, batch_size=256), strict=True):
        for g, p in zip(gold, predicted, strict=True):
            tokens += 1
            upos += g.pos_ == p.pos_
            feats += str(g.morph) == str(p.morph)
            lemma += g.lemma_ == p.lemma_
            head_ok = g.head.i == p.head.i
            label_ok = head_ok and g.dep_.lower() == p.dep_.lower()
            uas += head_ok
            las += label_ok
            if g.pos_ != "PUNCT":
                no_punct += 1
                uas_np += head_ok
                las_np += label_ok
            gold_fin, pred_fin = _finite(str(g.morph)), _finite(str(p.morph))
            fin_gold += gold_fin
            fin_pred += pred_fin
            fin_tp += gold_fin and pred_fin
    return {
        "sentences": len(sentences),
        "tokens": tokens,
        "upos": round(upos / tokens, 4),
        "ufeats": round(feats / tokens, 4),
        "uas": round(uas / tokens, 4),
        "las": round(las / tokens, 4),
        "uas_no_punct": round(uas_np / no_punct, 4),
        "las_no_punct": round(las_np / no_punct, 4),
        "lemma": round(lemma / tokens, 4),
        "finite_verbs": {**_f1(fin_tp, fin_pred, fin_gold), "gold": fin_gold},
    }


def finite_decisions(dutch_nlp: Any, sentences: Iterable[UdSentence]) -> dict[str, Any]:
    """Finite-verb F1 of three deciders over the analysis tokens of ``sentences``.

    ``rule`` is :meth:`DutchNlp.is_finite` (morphology when the tagger is confident, the verb
    list otherwise), ``morphology`` the tagger alone, ``verb_list`` the list alone. The gold
    words are joined into text and run through :meth:`DutchNlp.tokenize`, as the analysis does;
    a sentence whose analysis tokens differ from the gold words (after dropping the same
    punctuation) is skipped and counted.
    """
    from pipeline.nlp import KEPT_PUNCT

    sentences = list(sentences)
    texts = [
        "".join(w + (" " if sp else "") for w, sp in zip(s.words, s.spaces, strict=True)) for s in sentences
    ]
    counts = {name: [0, 0, 0] for name in ("rule", "morphology", "verb_list")}  # tp, predicted, gold
    skipped = 0
    for sentence, tokens in zip(sentences, dutch_nlp.tokenize(texts), strict=True):
        gold = [
            _finite(feats)
            for word, upos, feats in zip(sentence.words, sentence.upos, sentence.feats, strict=True)
            if upos != "PUNCT" or word in KEPT_PUNCT
        ]
        if len(gold) != len(tokens):
            skipped += 1
            continue
        for token, is_gold in zip(tokens, gold, strict=True):
            decisions = {
                "rule": dutch_nlp.is_finite(token),
                "morphology": bool(token.finite),
                "verb_list": token.lower in dutch_nlp.verb_lemmas,
            }
            for name, predicted in decisions.items():
                counts[name][0] += predicted and is_gold
                counts[name][1] += predicted
                counts[name][2] += is_gold
    return {
        **{name: {**_f1(tp, pred, gold), "gold": gold} for name, (tp, pred, gold) in counts.items()},
        "sentences_skipped": skipped,
    }
