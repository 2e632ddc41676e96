"""Pure rules of integrations (no Django imports): webhook signatures and retry backoff."""
