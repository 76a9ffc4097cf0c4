"""The shipped Dutch pipeline models/nl_kijkwijzer_sm and the tagger/parser path of DutchNlp.

CI never trains: these tests load the committed model, check that it was trained on exactly
the committed spoken set and config (and the UD files, where ../shared holds them), and run the
real pipeline on spoken Dutch, questions without "?" included.
"""

from __future__ import annotations

import json

import pytest
from spacy.strings import hash_string

from pipeline.errors import ModelMissingError
from pipeline.fsutil import file_sha256 as sha256_file
from pipeline.nlp import (
    BLANK,
    OFFICIAL_MODEL,
    SHIPPED_MODEL,
    DutchNlp,
    get_nlp,
    model_identity,
    nlp_from_settings,
    resolve_model,
)
from pipeline.nlp.conllu import read_conllu
from pipeline.nlp.evaluate import finite_decisions, score
from pipeline.nlp.pos_lexicon import CLASSES, source_hashes
from pipeline.nlp.train import (
    DEFAULT_CONFIG,
    DEFAULT_DATA,
    DEFAULT_SPOKEN,
    DEFAULT_SPOKEN_MORE,
    carve_validation,
    split_by_document,
    split_spoken,
)
from pipeline.settings import PROJECT_ROOT, load_settings

SETTINGS = load_settings(environ={})
VERBS = SETTINGS.resolve(SETTINGS.analysis.lexicons.verbs)
MODEL_DIR = PROJECT_ROOT / SHIPPED_MODEL
META = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nlp() -> DutchNlp:
    return get_nlp(str(SHIPPED_MODEL), VERBS)


def test_default_setting_loads_the_shipped_model_when_nl_core_news_sm_is_absent(nlp: DutchNlp) -> None:
    if resolve_model(OFFICIAL_MODEL).kind == "package":
        pytest.skip("nl_core_news_sm is installed here, so it is the default")
    assert SETTINGS.analysis.nlp.model == OFFICIAL_MODEL
    assert nlp_from_settings(SETTINGS).identity == nlp.identity == model_identity(OFFICIAL_MODEL)
    assert nlp.name == "nl_kijkwijzer_sm" and nlp.version == META["version"] and nlp.has_tagger
    assert nlp.identity["meta_sha256"] == sha256_file(MODEL_DIR / "meta.json")
    assert {"morphologizer", "parser", "trainable_lemmatizer"} <= set(META["pipeline"])
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 20 * 1024 * 1024  # megabytes, not hundreds


def test_recorded_training_data_hashes_match_the_committed_files() -> None:
    recorded = META["kijkwijzer"]["training_data"]
    assert recorded[DEFAULT_SPOKEN.name] == sha256_file(DEFAULT_SPOKEN)
    assert recorded[DEFAULT_SPOKEN_MORE.name] == sha256_file(DEFAULT_SPOKEN_MORE)
    assert META["kijkwijzer"]["config_sha256"] == sha256_file(DEFAULT_CONFIG)
    assert sorted(recorded) == sorted(
        [
            "nl_alpino-ud-dev.conllu",
            "nl_alpino-ud-test.conllu",
            "nl_lassysmall-ud-dev.conllu",
            "nl_lassysmall-ud-test.conllu",
            DEFAULT_SPOKEN.name,
            DEFAULT_SPOKEN_MORE.name,
        ]
    )
    readme = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert all(digest in readme for digest in recorded.values()) and "CC BY-SA 4.0" in readme


def test_recorded_lexicon_tables_are_the_installed_ones(nlp: DutchNlp) -> None:
    """The word-class lexicon the model carries was built from the pinned spacy-lookups-data."""
    lexicon = META["kijkwijzer"]["pos_lexicon"]
    assert lexicon["tables"] == source_hashes()
    assert lexicon["forms"] > 100_000 and 0 < lexicon["rows"] <= 2 ** len(CLASSES)
    vectors = nlp._nlp.vocab.vectors
    assert vectors.shape == (lexicon["rows"], len(CLASSES) + 1)
    assert vectors.find(key=hash_string("huis")) >= 0 and vectors.find(key=hash_string("xqzw")) == -1


def test_recorded_hashes_match_the_ud_treebank_files() -> None:
    if not DEFAULT_DATA.is_dir():
        pytest.skip(f"{DEFAULT_DATA} is not available here")
    for name, digest in META["kijkwijzer"]["training_data"].items():
        if name not in {DEFAULT_SPOKEN.name, DEFAULT_SPOKEN_MORE.name}:
            assert sha256_file(DEFAULT_DATA / name) == digest, name


def test_settings_trials_validate_on_documents_the_held_out_part_never_holds() -> None:
    """``--validate`` compares settings on part of the training data, so choosing never peeks."""
    if not DEFAULT_DATA.is_dir():
        pytest.skip(f"{DEFAULT_DATA} is not available here")
    ud_train, held = {}, []
    for path in sorted(DEFAULT_DATA.glob("*.conllu")):
        ud_train[path.name], part = split_by_document(read_conllu(path))
        held += part
    spoken_train, spoken_held = split_spoken(read_conllu(DEFAULT_SPOKEN))
    rest, spoken_rest, validation = carve_validation(ud_train, spoken_train)
    held_ids = {s.sent_id for s in held} | {s.sent_id for s in spoken_held}
    valid_ids = {s.sent_id for part in validation.values() for s in part}
    rest_ids = {s.sent_id for part in rest.values() for s in part} | {s.sent_id for s in spoken_rest}
    assert not valid_ids & held_ids and not valid_ids & rest_ids and not rest_ids & held_ids
    assert {s.doc_id for s in validation["ud_validation"]}.isdisjoint(s.doc_id for s in held)
    share = len(validation["ud_validation"]) / sum(len(part) for part in ud_train.values())
    assert 0.08 < share < 0.13 and len(validation["spoken_validation"]) == len(spoken_train) // 5


def test_questions_without_question_mark_start_with_a_finite_verb(nlp: DutchNlp) -> None:
    texts = ["Heb je de brief gekregen", "Werk je nog bij de supermarkt", "Kunt u dat even laten zien"]
    for tokens in nlp.tokenize(texts):
        first = tokens[0]
        assert first.pos in {"AUX", "VERB"} and first.finite and first.confidence is not None
        assert nlp.is_finite(first)
        assert not any(nlp.is_finite(t) for t in tokens[1:2])  # the subject pronoun


def test_morphology_overrides_the_verb_list_when_confident(nlp: DutchNlp) -> None:
    noun, plural, infinitive = nlp.tokenize(
        ["Het werk is zwaar.", "De vragen zijn moeilijk.", "Ik wil graag werken."]
    )
    for token in (noun[1], plural[1], infinitive[3]):
        assert token.lower in nlp.verb_lemmas  # the list alone would call each a finite verb
        assert token.confidence is not None and token.confidence >= nlp.min_tag_confidence
        assert not nlp.is_finite(token)
    for tokens in (noun, plural, infinitive):  # the rule, token by token
        for token in tokens:
            sure = token.confidence is not None and token.confidence >= nlp.min_tag_confidence
            assert nlp.is_finite(token) == (token.finite if sure else token.lower in nlp.verb_lemmas)
    spoken = nlp.token("hedde")  # a normalised spoken form has no tagger label: the list decides
    assert spoken.finite is None and nlp.is_finite(spoken) == ("hedde" in nlp.verb_lemmas)


def test_heads_dependencies_and_pronoun_types(nlp: DutchNlp) -> None:
    question, relative, embedded = nlp.tokenize(
        [
            "Heb je de brief gekregen",
            "De vrouw die mij belde, was aardig.",
            "Ik vraag me af wat je daarvan vindt",
        ]
    )
    words = [t.lower for t in question]
    assert question[words.index("je")].head == words.index("gekregen")
    assert question[words.index("gekregen")].head is None and question[words.index("gekregen")].dep == "ROOT"
    assert all(t.head is None or 0 <= t.head < len(relative) for t in relative)  # indices skip dropped "."
    assert [t.pron_type for t in relative if t.lower == "die"] == ["Rel"]
    assert [t.pron_type for t in embedded if t.lower == "wat"] == ["Int"]
    assert [t.lemma for t in embedded if t.lower == "vindt"] == ["vinden"]


def test_spoken_held_out_accuracy_is_the_recorded_one(nlp: DutchNlp) -> None:
    _, held_out = split_spoken(read_conllu(DEFAULT_SPOKEN))
    result = score(nlp._nlp, held_out)
    assert result == META["kijkwijzer"]["accuracy"]["spoken_held_out"]  # the README's figures are real
    assert result["upos"] >= 0.92  # issue 11's target
    # The analysis's decision (confident morphology, else the list): issue 11's target. This model
    # (spoken sentences once per epoch) reaches 0.984 on these 62 finite verbs at
    # min_tag_confidence 0.5 (0.947 at the earlier 0.8), the tagger alone 0.992; the model before
    # it 0.976 / 0.984.
    decisions = finite_decisions(nlp, held_out)
    assert decisions["sentences_skipped"] == 0 and decisions["rule"]["f1"] >= 0.95
    assert decisions["rule"]["f1"] > decisions["verb_list"]["f1"]


def test_the_loaded_model_multiplies_with_numpy_blas_and_matches_thincs_own_backend(nlp: DutchNlp) -> None:
    import numpy
    from thinc.api import NumpyOps

    from pipeline.nlp.blas_ops import NumpyBlasOps

    # every layer, except the parser's output layer, which spaCy builds on "cpu" on purpose
    nodes = [node for _, pipe in nlp._nlp.pipeline if hasattr(pipe, "model") for node in pipe.model.walk()]
    others = [node for node in nodes if not isinstance(node.ops, NumpyBlasOps)]
    assert len(nodes) > 70 and [node.name for node in others] == ["linear"]
    assert nlp._nlp.get_pipe("parser").model.get_ref("upper") is others[0]
    rng = numpy.random.default_rng(7)
    x = rng.standard_normal((37, 96), dtype="float32")
    y = rng.standard_normal((96, 300), dtype="float32")
    ours, theirs = NumpyBlasOps(), NumpyOps()
    for trans1, trans2 in [(False, False), (True, False), (False, True), (True, True)]:
        a = numpy.ascontiguousarray(x.T) if trans1 else x
        b = numpy.ascontiguousarray(y.T) if trans2 else y
        expected = theirs.gemm(a, b, trans1=trans1, trans2=trans2)
        assert numpy.allclose(ours.gemm(a, b, trans1=trans1, trans2=trans2), expected, atol=1e-4)
        out = numpy.empty_like(expected)
        assert ours.gemm(a, b, out=out, trans1=trans1, trans2=trans2) is out
        assert numpy.allclose(out, expected, atol=1e-4)


def test_missing_models_give_one_line_errors_naming_the_fix() -> None:
    with pytest.raises(ModelMissingError, match=r"make model") as missing:
        resolve_model("models/nl_kijkwijzer_missing")
    assert "\n" not in str(missing.value)
    with pytest.raises(ModelMissingError, match="not installed"):
        resolve_model("nl_core_news_lg_not_here")
    assert resolve_model(BLANK).kind == "blank"


def test_analysis_cache_key_carries_the_model_identity() -> None:
    from pipeline.analysis.learned.linear import learned_identity
    from pipeline.stages.plan import BY_NAME

    spec = BY_NAME["analysis"]
    assert spec.model is not None
    assert spec.model(SETTINGS)["nlp"] == model_identity(SETTINGS.analysis.nlp.model)
    # the learned decisions' model is part of the same identity (retraining re-runs the stage)
    assert spec.model(SETTINGS)["learned"] == learned_identity(SETTINGS) is not None
    blank = SETTINGS.model_copy(
        update={
            "analysis": SETTINGS.analysis.model_copy(
                update={"nlp": SETTINGS.analysis.nlp.model_copy(update={"model": BLANK})}
            )
        }
    )
    assert spec.model(blank)["nlp"]["name"] == "blank:nl" != spec.model(SETTINGS)["nlp"]["name"]
