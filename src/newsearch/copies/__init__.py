"""Wire copies: near-duplicate signatures of article bodies, and the groups they form.

- `signature.py`: a MinHash (datasketch) over shingles of three consecutive index terms of the body,
  with datelines, bylines, copyright lines and promos left out; computed from the terms the indexer
  already has, stored with the document;
- `groups.py`: candidate pairs from LSH bands of every signature, each pair verified by its
  estimated overlap, groups as connected components, the lead of each (the earliest report, then
  the most complete); the stores keep the result (`Groups`) and collapse results by it.
"""

from .groups import (COPY_CONTAINMENT, COPY_JACCARD, Groups, Member, SignatureTable, days_of, find_groups,
                     find_groups_table, group_id)
from .signature import NUM_PERM, SIGNATURE_BYTES, Signature, body_signature, decode_rows

__all__ = ["NUM_PERM", "Signature", "body_signature", "Member", "Groups", "find_groups", "group_id", "SignatureTable",
           "find_groups_table", "SIGNATURE_BYTES", "decode_rows", "days_of", "COPY_JACCARD",
           "COPY_CONTAINMENT"]
