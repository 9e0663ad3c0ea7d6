"""Intent classification of chat messages: corpus, features, a cheap linear model, an optional vector stage."""

from .cache import attach_vector_stage, load_model, warm
from .corpus import CORPUS, Utterance, corpus_version, load_corpus
from .model import CONFIDENT, MARGIN, IntentModel, Prediction, train

__all__ = [
    "CONFIDENT", "CORPUS", "MARGIN", "IntentModel", "Prediction", "Utterance", "attach_vector_stage",
    "corpus_version", "load_corpus", "load_model", "train", "warm",
]
