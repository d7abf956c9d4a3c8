"""Quality: precision/recall against hand labels, and the HTML quality report."""
