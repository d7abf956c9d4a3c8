"""ESF regions (NUTS 2) and their written variants (data/esf_regions.csv).

The one implementation lives with the rest of the geography in `pipeline.places.gazetteer`;
this module is the short import path the other stages use.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from pipeline.places.gazetteer import canonical_region, region_nuts2
from pipeline.places.gazetteer import esf_region_variants as _variants


@lru_cache(maxsize=1)
def region_variants() -> Mapping[str, str]:
    """Casefolded written variant -> canonical ESF region name.

    Built once (read-only): the regional-plan and call readers ask for it on every line."""
    return MappingProxyType({k.casefold(): v for k, v in _variants().items()})


__all__ = ["canonical_region", "region_nuts2", "region_variants"]
