"""Pure rules of the businesses context (no Django imports)."""
