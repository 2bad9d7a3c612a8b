"""Imports and exports of payments data: campaign lists in, payments out."""
