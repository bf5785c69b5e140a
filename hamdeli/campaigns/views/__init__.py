"""Pages of the campaigns app: awareness, advocacy (and its public statement page), recognition."""
