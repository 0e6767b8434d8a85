"""The append-only, hash-chained audit log: the one writer every feature uses, and its pages."""
