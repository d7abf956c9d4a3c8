"""Extraction pipeline for scraped Swedish pages about EU-funded (ESF/ESF+) projects."""

__version__ = "0.1.0"
