"""Readers: turn the files of a workspace into Python values, decoded and NFC-normalised."""
