"""Values: one string in, one typed value out (amounts, dates, programme periods, programme codes, regions)."""
