"""`tillit bench`: a seeded synthetic dataset at small or national scale, and the operations
that matter timed against it (pages, who-is-hit queries, annexes, bulk import)."""
