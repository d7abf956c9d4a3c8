"""ESF regions (NUTS 2) and their written variants (data/esf_regions.csv).

The one implementation lives with the rest of the geography in `pipeline.places.gazetteer`;
this module is the short import path the other stages use.
"""

from __future__ import annotations

from pipeline.places.gazetteer import canonical_region, region_nuts2
from pipeline.places.gazetteer import esf_region_variants as _variants

def region_variants() -> dict[str, str]:
    """Casefolded written variant -> canonical ESF region name."""
    return {k.casefold(): v for k, v in _variants().items()}


__all__ = ["canonical_region", "region_nuts2", "region_variants"]
