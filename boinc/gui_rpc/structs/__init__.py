"""Typed structs of the GUI RPC."""
