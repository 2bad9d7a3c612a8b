"""Demo seeder: organisations, users, people (order 10)."""
