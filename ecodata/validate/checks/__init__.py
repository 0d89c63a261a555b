"""The checks shipped with ecodata, one per file. A package runs one only when its descriptor names it."""
