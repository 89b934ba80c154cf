"""API keys: hashed tokens with scopes."""
