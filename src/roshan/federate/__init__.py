"""roshan.federate: capture-pattern counts across organisations that cannot share names.

Each organisation turns its linked victims into linkage tokens (:mod:`.tokens`), hashes
them to X25519 u-coordinates and blinds them with a secret scalar (:mod:`.group`, OpenSSL
through ``cryptography``); the sets travel round a ring of age-encrypted, Ed25519-signed, numbered round
files (:mod:`.protocol`) until every party has blinded every set, and a coordinator
matches victims on equal blinded tokens and keeps only capture-pattern counts
(:mod:`.match`).

Names load on first use (:mod:`roshan._lazy`): ``import roshan.federate`` does not load
OpenSSL or age. See docs/federate.md and the federate section of docs/threat-model.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roshan._lazy import lazy_exports

if TYPE_CHECKING:
    from roshan.federate.errors import FederateError
    from roshan.federate.match import (
        DEFAULT_THRESHOLD,
        clear_ids,
        count_error,
        match_counts,
        party_histories,
    )
    from roshan.federate.protocol import (
        MIN_VICTIMS,
        PROTOCOL_VERSION,
        Session,
        blind_round,
        count_rounds,
        counts_provenance,
        create_session,
        load_session,
        pass_round,
        read_round,
    )
    from roshan.federate.tokens import (
        MAX_TOKENS,
        VictimTokens,
        tokens_from_frames,
        workspace_tokens,
    )

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_TOKENS",
    "MIN_VICTIMS",
    "PROTOCOL_VERSION",
    "FederateError",
    "Session",
    "VictimTokens",
    "blind_round",
    "clear_ids",
    "count_error",
    "count_rounds",
    "counts_provenance",
    "create_session",
    "load_session",
    "match_counts",
    "party_histories",
    "pass_round",
    "read_round",
    "tokens_from_frames",
    "workspace_tokens",
]

__getattr__, __dir__ = lazy_exports(__name__)
