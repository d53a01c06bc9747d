"""類似団体 (peer types) of municipalities, as in 総務省「類似団体別市町村財政指数表」.

The rule (:func:`classify`, its bounds and labels) is applied when ``chiiki build`` makes
``data/peer_types.parquet``, so it lives with that build in :mod:`loaders.ruiji`: loaders never
import metrics. It is re-exported here for the pages and the API, which read the types from the
serving database (``loaders.query.peer_types``) and need only the labels and the rule's words.
"""

from __future__ import annotations

from loaders.ruiji import DESIGNATED, DESIGNATIONS, PeerType, all_type_codes, classify, population_class, type_labels

__all__ = ["DESIGNATED", "DESIGNATIONS", "PeerType", "all_type_codes", "classify", "population_class", "type_labels"]
