"""Demo seeder: cases, visits, poverty lines (order 20)."""
