"""Imports and exports of cases data: the people roster in, people/cases/visits out."""
