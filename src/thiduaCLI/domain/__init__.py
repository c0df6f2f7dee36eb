"""The rules of the emulation movement: plans, periods, attainment, scores (pure)."""
