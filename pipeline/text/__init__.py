"""Generic text tools with no ESF knowledge: the shared tokeniser, sentence splitting, literal prefilters."""
