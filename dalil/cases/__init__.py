"""The reference case-status service: the contract an agency's case system must provide."""
