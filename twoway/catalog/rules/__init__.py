"""Pure catalogue rules (no Django imports)."""
