"""Layout: labels, the fact block and other segments of a page, headed sections, and the page kind."""
