"""Project pages: raw fields, their normalised values, cross-field checks, goals, and the project row."""
