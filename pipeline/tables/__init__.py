"""Tables: schemas, results as rows, merging pages into projects, personal-data policy, Parquet writing."""
