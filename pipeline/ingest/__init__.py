"""Ingest: find the input files, open archives, decode bytes to clean text, read HTML as text."""
