"""The other page kinds with records of their own: calls for proposals and regional action plans."""
